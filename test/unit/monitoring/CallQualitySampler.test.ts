import { EventEmitter } from 'node:events';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { KioskPrincipal } from '../../../server/src/auth/Principal';
import type { Call } from '../../../server/src/calls/Call';
import type { CallService } from '../../../server/src/calls/CallService';
import type { ProducerFigures, RoomFigures } from '../../../server/src/media';
import { CallQualitySampler } from '../../../server/src/monitoring/CallQualitySampler';
import type { CallStatsReport, QualitySample, QualitySummary } from '@visio/shared/protocol';

// The sampler's schedule: what it asks the media worker for, and when, with or without a console
// watching. The call's media room and the call service are stand-ins; the clock is Vitest's.

const T0 = 1_700_000_000_000;
const INTERVAL = 5_000;
const UNWATCHED = 30_000;
const KIOSK = 'kiosk-1';
const ADVISOR = 'advisor-1';
const kioskPrincipal: KioskPrincipal = { kind: 'kiosk', kioskId: KIOSK, name: 'Kiosk' };

function fakeCall(room: FakeRoom): Call {
  const call = {
    id: 'call-1',
    kioskId: KIOSK,
    advisorId: ADVISOR,
    startedAt: new Date(T0),
    endedAt: null as Date | null,
    ended: false,
    partyOf: (id: string) => (id === KIOSK ? 'kiosk' : id === ADVISOR ? 'advisor' : undefined),
    otherPeer: (id: string) => (id === KIOSK ? ADVISOR : KIOSK),
    room,
  };
  return call as unknown as Call;
}

class FakeCalls extends EventEmitter {
  activeCalls: Call[] = [];
  callFor(_principal: unknown, callId: string): Call {
    const call = this.activeCalls.find((c) => c.id === callId);
    if (!call) throw new Error('NOT_FOUND');
    return call;
  }
}

function producer(over: Partial<ProducerFigures>): ProducerFigures {
  return {
    kind: 'audio',
    source: 'microphone',
    paused: false,
    bitrateBps: null,
    fractionLost: null,
    jitterMs: null,
    rttMs: null,
    score: 10,
    ...over,
  };
}

/** The kiosk's microphone; `measured` adds what only the worker's stats tell. */
function roomFigures(measured: boolean): RoomFigures {
  const stats = measured ? { bitrateBps: 64_000, fractionLost: 0, jitterMs: 4, rttMs: 10 } : {};
  return new Map([
    [KIOSK, { iceProtocol: 'udp', producers: new Map([['p1', producer(stats)]]), consumers: [] }],
  ]);
}

class FakeRoom {
  readonly observer = new EventEmitter();
  /** Requests that reached the worker (one `figures` asks for every producer and consumer). */
  statsReads = 0;
  figures(): Promise<RoomFigures> {
    this.statsReads += 1;
    return Promise.resolve(roomFigures(true));
  }
  localFigures(): RoomFigures {
    return roomFigures(false);
  }
  isSending(): boolean {
    return true;
  }
}

function kioskReport(bitrateKbps: number): CallStatsReport {
  return {
    timestamp: Date.now(),
    outbound: {
      audio: {
        kind: 'audio',
        bitrateKbps,
        packets: 100,
        packetsLost: null,
        jitterMs: null,
        framesDecoded: null,
        framesPerSecond: null,
        frameWidth: null,
        frameHeight: null,
        roundTripTimeMs: 20,
      },
      video: null,
    },
    inbound: { audio: null, video: null },
  };
}

let calls: FakeCalls;
let media: FakeRoom;
let watching: boolean;
let sampler: CallQualitySampler;
let samples: QualitySample[];
let call: Call;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
  calls = new FakeCalls();
  media = new FakeRoom();
  watching = false;
  sampler = new CallQualitySampler(
    calls as unknown as CallService,
    { intervalMs: INTERVAL, unwatchedIntervalMs: UNWATCHED, ringSize: 60 },
    pino({ level: 'silent' }),
    () => watching,
  );
  samples = [];
  sampler.on('sample', ({ sample }) => samples.push(sample));
  sampler.start();
  call = fakeCall(media);
  calls.activeCalls.push(call);
  calls.emit('callStarted', { call });
});

afterEach(() => {
  sampler.stop();
  vi.useRealTimers();
});

/** One sampling round, `offsetMs` after the call started. */
async function roundAt(offsetMs: number): Promise<void> {
  vi.setSystemTime(T0 + offsetMs);
  await sampler.sampleAll();
}

describe('CallQualitySampler', () => {
  it('reads the worker’s stats every round while a console watches', async () => {
    watching = true;
    for (const at of [0, INTERVAL, 2 * INTERVAL]) await roundAt(at);
    expect(media.statsReads).toBe(3);
    expect(samples).toHaveLength(3);
    expect(samples[2]!.flows.kioskToAdvisor.audio).toMatchObject({ bitrateKbps: 64, score: 10 });
  });

  it('while nobody watches, reads the worker’s stats once per unwatched interval', async () => {
    for (let at = 0; at < UNWATCHED; at += INTERVAL) await roundAt(at);
    expect(media.statsReads).toBe(1);
    // Nothing new came in between: no sample either.
    expect(samples).toHaveLength(1);
    await roundAt(UNWATCHED);
    expect(media.statsReads).toBe(2);
    expect(samples).toHaveLength(2);
  });

  it('samples a browser report without asking the worker while nobody watches', async () => {
    await roundAt(0);
    vi.setSystemTime(T0 + INTERVAL - 100);
    sampler.report(kioskPrincipal, call.id, kioskReport(30));
    await roundAt(INTERVAL);
    expect(media.statsReads).toBe(1);
    expect(samples).toHaveLength(2);
    // The browser's figures, with the score the worker's notifications keep locally.
    expect(samples[1]!.flows.kioskToAdvisor.audio).toMatchObject({
      bitrateKbps: 30,
      rttMs: 20,
      score: 10,
    });
    expect(sampler.latestOf(call.id)).toEqual(samples[1]);
  });

  it('goes back to full rate as soon as a console opens', async () => {
    await roundAt(0);
    await roundAt(INTERVAL);
    expect(media.statsReads).toBe(1);
    watching = true;
    await roundAt(2 * INTERVAL);
    await roundAt(3 * INTERVAL);
    expect(media.statsReads).toBe(3);
    expect(samples).toHaveLength(3);
  });

  it('marks the call set up once, when its media flows both ways', () => {
    const setUp: number[] = [];
    sampler.on('callSetUp', ({ setupSeconds }) => setUp.push(setupSeconds));
    expect(sampler.setupSecondsOf(call.id)).toBeNull();
    vi.setSystemTime(T0 + 2_250);
    sampler.mediaFlowing(call);
    vi.setSystemTime(T0 + 9_000);
    sampler.mediaFlowing(call);
    expect(setUp).toEqual([2.25]);
    expect(sampler.setupSecondsOf(call.id)).toBe(2.25);
  });

  it('knows which browsers reported receiving media of the call', () => {
    const receiving: CallStatsReport = {
      timestamp: T0,
      outbound: { audio: null, video: null },
      inbound: {
        audio: {
          kind: 'audio',
          bitrateKbps: 30,
          packets: 12,
          packetsLost: 0,
          jitterMs: 3,
          framesDecoded: null,
          framesPerSecond: null,
          frameWidth: null,
          frameHeight: null,
          roundTripTimeMs: null,
        },
        video: null,
      },
    };
    sampler.report(kioskPrincipal, call.id, {
      ...receiving,
      inbound: { audio: null, video: null },
    });
    expect(sampler.browserReceived(call.id, 'kiosk')).toBe(false);
    sampler.report(kioskPrincipal, call.id, receiving);
    expect(sampler.browserReceived(call.id, 'kiosk')).toBe(true);
    expect(sampler.browserReceived(call.id, 'advisor')).toBe(false);
  });

  it('summarises an unwatched call from the samples it took', async () => {
    const ended = new Promise<QualitySummary>((resolve) =>
      sampler.once('callEnded', ({ summary }) => resolve(summary)),
    );
    await roundAt(0);
    vi.setSystemTime(T0 + INTERVAL - 100);
    sampler.report(kioskPrincipal, call.id, kioskReport(30));
    await roundAt(INTERVAL);
    await roundAt(2 * INTERVAL);
    Object.assign(call, { ended: true, endedAt: new Date(T0 + 3 * INTERVAL) });
    calls.activeCalls = [];
    calls.emit('callEnded', { call, reason: 'hangup' });
    const summary = await ended;
    expect(summary.samples).toBe(2);
    // One server reading (64 kbit/s) and one browser report (30 kbit/s).
    expect(summary.flows.kioskToAdvisor.audio?.bitrateKbps).toEqual({ avg: 47, p95: 64 });
    expect(summary.ice.kiosk).toBe('udp');
  });
});
