import { describe, expect, test } from '../../support/integrationTest';
import { callEvents, callRequests, kioskSchedulingRequests } from '@visio/shared/protocol';
import { staffMonitoringRequests } from '@visio/shared/protocol';
import { eventually, inMinutes, insertAppointment } from '../../support/appointments';
import { nextEvent } from '../../support/socketClient';
import { startDirectCall } from '../../support/testServer';

// GET /metrics as Prometheus scrapes it: the series exist and move with what happens.

test.override({ serverEnv: { NO_SHOW_SWEEP_MS: '100', CHECKIN_AFTER_MIN: '30' } });

async function scrape(base: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/metrics`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** The value of one series (name with its labels), or undefined if absent. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', () => {
  test('exposes the visio_ series and the default process metrics in Prometheus text', async ({
    t,
  }) => {
    const { status, type, text } = await scrape(t.url);
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    for (const name of [
      'visio_calls_active',
      'visio_kiosks_online',
      'visio_call_setup_seconds',
      'visio_call_duration_seconds',
      'visio_packet_loss_ratio',
      'visio_jitter_seconds',
      'visio_rtt_seconds',
      'visio_bitrate_bits_per_second',
      'visio_worker_cpu_ratio',
      'visio_checkins_total',
      'visio_no_shows_total',
      'visio_worker_deaths_total',
      'visio_process_resident_memory_bytes',
      'visio_nodejs_eventloop_lag_seconds',
    ]) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
  });

  test('counts calls in progress (1, then 0) and observes the duration of the ended one', async ({
    t,
    client,
  }) => {
    const before = value((await scrape(t.url)).text, 'visio_call_duration_seconds_count') ?? 0;
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const started = nextEvent(kiosk, callEvents.started);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    await started;
    expect(value((await scrape(t.url)).text, 'visio_calls_active')).toBe(1);
    await advisor.request(callRequests.hangup, { callId });
    const after = (await scrape(t.url)).text;
    expect(value(after, 'visio_calls_active')).toBe(0);
    expect(value(after, 'visio_call_duration_seconds_count')).toBe(before + 1);
    expect(value(after, 'visio_calls_ended_total{reason="hangup"}')).toBeGreaterThanOrEqual(1);
  });

  test('counts online kiosks, check-ins and no-shows', async ({ t, client }) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    await eventually(
      async () => value((await scrape(t.url)).text, 'visio_kiosks_online') === 1,
      'the kiosk online',
    );
    expect(value((await scrape(t.url)).text, 'visio_checkins_total')).toBe(0);
    await kiosk.request(kioskSchedulingRequests.joinWalkIn, { serviceId: t.serviceA });
    expect(value((await scrape(t.url)).text, 'visio_checkins_total')).toBe(1);
    await kiosk.request(kioskSchedulingRequests.cancelWaiting, {});

    // An appointment whose check-in window closed: the sweep marks it a no-show.
    await insertAppointment(t, { startsAt: inMinutes(-45), kioskId: t.kiosk2.id });
    await eventually(
      async () => value((await scrape(t.url)).text, 'visio_no_shows_total') === 1,
      'a no-show counted',
    );
  });

  test('counts a media worker death, which health reports too', async ({ t, client }) => {
    const tech = await client('/staff', t.technician.token);
    const [worker] = t.server.pool.liveWorkers;
    process.kill(worker!.pid, 'SIGKILL');
    await eventually(
      async () => value((await scrape(t.url)).text, 'visio_worker_deaths_total') === 1,
      'the death counted',
    );
    const health = await tech.request(staffMonitoringRequests.healthGet, {});
    expect(health.workerDeaths.total).toBe(1);
    expect(health.workerDeaths.recent[0]).toMatchObject({ pid: worker!.pid, slot: 0 });
    // The pool respawns the worker; health then lists the new one.
    await eventually(
      async () => {
        const h = await tech.request(staffMonitoringRequests.healthGet, {});
        return h.workers.length === 1 && h.workers[0]!.pid !== worker!.pid;
      },
      'the worker respawned',
      10_000,
    );
  });
});

describe('/metrics with a token', () => {
  test('answers 401 without the bearer token and the metrics with it', async ({ startServer }) => {
    const guarded = await startServer({ METRICS_TOKEN: 'scrape-token-0123456789' });
    expect((await scrape(guarded.url)).status).toBe(401);
    expect(
      (await scrape(guarded.url, { Authorization: 'Bearer wrong-token-0123456789' })).status,
    ).toBe(401);
    const ok = await scrape(guarded.url, { Authorization: 'Bearer scrape-token-0123456789' });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('visio_calls_active 0');
  });
});

describe('/metrics in production', () => {
  const production = {
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://visio.example.org',
    SERVER_SECRET: 'c3f1a0b29d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f21',
  };

  test('is not served on the public port without a token', async ({ startServer }) => {
    const open = await startServer(production);
    const answer = await scrape(open.url);
    expect(answer.status).toBe(404);
    expect(answer.text).not.toContain('visio_');
  });

  test('is served on METRICS_PORT only, and no longer on the public port', async ({
    startServer,
  }) => {
    const internal = await startServer({ ...production, METRICS_PORT: '0' });
    expect((await scrape(internal.url)).status).toBe(404);
    const port = internal.server.metricsPort;
    expect(port).toBeGreaterThan(0);
    const ok = await scrape(`http://127.0.0.1:${port}`);
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('visio_calls_active 0');
    // Nothing else is served there.
    expect((await fetch(`http://127.0.0.1:${port}/api/session`)).status).toBe(404);
  });
});
