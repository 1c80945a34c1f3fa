import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { kioskSchedulingRequests, staffSchedulingEvents } from '@visio/shared/protocol';
import { sleep } from './proc';
import type { SeededAdvisor, SeededKiosk } from './seed';

// Simulated kiosks and advisors: real socket.io clients (WebSocket transport, one connection each,
// as a browser would hold), all in this process so that send and arrival times share one clock.

/** What differs between the real server and the plain socket.io baseline. */
export interface Target {
  name: string;
  url: string;
  kioskAuth(kiosk: SeededKiosk): Record<string, string>;
  advisorAuth(advisor: SeededAdvisor): Record<string, string>;
  /** The event the advisor receives when their citizen has checked in. */
  arrivedEvent: string;
  /** The event telling advisors to reload their queue (each costs an advisor two requests). */
  queueChangedEvent?: string;
  /** The check-in request of a kiosk: event name and payload. */
  checkIn(kiosk: SeededKiosk, advisor: SeededAdvisor): [string, unknown];
  ackOk(ack: unknown): boolean;
}

export function visioTarget(url: string): Target {
  return {
    name: 'visio',
    url,
    kioskAuth: (k) => ({ token: k.token }),
    advisorAuth: (a) => ({ token: a.token }),
    arrivedEvent: staffSchedulingEvents.citizenArrived.name,
    queueChangedEvent: staffSchedulingEvents.queueChanged.name,
    checkIn: (k) => [kioskSchedulingRequests.checkIn.name, { code: k.appointment!.code }],
    ackOk: (ack) => (ack as { ok?: unknown } | undefined)?.ok === true,
  };
}

export function baselineTarget(url: string): Target {
  return {
    name: 'baseline',
    url,
    kioskAuth: (k) => ({ id: k.kioskId }),
    advisorAuth: (a) => ({ id: a.staffId }),
    arrivedEvent: 'arrived',
    checkIn: (k, a) => ['checkin', { appointmentId: k.appointment!.id, advisorId: a.staffId }],
    ackOk: (ack) => (ack as { ok?: unknown } | undefined)?.ok === true,
  };
}

interface CheckInRecord {
  kiosk: number;
  advisor: number;
  t0: number;
  ackAt?: number;
  ackOk?: boolean;
  ackError?: string;
  arrivedAt?: number;
}

export interface CheckInTally {
  sent: number;
  acked: number;
  ackFailures: number;
  arrived: number;
  /** Arrived at another advisor's socket, or naming another advisor. */
  misrouted: number;
  duplicates: number;
  /** Notifications about no check-in of this run. */
  unexpected: number;
  /** `queueChangedEvent`s heard, all advisor sockets together (not awaited by `settle`). */
  queueChanged: number;
  /** Arrival − send, ms, of the check-ins notified to the right advisor, in the order sent. */
  latenciesMs: number[];
  /** Ack − send, ms. */
  ackMs: number[];
  errors: string[];
}

/** The clients of one target: advisors, kiosks, and the check-ins in flight. */
export class Harness {
  private readonly advisorSockets: (Socket | undefined)[] = [];
  private readonly kioskSockets = new Map<number, Socket>();
  private readonly records = new Map<string, CheckInRecord>();
  private readonly extra = { misrouted: 0, duplicates: 0, unexpected: 0, queueChanged: 0 };
  private readonly failures: string[] = [];

  constructor(
    readonly target: Target,
    private readonly kiosks: SeededKiosk[],
    private readonly advisors: SeededAdvisor[],
  ) {}

  get kioskCount(): number {
    return this.kioskSockets.size;
  }

  async connectAdvisors(batch: number): Promise<void> {
    await inBatches(this.advisors.length, batch, async (i) => {
      const socket = await connect(
        `${this.target.url}/staff`,
        this.target.advisorAuth(this.advisors[i]!),
      );
      socket.on(this.target.arrivedEvent, (payload: unknown) => this.onArrived(i, payload));
      const { queueChangedEvent } = this.target;
      if (queueChangedEvent) socket.on(queueChangedEvent, () => (this.extra.queueChanged += 1));
      this.advisorSockets[i] = socket;
    });
  }

  /** Connects kiosks `from` (inclusive) to `to` (exclusive). */
  async connectKiosks(from: number, to: number, batch: number): Promise<void> {
    await inBatches(to - from, batch, async (j) => {
      const i = from + j;
      const socket = await connect(
        `${this.target.url}/kiosk`,
        this.target.kioskAuth(this.kiosks[i]!),
      );
      socket.on('disconnect', (reason) => {
        if (reason !== 'io client disconnect')
          this.failures.push(`kiosk ${i} disconnected: ${reason}`);
      });
      this.kioskSockets.set(i, socket);
    });
  }

  /** Sends kiosk `i`'s check-in now; the clock starts just before the emit. */
  checkIn(i: number): void {
    const kiosk = this.kiosks[i]!;
    const socket = this.kioskSockets.get(i);
    if (!kiosk.appointment || !socket) throw new Error(`kiosk ${i} cannot check in`);
    const advisor = kiosk.appointment.advisor;
    const [event, payload] = this.target.checkIn(kiosk, this.advisors[advisor]!);
    const record: CheckInRecord = { kiosk: i, advisor, t0: 0 };
    this.records.set(kiosk.appointment.id, record);
    record.t0 = performance.now();
    socket.timeout(10_000).emit(event, payload, (err: Error | null, ack: unknown) => {
      record.ackAt = performance.now();
      record.ackOk = !err && this.target.ackOk(ack);
      if (!record.ackOk) record.ackError = err ? err.message : JSON.stringify(ack).slice(0, 300);
    });
  }

  /** Resolves once every check-in sent is acked and notified, or after `timeoutMs`. */
  async settle(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      let done = true;
      for (const r of this.records.values()) {
        if (r.ackAt === undefined || (r.ackOk && r.arrivedAt === undefined)) {
          done = false;
          break;
        }
      }
      if (done) return;
      await sleep(20);
    }
  }

  /** Tallies the check-ins sent since the last `reset()`. */
  tally(): CheckInTally {
    const t: CheckInTally = {
      sent: this.records.size,
      acked: 0,
      ackFailures: 0,
      arrived: 0,
      ...this.extra,
      latenciesMs: [],
      ackMs: [],
      errors: [...this.failures],
    };
    for (const [id, r] of this.records) {
      if (r.ackAt !== undefined) {
        t.acked += 1;
        t.ackMs.push(r.ackAt - r.t0);
      }
      if (r.ackAt !== undefined && !r.ackOk) {
        t.ackFailures += 1;
        t.errors.push(`check-in of kiosk ${r.kiosk} refused: ${r.ackError}`);
      }
      if (r.arrivedAt !== undefined) {
        t.arrived += 1;
        t.latenciesMs.push(r.arrivedAt - r.t0);
      } else if (r.ackOk) {
        t.errors.push(`no ${this.target.arrivedEvent} for appointment ${id}`);
      }
      if (r.ackAt === undefined) t.errors.push(`check-in of kiosk ${r.kiosk} never acked`);
    }
    if (this.extra.misrouted) t.errors.push(`${this.extra.misrouted} notifications misrouted`);
    if (this.extra.duplicates) t.errors.push(`${this.extra.duplicates} duplicate notifications`);
    if (this.extra.unexpected) t.errors.push(`${this.extra.unexpected} unexpected notifications`);
    return t;
  }

  /** Forgets the check-ins so far (after the warm-up). */
  reset(): void {
    this.records.clear();
    this.extra.misrouted = 0;
    this.extra.duplicates = 0;
    this.extra.unexpected = 0;
    this.extra.queueChanged = 0;
    this.failures.length = 0;
  }

  close(): void {
    for (const s of this.advisorSockets) s?.close();
    for (const s of this.kioskSockets.values()) s.close();
    this.advisorSockets.length = 0;
    this.kioskSockets.clear();
  }

  private onArrived(advisor: number, payload: unknown): void {
    const at = performance.now();
    const view = payload as { id?: unknown; advisor?: { id?: unknown } | null } | undefined;
    const record = typeof view?.id === 'string' ? this.records.get(view.id) : undefined;
    if (!record) {
      this.extra.unexpected += 1;
      return;
    }
    if (record.advisor !== advisor || view?.advisor?.id !== this.advisors[advisor]!.staffId) {
      this.extra.misrouted += 1;
      return;
    }
    if (record.arrivedAt !== undefined) {
      this.extra.duplicates += 1;
      return;
    }
    record.arrivedAt = at;
  }
}

function connect(url: string, auth: Record<string, string>): Promise<Socket> {
  const socket = io(url, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 30_000,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(new Error(`connecting to ${url}: ${err.message}`));
    });
  });
}

async function inBatches(
  count: number,
  batch: number,
  each: (i: number) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < count; start += batch) {
    const jobs: Promise<void>[] = [];
    for (let i = start; i < Math.min(count, start + batch); i++) jobs.push(each(i));
    await Promise.all(jobs);
  }
}

/**
 * Fires check-ins at a steady `ratePerSecond` per stream, the streams interleaved (stream s is
 * offset by s/streams of the interval), so that every target sees the same machine at the same
 * moments. Each stream is a harness and the kiosks to check in, in order.
 */
export async function fireCheckIns(
  streams: { harness: Harness; kiosks: number[] }[],
  ratePerSecond: number,
): Promise<void> {
  const interval = 1000 / ratePerSecond;
  const shots: { at: number; harness: Harness; kiosk: number }[] = [];
  streams.forEach(({ harness, kiosks }, s) => {
    kiosks.forEach((kiosk, i) =>
      shots.push({ at: i * interval + (s * interval) / streams.length, harness, kiosk }),
    );
  });
  shots.sort((a, b) => a.at - b.at);
  const start = performance.now() + 20;
  for (const shot of shots) {
    const wait = start + shot.at - performance.now();
    if (wait > 1) await sleep(wait);
    shot.harness.checkIn(shot.kiosk);
  }
}
