import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { expect } from 'vitest';
import type { SignallingClient } from '@visio/shared/client';
import {
  type AnyEventDef,
  type PayloadOf,
  CreatedAppointmentSchema,
  ErrorBodySchema,
  type AppointmentStatus,
  type CreateAppointment,
  type ErrorBody,
} from '@visio/shared/protocol';
import type { TestServer } from './testServer';

// Appointments for integration tests: the booking REST API as a scheduler's browser calls it,
// rows written straight to the database for what booking rightly refuses (the past), and
// recorders for what each socket was told.

export interface Answer {
  status: number;
  body: unknown;
}

/** A REST call with the staff session cookie of `token` (none if undefined). */
export async function api(
  t: TestServer,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  options: { token?: string | undefined; body?: unknown; raw?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.Cookie = `visio_session=${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    headers['Content-Type'] = 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(`${t.url}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** The `{ error }` body of a refused REST call, validated. */
export function restError(answer: Answer): ErrorBody {
  return ErrorBodySchema.parse((answer.body as { error: unknown }).error);
}

/** An ISO instant `minutes` from now (negative: in the past). */
export function inMinutes(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString();
}

/** Books through POST /api/appointments as the scheduler; fails the test unless it is accepted. */
export async function book(
  t: TestServer,
  input: Partial<CreateAppointment> & { startsAt: string },
  token = t.scheduler.token,
) {
  const body: CreateAppointment = {
    serviceId: t.serviceA,
    advisorId: t.advisor.id,
    kioskId: t.kiosk.id,
    durationMin: 10,
    citizenRef: `REF-${randomUUID().slice(0, 8)}`,
    ...input,
  };
  const answer = await api(t, 'POST', '/api/appointments', { token, body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return CreatedAppointmentSchema.parse(answer.body);
}

/**
 * Writes an appointment straight into the database, bypassing the booking rules (which refuse
 * the past): for check-in windows and no-shows. Returns its id and check-in code.
 */
export async function insertAppointment(
  t: TestServer,
  row: {
    startsAt: string;
    kioskId?: string;
    advisorId?: string;
    serviceId?: string;
    status?: AppointmentStatus;
  },
): Promise<{ id: string; code: string }> {
  const id = randomUUID();
  const code = String(100_000 + Math.floor(Math.random() * 900_000));
  const now = new Date().toISOString();
  await t.server.store.db
    .insertInto('appointments')
    .values({
      id,
      kind: 'appointment',
      service_id: row.serviceId ?? t.serviceA,
      advisor_id: row.advisorId ?? t.advisor.id,
      kiosk_id: row.kioskId ?? t.kiosk.id,
      starts_at: row.startsAt,
      duration_min: 30,
      check_in_code_hash: t.server.scheduling.codes.hash(id, code),
      citizen_ref: 'REF-DIRECT',
      status: row.status ?? 'scheduled',
      checked_in_at: null,
      call_started_at: null,
      ended_at: null,
      outcome: null,
      created_by: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  return { id, code };
}

export async function appointmentRow(t: TestServer, id: string) {
  return t.server.store.db
    .selectFrom('appointments')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

/** A six-digit code that is not `code`. */
export function otherCode(code: string, shift = 1): string {
  return String((Number(code) + shift) % 1_000_000).padStart(6, '0');
}

/** The code, reason and retry delay of a refused socket request (fails if it was accepted). */
export async function refusal(request: Promise<unknown>) {
  try {
    await request;
  } catch (error) {
    const e = error as { code: string; reason?: string; retryAfterSeconds?: number };
    return { code: e.code, reason: e.reason, retryAfterSeconds: e.retryAfterSeconds };
  }
  throw new Error('expected the request to be refused');
}

export interface Heard {
  name: string;
  payload: unknown;
}

/** Records every event (with its payload) a socket receives, to assert who heard what. */
export function recordTraffic(socket: Socket): Heard[] {
  const heard: Heard[] = [];
  socket.onAny((name: string, payload: unknown) => heard.push({ name, payload }));
  return heard;
}

/** Events whose payload mentions any of these ids. */
export function mentioning(heard: Heard[], ...ids: string[]): Heard[] {
  return heard.filter((h) => ids.some((id) => JSON.stringify(h.payload ?? null).includes(id)));
}

/** Polls until `check` holds (a server-side state reached asynchronously), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 5_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Waits until an advisor's socket has joined its service rooms (done asynchronously on connect),
 * so that service-wide events sent next reach it.
 */
export async function inServiceRooms(
  t: TestServer,
  client: SignallingClient,
  serviceIds: string[],
): Promise<void> {
  const rooms = t.server.signalling.io.of('/staff').adapter.rooms;
  await eventually(
    () => serviceIds.every((id) => rooms.get(`service:${id}`)?.has(client.socket.id ?? '')),
    'the advisor to join its service rooms',
  );
}

/** Resolves with the next `def` event that satisfies `match` (earlier ones are skipped). */
export function eventWhere<D extends AnyEventDef>(
  client: SignallingClient,
  def: D,
  match: (payload: PayloadOf<D>) => boolean,
  timeoutMs = 5_000,
): Promise<PayloadOf<D>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`No matching ${def.name} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.on(def, (payload) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/**
 * Leaves no citizen waiting and no appointment booked: ends running calls, then cancels every
 * appointment that is not over, so that the next test starts with free kiosks and advisors.
 */
export async function clearAppointments(t: TestServer): Promise<void> {
  for (const call of t.server.calls.activeCalls) t.server.calls.endByStaff(call.id);
  const db = t.server.store.db;
  await eventually(
    async () =>
      (await db.selectFrom('appointments').select('id').where('status', '=', 'in_call').execute())
        .length === 0,
    'calls to end',
  );
  const live = await db
    .selectFrom('appointments')
    .select(['id', 'kind'])
    .where('status', 'in', ['scheduled', 'checked_in'])
    .execute();
  for (const { id } of live) {
    const answer = await api(t, 'POST', `/api/appointments/${id}/cancel`, {
      token: t.admin.token,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  }
}
