import { EventEmitter } from 'node:events';
import pino from 'pino';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { WorkerPool } from '../../../server/src/media';
import { MediaObserver } from '../../../server/src/monitoring/MediaObserver';

// What the observer asks the media worker for. The mediasoup objects are stand-ins that announce
// themselves through observer events, as mediasoup's do; each `getStats` is one worker request.

const KIOSK = 'kiosk-1';
const ADVISOR = 'advisor-1';

function rtpStat(type: 'inbound-rtp' | 'outbound-rtp', over: Record<string, number> = {}) {
  return {
    type,
    timestamp: 0,
    ssrc: 1,
    kind: 'audio',
    mimeType: 'audio/opus',
    packetsLost: 0,
    fractionLost: 0,
    packetsDiscarded: 0,
    packetsRetransmitted: 0,
    packetsRepaired: 0,
    nackCount: 0,
    nackPacketCount: 0,
    pliCount: 0,
    firCount: 0,
    score: 10,
    packetCount: 500,
    byteCount: 50_000,
    bitrate: 64_000,
    roundTripTime: 12,
    jitter: 480,
    ...over,
  };
}

function fakeProducer(encodings: number) {
  return {
    id: 'producer-1',
    kind: 'audio',
    closed: false,
    paused: false,
    appData: { peerId: KIOSK, source: 'microphone' },
    score: [{ score: 9 }],
    rtpParameters: {
      codecs: [{ clockRate: 48_000 }],
      encodings: Array.from({ length: encodings }, (_, i) => ({ ssrc: 100 + i })),
    },
    observer: new EventEmitter(),
    getStats: vi.fn(() => Promise.resolve([rtpStat('inbound-rtp', { bitrate: 70_000 })])),
  };
}

function fakeConsumer() {
  return {
    id: 'consumer-1',
    producerId: 'producer-1',
    kind: 'audio',
    closed: false,
    paused: false,
    producerPaused: false,
    appData: { peerId: ADVISOR },
    score: { score: 8 },
    observer: new EventEmitter(),
    // A consumer's stats: its send stream, then the producer's receive stream it forwards.
    getStats: vi.fn(() =>
      Promise.resolve([
        rtpStat('outbound-rtp', { bitrate: 63_000, fractionLost: 0, roundTripTime: 30 }),
        rtpStat('inbound-rtp', { bitrate: 64_000, fractionLost: 64, jitter: 960 }),
      ]),
    ),
  };
}

let observer: MediaObserver;
let router: { appData: { roomId: string }; observer: EventEmitter };

beforeEach(() => {
  const worker = { pid: 4242, closed: false, appData: { slot: 0 }, observer: new EventEmitter() };
  const pool = { liveWorkers: [worker], on: () => pool, off: () => pool };
  observer = new MediaObserver(pool as unknown as WorkerPool, pino({ level: 'silent' }));
  router = { appData: { roomId: 'call-1' }, observer: new EventEmitter() };
  worker.observer.emit('newrouter', router);
});

/** A call's two objects: the kiosk's microphone and the advisor's consumer of it. */
function call(encodings = 1) {
  const sending = { appData: { peerId: KIOSK }, observer: new EventEmitter() };
  const receiving = { appData: { peerId: ADVISOR }, observer: new EventEmitter() };
  router.observer.emit('newtransport', sending);
  router.observer.emit('newtransport', receiving);
  const producer = fakeProducer(encodings);
  const consumer = fakeConsumer();
  sending.observer.emit('newproducer', producer);
  receiving.observer.emit('newconsumer', consumer);
  return { producer, consumer };
}

describe('MediaObserver', () => {
  it('reads a consumed producer’s figures from its consumer’s stats: one request, not two', async () => {
    const { producer, consumer } = call();
    const figures = await observer.figuresOf('call-1');
    expect(consumer.getStats).toHaveBeenCalledTimes(1);
    expect(producer.getStats).not.toHaveBeenCalled();
    expect(figures?.get(KIOSK)?.producers.get('producer-1')).toEqual({
      kind: 'audio',
      source: 'microphone',
      paused: false,
      bitrateBps: 64_000,
      fractionLost: 0.25,
      jitterMs: 20,
      rttMs: 12,
      score: 9,
    });
    expect(figures?.get(ADVISOR)?.consumers).toEqual([
      {
        producerId: 'producer-1',
        kind: 'audio',
        bitrateBps: 63_000,
        fractionLost: 0,
        rttMs: 30,
        score: 8,
      },
    ]);
  });

  it('asks a simulcast producer itself (its consumer carries one layer only)', async () => {
    const { producer } = call(3);
    const figures = await observer.figuresOf('call-1');
    expect(producer.getStats).toHaveBeenCalledTimes(1);
    expect(figures?.get(KIOSK)?.producers.get('producer-1')?.bitrateBps).toBe(70_000);
  });

  it('asks the producer itself when its consumer fails to answer', async () => {
    const { producer, consumer } = call();
    consumer.getStats.mockRejectedValueOnce(new Error('Consumer closed'));
    const figures = await observer.figuresOf('call-1');
    expect(producer.getStats).toHaveBeenCalledTimes(1);
    expect(figures?.get(KIOSK)?.producers.get('producer-1')?.bitrateBps).toBe(70_000);
    expect(figures?.get(ADVISOR)?.consumers ?? []).toEqual([]);
  });

  it('gives the locally known figures without any request', () => {
    const { producer, consumer } = call();
    const figures = observer.localFiguresOf('call-1');
    expect(producer.getStats).not.toHaveBeenCalled();
    expect(consumer.getStats).not.toHaveBeenCalled();
    expect(figures?.get(KIOSK)?.producers.get('producer-1')).toMatchObject({
      score: 9,
      bitrateBps: null,
      fractionLost: null,
    });
    expect(figures?.get(ADVISOR)?.consumers[0]).toMatchObject({ score: 8, bitrateBps: null });
  });
});
