import { randomUUID } from 'node:crypto';
import type { TestServer } from './testServer';

// Past interviews for the impact report, written straight into the store (appointments, their
// call records and interruptions): what a report must count is set by the test, by hand.

const at = (day: string, minutes: number) =>
  new Date(Date.parse(`${day}T10:00:00.000Z`) + minutes * 60_000).toISOString();

export interface InterviewSeed {
  kiosk: string;
  service: string;
  day: string;
  status: 'completed' | 'no_show' | 'cancelled' | 'scheduled';
  /** Minutes from the appointment's time to the call's start (negative: admitted early). */
  waitMin?: number;
  signOrLip?: boolean;
  call?: {
    verdict: 'good' | 'fair' | 'poor' | null;
    text?: boolean;
    readAloud?: boolean;
    language?: 'fr' | 'en';
    /** The interpretation given in the call (`lsf`, `spoken:ar`…), if an interpreter took part. */
    interpreter?: string;
    incidents?: number;
  };
}

export async function seedInterviews(
  t: Pick<TestServer, 'server' | 'advisor'>,
  rows: InterviewSeed[],
  citizenRef = 'REF-SEED',
): Promise<void> {
  const db = t.server.store.db;
  for (const r of rows) {
    const id = randomUUID();
    const startsAt = at(r.day, 0);
    const called = r.status === 'completed' ? at(r.day, r.waitMin ?? 0) : null;
    await db
      .insertInto('appointments')
      .values({
        id,
        kind: 'appointment',
        service_id: r.service,
        advisor_id: t.advisor.id,
        kiosk_id: r.kiosk,
        starts_at: startsAt,
        duration_min: 30,
        check_in_code_hash: null,
        citizen_ref: citizenRef,
        sign_or_lip_reading: r.signOrLip ? 1 : 0,
        status: r.status,
        // Checked in ten minutes early: the wait counts from the appointment's time.
        checked_in_at: r.status === 'completed' ? at(r.day, -10) : null,
        call_started_at: called,
        ended_at: called,
        outcome: null,
        created_by: null,
        created_at: startsAt,
        updated_at: startsAt,
      })
      .execute();
    if (!r.call || !called) continue;
    const callId = randomUUID();
    await db
      .insertInto('call_records')
      .values({
        id: callId,
        appointment_id: id,
        kiosk_id: r.kiosk,
        advisor_id: t.advisor.id,
        service_id: r.service,
        started_at: called,
        ended_at: at(r.day, (r.waitMin ?? 0) + 25),
        end_reason: 'hangup',
        ended_by: 'advisor',
        quality: r.call.verdict ? JSON.stringify({ verdict: r.call.verdict }) : null,
        text_used: r.call.text ? 1 : 0,
        read_aloud: r.call.readAloud ? 1 : 0,
        kiosk_language: r.call.language ?? null,
        interpreter: r.call.interpreter ?? null,
      })
      .execute();
    for (let i = 0; i < (r.call.incidents ?? 0); i++) {
      await db
        .insertInto('call_incidents')
        .values({
          id: randomUUID(),
          call_id: callId,
          cause: 'kiosk_away',
          started_at: called,
          duration_ms: 1000,
        })
        .execute();
    }
  }
}

export const times = (n: number, row: InterviewSeed): InterviewSeed[] =>
  Array.from({ length: n }, () => row);

/**
 * A second site serving both fixture services, which takes the fixtures' second kiosk; `km` are
 * its distances to each service's office (undefined: not set).
 */
export async function addSecondSite(
  t: Pick<TestServer, 'server' | 'serviceA' | 'serviceB' | 'kiosk2'>,
  name: string,
  km: { a?: number; b?: number } = {},
): Promise<string> {
  const db = t.server.store.db;
  const id = randomUUID();
  await db
    .insertInto('sites')
    .values({
      id,
      name,
      timezone: 'Europe/Paris',
      opening_hours: '{}',
      created_at: new Date().toISOString(),
    })
    .execute();
  await db
    .insertInto('site_services')
    .values([
      { site_id: id, service_id: t.serviceA, office_distance_km: km.a ?? null },
      { site_id: id, service_id: t.serviceB, office_distance_km: km.b ?? null },
    ])
    .execute();
  await db.updateTable('kiosks').set({ site_id: id }).where('id', '=', t.kiosk2.id).execute();
  return id;
}

/** Sets the distance from a site to a service's office. */
export async function setDistance(
  t: Pick<TestServer, 'server'>,
  siteId: string,
  serviceId: string,
  km: number,
): Promise<void> {
  await t.server.store.db
    .updateTable('site_services')
    .set({ office_distance_km: km })
    .where('site_id', '=', siteId)
    .where('service_id', '=', serviceId)
    .execute();
}
