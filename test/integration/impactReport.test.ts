import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ErrorBodySchema,
  ImpactReportSchema,
  SESSION_COOKIE_NAME,
  SMALL_GROUP,
  type ImpactReport,
  type ReportGroup,
} from '@visio/shared/protocol';
import {
  addSecondSite,
  seedInterviews,
  setDistance,
  times,
  type InterviewSeed,
} from '../support/reportSeed';
import { startTestServer, type TestServer } from '../support/testServer';

// The impact report through its REST routes, on a real server and database (SQLite here, the
// integration-pg project runs the same file on PostgreSQL), over appointments and call records
// written straight into the store: what the report must count is set here, by hand, and each
// expected figure below is worked out from this seed, not from the code.

let t: TestServer;
let site2: string;
const CITIZEN_REF = 'REF-SECRET-4711';
/** A site name a CSV must quote (it holds the separator) and a page must escape. */
const SITE2_NAME = 'Mairie; <annexe> "Nord"';

const seed = (rows: InterviewSeed[]) => seedInterviews(t, rows, CITIZEN_REF);

beforeAll(async () => {
  t = await startTestServer();
  site2 = await addSecondSite(t, SITE2_NAME);
  const kiosk2 = t.kiosk2.id;
  const k1 = t.kiosk.id;
  const A = t.serviceA;
  const B = t.serviceB;
  // March, site 1, service A: 7 interviews, waits 0 (admitted early), 2, 4, 6, 10, 20, 40 min.
  const waits = [-3, 2, 4, 6, 10, 20, 40];
  const verdicts = ['good', 'good', 'good', 'good', 'fair', 'fair', null] as const;
  await seed(
    waits.map((waitMin, i) => ({
      kiosk: k1,
      service: A,
      day: '2026-03-10',
      status: 'completed',
      waitMin,
      signOrLip: i < 2,
      call: {
        verdict: verdicts[i]!,
        text: i < 3,
        readAloud: i === 6,
        language: i < 2 ? 'en' : 'fr',
        ...(i === 1 ? { interpreter: 'lsf' } : i === 4 ? { interpreter: 'spoken:ar' } : {}),
        incidents: i === 0 ? 2 : 0,
      },
    })),
  );
  await seed(times(2, { kiosk: k1, service: A, day: '2026-03-11', status: 'no_show' }));
  // Not interviews, and outside the period: never counted.
  await seed(times(4, { kiosk: k1, service: A, day: '2026-03-12', status: 'cancelled' }));
  await seed(times(3, { kiosk: k1, service: A, day: '2026-03-12', status: 'scheduled' }));
  await seed(times(6, { kiosk: k1, service: A, day: '2026-02-27', status: 'completed' }));
  // Small groups: 3 (March, site 1, B), 2 (March, site 2, B).
  await seed(times(3, { kiosk: k1, service: B, day: '2026-03-13', status: 'completed' }));
  await seed(times(2, { kiosk: kiosk2, service: B, day: '2026-03-13', status: 'completed' }));
  await seed(times(6, { kiosk: kiosk2, service: A, day: '2026-03-14', status: 'completed' }));
  await seed(times(5, { kiosk: k1, service: A, day: '2026-04-02', status: 'completed' }));
  await seed(times(6, { kiosk: k1, service: A, day: '2026-04-03', status: 'no_show' }));
  // Distances: site 1 → A's office 30 km, → B's 45 km; site 2 → A's 12 km, B's not set.
  await setDistance(t, t.site, A, 30);
  await setDistance(t, t.site, B, 45);
  await setDistance(t, site2, A, 12);
});

afterAll(async () => {
  await t?.stop();
});

const cookie = (token: string) => ({ cookie: `${SESSION_COOKIE_NAME}=${token}` });

async function get(path: string, token: string | undefined) {
  return fetch(`${t.url}${path}`, { headers: token ? cookie(token) : {} });
}

async function report(query: string, token = t.coordinator.token): Promise<ImpactReport> {
  const res = await get(`/api/report?${query}`, token);
  expect(res.status).toBe(200);
  return ImpactReportSchema.parse(await res.json());
}

const MARCH_APRIL = 'from=2026-03&to=2026-04';

function groupOf(r: ImpactReport, month: string, site: string, service: string): ReportGroup {
  const g = r.groups.find((x) => x.month === month && x.siteId === site && x.serviceId === service);
  if (!g) throw new Error(`no group ${month} ${site} ${service}`);
  return g;
}

describe('impact report', () => {
  it('counts interviews, no-shows, waits, quality, accessibility and trips of a group', async () => {
    const r = await report(MARCH_APRIL);
    const g = groupOf(r, '2026-03', t.site, t.serviceA);
    expect(g.suppressed).toBe(false);
    expect(g.interviews).toBe(7);
    // 2 no-shows: a small group of its own.
    expect(g.noShows).toBe(SMALL_GROUP);
    // Sorted waits 0, 2, 4, 6, 10, 20, 40: nearest rank ⌈3.5⌉ = 4th and ⌈6.3⌉ = 7th.
    expect(g.waits).toEqual({
      p50Min: 6,
      p90Min: 40,
      under5: 3,
      from5to15: 2,
      from15to30: 1,
      over30: 1,
    });
    expect(g.quality).toEqual({
      calls: 7,
      good: 4,
      fair: 2,
      poor: 0,
      notMeasured: 1,
      incidents: 2,
    });
    expect(g.accessibility).toEqual({
      realTimeText: 3,
      signOrLipReading: 2,
      readAloud: 1,
      inEnglish: 2,
      interpreter: 2,
    });
    // 2 × 30 km × 7 interviews; × 0.218 kg CO2e/km (the default factor).
    expect(g.trips).toEqual({
      kmSaved: 420,
      co2Kg: 91.6,
      distanceMissing: false,
      hiddenLeftOut: false,
    });
    expect(r.carKgCo2ePerKm).toBe(0.218);
    // 7 + 3 + 2 + 6 in March, 5 in April; February, cancelled and scheduled ones left out.
    expect(r.total.interviews).toBe(23);
    expect(r.total.noShows).toBe(8);
    // Totals add the km of the groups they show: March, site 1, A alone (the others are hidden,
    // see below); 2 × 30 × (7 + 5) + 2 × 45 × 3 + 2 × 12 × 6 would weigh the hidden ones.
    expect(r.total.trips).toEqual({
      kmSaved: 420,
      co2Kg: 91.6,
      distanceMissing: false,
      hiddenLeftOut: true,
    });
  });

  it('gives kiosk availability per site and month: usable minutes over opening hours', async () => {
    // Site 1 opens round the clock; its first kiosk's recording began on 30 March. 31 March and
    // 2 April were counted twice (two nodes for a moment): a day never exceeds its hours. Every
    // other day of the period has no record (the server was down): unavailable.
    await t.server.store.db
      .insertInto('kiosk_availability')
      .values([
        { kiosk_id: t.kiosk.id, day: '2026-03-30', online_minutes: 720 },
        { kiosk_id: t.kiosk.id, day: '2026-03-31', online_minutes: 1500 },
        { kiosk_id: t.kiosk.id, day: '2026-04-01', online_minutes: 1440 },
        { kiosk_id: t.kiosk.id, day: '2026-04-02', online_minutes: 2000 },
      ])
      .execute();
    const r = await report(MARCH_APRIL);
    const of = (siteId: string | null, month: string | null) =>
      r.availability.find((a) => a.siteId === siteId && a.month === month);
    // March: 2 days of 24 h, 12 + 24 h usable. April: 30 days, 2 × 24 h usable.
    expect(of(t.site, '2026-03')).toEqual({
      siteId: t.site,
      month: '2026-03',
      kiosks: 1,
      openHours: 48,
      usableHours: 36,
      percent: 75,
    });
    expect(of(t.site, '2026-04')).toMatchObject({ kiosks: 1, openHours: 720, usableHours: 48 });
    expect(of(t.site, '2026-04')!.percent).toBe(6.7);
    // The period: 84 h of 768 h.
    expect(of(t.site, null)).toMatchObject({ openHours: 768, usableHours: 84, percent: 10.9 });
    expect(of(null, null)).toMatchObject({ openHours: 768, usableHours: 84, percent: 10.9 });
    // The second site never opens: nothing to measure.
    expect(of(site2, '2026-03')).toMatchObject({ kiosks: 0, openHours: 0, percent: null });
    expect(r.availability).toHaveLength(2 * 2 + 2 + 1);
  });

  it('gives groups of fewer than 5 interviews as "< 5", with nothing drawn from them', async () => {
    const r = await report(MARCH_APRIL);
    for (const [site, service] of [
      [t.site, t.serviceB],
      [site2, t.serviceB],
    ] as const) {
      const g = groupOf(r, '2026-03', site, service);
      expect(g).toMatchObject({
        suppressed: true,
        interviews: SMALL_GROUP,
        waits: null,
        quality: null,
        accessibility: null,
        trips: null,
      });
    }
    for (const g of [...r.groups, ...r.bySite, ...r.byService, ...r.byMonth, r.total]) {
      if (typeof g.interviews === 'number') expect(g.interviews).toBeGreaterThanOrEqual(5);
      if (typeof g.noShows === 'number') expect(g.noShows).toBeGreaterThanOrEqual(5);
      if (g.suppressed)
        expect([g.waits, g.quality, g.accessibility, g.trips]).toEqual([null, null, null, null]);
    }
  });

  it('lets no hidden group be worked out from a total and the groups shown beside it', async () => {
    const r = await report(MARCH_APRIL);
    const margins: [ReportGroup, ReportGroup[]][] = [
      ...r.bySite.map((s): [ReportGroup, ReportGroup[]] => [
        s,
        r.groups.filter((g) => g.siteId === s.siteId),
      ]),
      ...r.byService.map((s): [ReportGroup, ReportGroup[]] => [
        s,
        r.groups.filter((g) => g.serviceId === s.serviceId),
      ]),
      ...r.byMonth.map((m): [ReportGroup, ReportGroup[]] => [
        m,
        r.groups.filter((g) => g.month === m.month),
      ]),
      [r.total, r.bySite],
      [r.total, r.byService],
      [r.total, r.byMonth],
    ];
    // Site 1's total (15) less its shown March A group (7) would give March B (3) if April's
    // group (5) were shown: it is hidden too, and so on until no total has one hidden member.
    expect(groupOf(r, '2026-04', t.site, t.serviceA).interviews).toBe(SMALL_GROUP);
    for (const [total, members] of margins) {
      if (total.interviews === SMALL_GROUP) continue;
      expect(members.filter((m) => m.interviews === SMALL_GROUP)).not.toHaveLength(1);
    }
  });

  it('says nothing of a person: no citizen reference, no staff name', async () => {
    const json = await (await get(`/api/report?${MARCH_APRIL}`, t.admin.token)).text();
    const csv = await (await get(`/api/report.csv?${MARCH_APRIL}`, t.admin.token)).text();
    for (const text of [json, csv]) {
      expect(text).not.toContain(CITIZEN_REF);
      expect(text).not.toContain('Advisor One');
    }
  });

  it('exports CSV for spreadsheets: BOM, ";" between fields, quoted where needed', async () => {
    const res = await get(`/api/report.csv?${MARCH_APRIL}&lang=fr`, t.coordinator.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).split('\r\n');
    expect(lines[0]!.split(';').slice(0, 5)).toEqual([
      'Niveau',
      'Mois',
      'Lieu',
      'Service partenaire',
      'Entretiens tenus',
    ]);
    const site2Line = lines.find((l) => l.includes('Mairie'));
    expect(site2Line).toContain('"Mairie; <annexe> ""Nord"""');
    // French decimals: 91,6 kg.
    expect(lines.some((l) => l.split(';').includes('91,6'))).toBe(true);
    expect(lines.some((l) => l.split(';').includes(SMALL_GROUP))).toBe(true);
  });

  it('prints a one-page summary per site, escaped, with no script allowed', async () => {
    const res = await get(
      `/api/report/print?${MARCH_APRIL}&siteId=${site2}&lang=en`,
      t.admin.token,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await res.text();
    expect(html).toContain('Mairie; &lt;annexe&gt; &quot;Nord&quot;');
    expect(html).not.toContain('<annexe>');
    expect(html).toContain('Per partner service');
    const noSite = await get(`/api/report/print?${MARCH_APRIL}`, t.admin.token);
    expect(noSite.status).toBe(400);
  });

  it('lets coordinators and admins read it, and nobody else', async () => {
    for (const who of [t.coordinator, t.admin]) {
      expect((await get(`/api/report?${MARCH_APRIL}`, who.token)).status).toBe(200);
    }
    for (const who of [t.advisor, t.technician, t.scheduler]) {
      for (const path of ['/api/report', '/api/report.csv', `/api/report/print?siteId=${t.site}`]) {
        const res = await get(path, who.token);
        expect(res.status).toBe(403);
        expect(ErrorBodySchema.parse(((await res.json()) as { error: unknown }).error).code).toBe(
          'FORBIDDEN',
        );
      }
    }
    const anonymous = await get('/api/report', undefined);
    expect(anonymous.status).toBe(401);
    // And a coordinator reaches nothing else: no agenda data, no kiosks, no console.
    for (const path of [
      '/api/appointments?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z',
      '/api/kiosks',
      '/api/monitoring/fleet',
      '/api/reference',
    ]) {
      expect((await get(path, t.coordinator.token)).status).toBe(403);
    }
  });

  it('refuses bad queries with stable codes', async () => {
    const cases: [string, number, string][] = [
      ['from=2026-13', 400, 'INVALID_INPUT'],
      ['from=2026-04&to=2026-03', 400, 'INVALID_INPUT'],
      ['from=2024-01&to=2026-01', 400, 'INVALID_INPUT'],
      ['siteId=not-a-uuid', 400, 'INVALID_INPUT'],
      ['lang=de', 400, 'INVALID_INPUT'],
      ['citizen=1', 400, 'INVALID_INPUT'],
      [`siteId=${randomUUID()}`, 404, 'NOT_FOUND'],
      [`serviceId=${randomUUID()}`, 404, 'NOT_FOUND'],
    ];
    for (const [query, status, code] of cases) {
      const res = await get(`/api/report?${query}`, t.coordinator.token);
      expect([query, res.status]).toEqual([query, status]);
      expect(ErrorBodySchema.parse(((await res.json()) as { error: unknown }).error).code).toBe(
        code,
      );
    }
  });

  it('filters by site and service', async () => {
    const r = await report(`${MARCH_APRIL}&siteId=${site2}&serviceId=${t.serviceA}`);
    expect(r.groups.map((g) => [g.month, g.siteId, g.serviceId, g.interviews])).toEqual([
      ['2026-03', site2, t.serviceA, 6],
    ]);
    expect(r.total.interviews).toBe(6);
    expect(r.total.trips?.kmSaved).toBe(144);
    expect(r.groups[0]!.trips).toEqual({
      kmSaved: 144,
      co2Kg: 31.4,
      distanceMissing: false,
      hiddenLeftOut: false,
    });
  });

  it('lets an admin set a distance, and nobody else', async () => {
    const put = (token: string, body: unknown) =>
      fetch(`${t.url}/api/report/distances`, {
        method: 'PUT',
        headers: { ...cookie(token), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const body = { siteId: site2, serviceId: t.serviceB, km: 20 };
    expect((await put(t.coordinator.token, body)).status).toBe(403);
    expect((await put(t.admin.token, { ...body, km: -1 })).status).toBe(400);
    expect((await put(t.admin.token, { ...body, siteId: randomUUID() })).status).toBe(404);
    expect((await put(t.admin.token, body)).status).toBe(200);
    const listed = await (await get('/api/report/distances', t.coordinator.token)).json();
    expect(listed.distances).toContainEqual(body);
    const r = await report(`${MARCH_APRIL}&siteId=${site2}&serviceId=${t.serviceB}`);
    expect(r.total.interviews).toBe(SMALL_GROUP);
    const all = await report(`${MARCH_APRIL}&siteId=${site2}`);
    // Site 2: A 6, B 2 interviews. With B hidden, A must be hidden too (8 − 6 would give B),
    // and the total's km leave both out (24 km × a + 40 km × b = 224 with a + b = 8 gives them).
    expect(all.total.interviews).toBe(8);
    expect(all.total.trips).toEqual({
      kmSaved: 0,
      co2Kg: 0,
      distanceMissing: false,
      hiddenLeftOut: true,
    });
  });
});
