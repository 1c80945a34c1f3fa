import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import dgram from 'node:dgram';
import type { EventEmitter } from 'node:events';
import type { types } from 'mediasoup';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MediaRoom,
  type MediaRoomEvents,
  type MediaRoomObserverEvents,
  type WorkerPool,
} from '../../../server/src/media';
import { eventually } from '../../support/appointments';
import { opusParameters, vp8Parameters } from '../../support/fakeMedia';
import { LOOPBACK_LISTEN, silentLogger as logger, startWorkerPool } from '../../support/workerPool';

// MediaRoom's surface for monitoring, on a real mediasoup worker: the observer's events as plain
// data, and the figures, with the requests each costs the worker (counted on mediasoup's channel).
// The room's own API makes WebRTC transports, which no browser connects here; for figures of real
// RTP, a test adds plain transports to the room's router (as bench/monitoring-overhead does) and
// sends packets to them from a UDP socket on loopback.

const KIOSK = 'kiosk-1';
const ADVISOR = 'advisor-1';
const OPUS_PT = 100;

let pool: WorkerPool;
let room: MediaRoom;
/** The room's router, as mediasoup's observer hands it out (MediaRoom keeps it private). */
let router: types.Router;
const sockets: dgram.Socket[] = [];

beforeAll(async () => {
  pool = await startWorkerPool();
});
afterAll(() => pool.close());

beforeEach(async () => {
  pool.liveWorkers[0]!.observer.once('newrouter', (r) => (router = r));
  room = await MediaRoom.create(randomUUID(), [KIOSK, ADVISOR], pool, LOOPBACK_LISTEN, logger);
});
afterEach(() => {
  vi.restoreAllMocks();
  room.close();
  for (const socket of sockets.splice(0)) socket.close();
});

// mediasoup's channel to its worker and its request methods (a FlatBuffers enum) are internal:
// its exports map hides them, so they are loaded by file, from the very module mediasoup runs.
const require = createRequire(import.meta.url);
const mediasoupLib = path.dirname(require.resolve('mediasoup'));
const { Channel } = require(path.join(mediasoupLib, 'Channel.js')) as {
  Channel: { prototype: { request: (method: number, ...rest: unknown[]) => Promise<unknown> } };
};
const { Method } = require(path.join(mediasoupLib, 'fbs/request/method.js')) as {
  Method: Record<string, number>;
};

/** Requests sent to the worker from now on, by method (e.g. CONSUMER_GET_STATS). */
function workerRequests() {
  const spy = vi.spyOn(Channel.prototype, 'request');
  return {
    of: (method: string) => {
      const code = Method[method];
      if (code === undefined) throw new Error(`mediasoup has no request method ${method}`);
      return spy.mock.calls.filter(([m]) => m === code).length;
    },
    get total() {
      return spy.mock.calls.length;
    },
  };
}

async function udpSocket(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

/**
 * The kiosk sends audio through a plain transport of the room's router; the advisor consumes it
 * through another one, towards a UDP sink. `encodings` > 1 makes the producer simulcast.
 */
async function plainCall(encodings = 1) {
  const sending = await router.createPlainTransport({
    listenIp: { ip: '127.0.0.1' },
    rtcpMux: true,
    comedia: true,
    appData: { peerId: KIOSK },
  });
  const ssrc = 1111;
  const producer = await sending.produce(
    encodings === 1
      ? {
          kind: 'audio',
          rtpParameters: {
            codecs: [
              { mimeType: 'audio/opus', payloadType: OPUS_PT, clockRate: 48000, channels: 2 },
            ],
            encodings: [{ ssrc }],
          },
          appData: { peerId: KIOSK, source: 'microphone' },
        }
      : {
          kind: 'video',
          rtpParameters: {
            codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }],
            encodings: Array.from({ length: encodings }, (_, i) => ({ ssrc: ssrc + i })),
          },
          appData: { peerId: KIOSK, source: 'camera' },
        },
  );
  const sink = await udpSocket();
  const receiving = await router.createPlainTransport({
    listenIp: { ip: '127.0.0.1' },
    rtcpMux: true,
    comedia: false,
    appData: { peerId: ADVISOR },
  });
  await receiving.connect({ ip: '127.0.0.1', port: sink.address().port });
  const consumer = await receiving.consume({
    producerId: producer.id,
    rtpCapabilities: router.rtpCapabilities,
    appData: { peerId: ADVISOR },
  });
  const source = await udpSocket();
  /** Opus-sized packets, 20 ms of audio apart in RTP time, all sent at once. */
  const sendAudio = async (count: number) => {
    for (let seq = 1; seq <= count; seq++) {
      const packet = Buffer.alloc(12 + 80, 0xab);
      packet[0] = 0x80;
      packet[1] = OPUS_PT;
      packet.writeUInt16BE(seq, 2);
      packet.writeUInt32BE(seq * 960, 4);
      packet.writeUInt32BE(ssrc, 8);
      await new Promise<void>((resolve, reject) =>
        source.send(packet, sending.tuple.localPort, '127.0.0.1', (err) =>
          err ? reject(err) : resolve(),
        ),
      );
    }
  };
  return { producer, consumer, sendAudio };
}

describe('MediaRoom figures', () => {
  it('reads a consumed producer’s figures from its consumer’s stats: one request, not two', async () => {
    const { producer, sendAudio } = await plainCall();
    await sendAudio(50);
    await eventually(
      async () => (await room.figures())?.get(KIOSK)?.producers.get(producer.id)?.bitrateBps,
      'the producer’s RTP to be counted',
    );

    const requests = workerRequests();
    const figures = await room.figures();
    expect(requests.of('CONSUMER_GET_STATS')).toBe(1);
    expect(requests.of('PRODUCER_GET_STATS')).toBe(0);

    const sent = figures?.get(KIOSK)?.producers.get(producer.id);
    expect(sent).toMatchObject({ kind: 'audio', source: 'microphone', paused: false });
    expect(sent?.bitrateBps).toBeGreaterThan(0);
    // Packets numbered 1 to 50 in order on loopback: nothing lost.
    expect(sent?.fractionLost).toBe(0);
    // The worker's jitter is in RTP clock units (48 kHz for Opus); the figure is in ms.
    const [received] = (await producer.getStats()).filter((s) => s.type === 'inbound-rtp');
    expect(received?.jitter).toBeGreaterThan(0);
    expect(sent?.jitterMs).toBeCloseTo((received!.jitter * 1000) / 48_000, 6);

    const [relayed] = figures?.get(ADVISOR)?.consumers ?? [];
    expect(relayed).toMatchObject({ producerId: producer.id, kind: 'audio' });
    expect(relayed?.bitrateBps).toBeGreaterThan(0);
  });

  it('asks a simulcast producer itself (its consumer carries one layer only)', async () => {
    const { producer } = await plainCall(3);
    const requests = workerRequests();
    const figures = await room.figures();
    expect(requests.of('PRODUCER_GET_STATS')).toBe(1);
    expect(requests.of('CONSUMER_GET_STATS')).toBe(1);
    expect(figures?.get(KIOSK)?.producers.get(producer.id)).toMatchObject({
      kind: 'video',
      source: 'camera',
    });
  });

  it('asks the producer itself when its consumer fails to answer', async () => {
    const { producer, consumer } = await plainCall();
    vi.spyOn(consumer, 'getStats').mockRejectedValueOnce(new Error('Consumer closed'));
    const requests = workerRequests();
    const figures = await room.figures();
    expect(requests.of('PRODUCER_GET_STATS')).toBe(1);
    expect(figures?.get(KIOSK)?.producers.get(producer.id)).toMatchObject({ kind: 'audio' });
    expect(figures?.get(ADVISOR)?.consumers ?? []).toEqual([]);
  });

  it('gives the locally known figures without any request', async () => {
    const { producer, consumer, sendAudio } = await plainCall();
    await sendAudio(50);
    // The worker tells scores by itself (notifications): wait for the producer's first.
    await eventually(() => producer.score.length > 0, 'a producer score');
    const requests = workerRequests();
    const figures = room.localFigures();
    expect(requests.total).toBe(0);
    expect(figures?.get(KIOSK)?.producers.get(producer.id)).toMatchObject({
      score: Math.min(...producer.score.map((s) => s.score)),
      bitrateBps: null,
      fractionLost: null,
    });
    expect(figures?.get(ADVISOR)?.consumers[0]).toMatchObject({
      score: consumer.score.score,
      bitrateBps: null,
    });
  });

  it('has no figures once closed', async () => {
    room.close();
    expect(await room.figures()).toBeUndefined();
    expect(room.localFigures()).toBeUndefined();
  });
});

describe('MediaRoom observer', () => {
  /** Every event the observer tells, in order, with its payload. */
  function listen(): [keyof MediaRoomObserverEvents, unknown][] {
    const heard: [keyof MediaRoomObserverEvents, unknown][] = [];
    const observer: EventEmitter = room.observer;
    for (const name of [
      'peerJoined',
      'peerLeft',
      'producerAdded',
      'producerClosed',
      'consumerAdded',
      'consumerClosed',
      'consumerFlowing',
      'transportTuple',
      'close',
    ] as const)
      observer.on(name, (payload: unknown) => heard.push([name, payload]));
    return heard;
  }

  it('tells what happens in the room as plain data', async () => {
    const heard = listen();
    const capabilities = room.rtpCapabilities;
    room.join(KIOSK, capabilities);
    const send = await room.createTransport(KIOSK, 'send');
    const { producerId } = await room.produce(
      KIOSK,
      send.transportId,
      'audio',
      opusParameters(),
      'microphone',
    );
    room.join(ADVISOR, capabilities);
    await room.createTransport(ADVISOR, 'recv');
    const { consumerId } = await room.consume(ADVISOR, producerId);
    expect(heard).toEqual([
      ['peerJoined', { peerId: KIOSK }],
      [
        'producerAdded',
        { peerId: KIOSK, producerId, kind: 'audio', source: 'microphone', paused: false },
      ],
      ['peerJoined', { peerId: ADVISOR }],
      // Created paused: no media flows before the client acks.
      ['consumerAdded', { peerId: ADVISOR, consumerId, producerId, kind: 'audio' }],
    ]);

    heard.length = 0;
    await room.resumeConsumer(ADVISOR, consumerId);
    room.closeProducer(KIOSK, producerId);
    await eventually(
      () => heard.some(([name]) => name === 'consumerClosed'),
      'the consumer to close',
    );
    expect(heard).toEqual([
      ['consumerFlowing', { peerId: ADVISOR, consumerId }],
      ['producerClosed', { peerId: KIOSK, producerId }],
      ['consumerClosed', { peerId: ADVISOR, consumerId, producerId }],
    ]);

    heard.length = 0;
    // A reload: the kiosk joins again.
    room.join(KIOSK, capabilities);
    room.close();
    expect(heard).toEqual([
      ['peerLeft', { peerId: KIOSK }],
      ['peerJoined', { peerId: KIOSK }],
      ['peerLeft', { peerId: KIOSK }],
      ['peerLeft', { peerId: ADVISOR }],
      ['close', { reason: 'closed' }],
    ]);
  });

  it('tells the scores the worker reports', async () => {
    const scores: MediaRoomObserverEvents['scoreChanged'][0][] = [];
    room.observer.on('scoreChanged', (score) => scores.push(score));
    const { producer, sendAudio } = await plainCall();
    await sendAudio(50);
    await eventually(() => scores.find((s) => s.of === 'producer'), 'a producer score');
    expect(scores.find((s) => s.of === 'producer')).toEqual({
      peerId: KIOSK,
      of: 'producer',
      id: producer.id,
      score: expect.any(Number) as number,
    });
  });

  it('knows whether a peer sends live media of a kind', async () => {
    room.join(KIOSK, room.rtpCapabilities);
    const send = await room.createTransport(KIOSK, 'send');
    const { producerId } = await room.produce(
      KIOSK,
      send.transportId,
      'video',
      vp8Parameters(),
      'camera',
    );
    expect(room.isSending(KIOSK, 'video')).toBe(true);
    expect(room.isSending(KIOSK, 'audio')).toBe(false);
    expect(room.isSending(ADVISOR, 'video')).toBe(false);
    await room.setProducerPaused(KIOSK, producerId, true);
    expect(room.isSending(KIOSK, 'video')).toBe(false);
  });
});

describe('MediaRoom producers', () => {
  it('refuses a producer whose codecs are not of its kind (a video track carrying Opus)', async () => {
    room.join(KIOSK, room.rtpCapabilities);
    const send = await room.createTransport(KIOSK, 'send');
    await expect(
      room.produce(KIOSK, send.transportId, 'video', opusParameters(), 'camera'),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(
      room.produce(KIOSK, send.transportId, 'audio', vp8Parameters(), 'microphone'),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(room.isSending(KIOSK, 'video')).toBe(false);
    expect(room.isSending(KIOSK, 'audio')).toBe(false);
    // Kind and codecs that agree go through.
    await room.produce(KIOSK, send.transportId, 'audio', opusParameters(), 'microphone');
    await room.produce(KIOSK, send.transportId, 'video', vp8Parameters(), 'camera');
    expect(room.isSending(KIOSK, 'audio')).toBe(true);
    expect(room.isSending(KIOSK, 'video')).toBe(true);
  });
});

describe('MediaRoom consumers offered with a new producer', () => {
  /**
   * Both peers join; the advisor has a receive transport when `advisorReceives`; the kiosk then
   * sends a camera (video) or a microphone (audio). Resolves once the advisor was told.
   */
  async function kioskSends(kind: 'video' | 'audio', { advisorReceives = true } = {}) {
    const announced: MediaRoomEvents['newProducer'][0][] = [];
    room.on('newProducer', (event) => announced.push(event));
    const consumers = new Map<string, types.Consumer>();
    router.observer.on('newtransport', (transport) =>
      transport.observer.on('newconsumer', (consumer) => consumers.set(consumer.id, consumer)),
    );
    room.join(KIOSK, room.rtpCapabilities);
    room.join(ADVISOR, room.rtpCapabilities);
    const send = await room.createTransport(KIOSK, 'send');
    const recv = advisorReceives ? await room.createTransport(ADVISOR, 'recv') : undefined;
    const { producerId } =
      kind === 'video'
        ? await room.produce(KIOSK, send.transportId, 'video', vp8Parameters(), 'camera')
        : await room.produce(KIOSK, send.transportId, 'audio', opusParameters(), 'microphone');
    await eventually(() => announced.length === 1, 'the announcement');
    return { event: announced[0]!, producerId, recv, consumers };
  }

  it('makes the consumer of a peer that joined with a receive transport, paused until resumed', async () => {
    const { event, producerId, recv, consumers } = await kioskSends('video');
    expect(event).toMatchObject({
      peerId: KIOSK,
      to: ADVISOR,
      producer: { producerId, kind: 'video', source: 'camera' },
      consumer: { producerId, kind: 'video', source: 'camera', transportId: recv!.transportId },
    });
    const consumerId = event.consumer!.consumerId;
    expect(room.counts().consumers).toBe(1);
    expect(consumers.get(consumerId)?.paused).toBe(true);
    await room.resumeConsumer(ADVISOR, consumerId);
    expect(consumers.get(consumerId)?.paused).toBe(false);
    // Taken: asking for it again is refused, as for a consumer asked for.
    await expect(room.consume(ADVISOR, producerId)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('offers none to a peer without a receive transport, which asks with media:consume', async () => {
    const { event, producerId } = await kioskSends('audio', { advisorReceives: false });
    expect(event).toMatchObject({ to: ADVISOR, consumer: undefined });
    expect(room.counts().consumers).toBe(0);
    await room.createTransport(ADVISOR, 'recv');
    await expect(room.consume(ADVISOR, producerId)).resolves.toMatchObject({ producerId });
  });

  it('replaces an offered consumer the peer did not take when it asks for one', async () => {
    const { event, producerId } = await kioskSends('audio');
    const offered = event.consumer!.consumerId;
    const asked = await room.consume(ADVISOR, producerId);
    expect(asked.consumerId).not.toBe(offered);
    expect(room.counts().consumers).toBe(1);
    await expect(room.resumeConsumer(ADVISOR, offered)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('WorkerPool usage', () => {
  it('counts what each worker hosts and reports its CPU time, with one request per worker', async () => {
    await plainCall();
    const requests = workerRequests();
    const [usage, ...others] = await pool.usage();
    expect(others).toEqual([]);
    expect(requests.total).toBe(1);
    expect(usage).toMatchObject({
      slot: 0,
      pid: pool.liveWorkers[0]!.pid,
      routers: 1,
      transports: 2,
      producers: 1,
      consumers: 1,
    });
    expect(usage!.cpuMs).toBeGreaterThan(0);

    room.close();
    expect((await pool.usage())[0]).toMatchObject({
      routers: 0,
      transports: 0,
      producers: 0,
      consumers: 0,
    });
  });
});
