import type { types } from 'mediasoup';
import type { MediaKind } from '@visio/shared/protocol';
import { isWebRtc, peerIdOf, sourceOf, type MediaRoomObserver } from './MediaRoomObserver';

/** One producer as measured by the server: the sender's leg (browser → server). */
export interface ProducerFigures {
  kind: MediaKind;
  source: string;
  paused: boolean;
  bitrateBps: number | null;
  /** Share of packets lost in the last RTCP interval, 0–1. */
  fractionLost: number | null;
  jitterMs: number | null;
  rttMs: number | null;
  /** Lowest stream score (0–10); null while no RTP has arrived. */
  score: number | null;
}

/** One consumer as measured by the server: the receiver's leg (server → browser). */
export interface ConsumerFigures {
  producerId: string;
  kind: MediaKind;
  bitrateBps: number | null;
  fractionLost: number | null;
  rttMs: number | null;
  score: number | null;
}

export interface PeerFigures {
  iceProtocol: 'udp' | 'tcp' | null;
  producers: Map<string, ProducerFigures>;
  consumers: ConsumerFigures[];
}

/** Server-side figures of one room, by peer id. */
export type RoomFigures = Map<string, PeerFigures>;

type LiveObjects = Pick<MediaRoomObserver, 'transports' | 'producers' | 'consumers'>;

/**
 * Asks the worker for the stats of every consumer of the room, and of every producer whose
 * consumer does not carry them (one request each). Objects closing meanwhile are skipped.
 */
export async function measuredFigures(objects: LiveObjects): Promise<RoomFigures> {
  const { figures, tasks } = gather(objects, true);
  // A closed object rejects (InvalidStateError): it simply has no figures this time.
  await Promise.allSettled(tasks);
  return figures;
}

/**
 * What is known without asking the worker: kinds, sources, pause states, scores (kept up to date
 * by the worker's notifications) and the ICE protocol. Bitrate, loss, jitter and RTT are null.
 */
export function localFigures(objects: LiveObjects): RoomFigures {
  return gather(objects, false).figures;
}

function gather(
  objects: LiveObjects,
  withStats: boolean,
): { figures: RoomFigures; tasks: Promise<void>[] } {
  const figures: RoomFigures = new Map();
  const peer = (peerId: string): PeerFigures => {
    let entry = figures.get(peerId);
    if (!entry) {
      entry = { iceProtocol: null, producers: new Map(), consumers: [] };
      figures.set(peerId, entry);
    }
    return entry;
  };
  const tasks: Promise<void>[] = [];
  for (const transport of objects.transports) {
    const peerId = peerIdOf(transport.appData);
    if (!peerId || !isWebRtc(transport)) continue;
    // The selected ICE tuple is known locally (updated by the worker's notifications): no
    // request to the worker for it.
    const protocol = transport.iceSelectedTuple?.protocol;
    if (protocol) peer(peerId).iceProtocol = protocol;
  }
  // A consumer's stats also carry the receive stream of the producer it forwards: a producer
  // with one stream (no simulcast) that is consumed needs no request of its own, which halves
  // the requests of a call.
  const consumerOf = new Map<string, types.Consumer>();
  if (withStats) {
    for (const consumer of objects.consumers)
      if (!consumer.closed && peerIdOf(consumer.appData))
        consumerOf.set(consumer.producerId, consumer);
  }
  const carried = new Map<types.Consumer, { producer: types.Producer; peerId: string }>();
  const readProducer = (producer: types.Producer, peerId: string) =>
    producer.getStats().then((stats) => {
      peer(peerId).producers.set(producer.id, producerFigures(producer, stats));
    });
  for (const producer of objects.producers) {
    const peerId = peerIdOf(producer.appData);
    if (!peerId || producer.closed) continue;
    const carrier =
      producer.rtpParameters.encodings?.length === 1 ? consumerOf.get(producer.id) : undefined;
    if (!withStats) peer(peerId).producers.set(producer.id, producerFigures(producer, []));
    else if (carrier) carried.set(carrier, { producer, peerId });
    else tasks.push(readProducer(producer, peerId));
  }
  for (const consumer of objects.consumers) {
    const peerId = peerIdOf(consumer.appData);
    if (!peerId || consumer.closed) continue;
    if (!withStats) {
      peer(peerId).consumers.push(consumerFigures(consumer, []));
      continue;
    }
    const source = carried.get(consumer);
    const task = consumer.getStats().then((stats) => {
      peer(peerId).consumers.push(consumerFigures(consumer, stats));
      if (source) {
        const received = stats.filter((s): s is types.ProducerStat => s.type === 'inbound-rtp');
        peer(source.peerId).producers.set(
          source.producer.id,
          producerFigures(source.producer, received),
        );
      }
    });
    // The consumer closing meanwhile does not cost its producer its figures.
    tasks.push(source ? task.catch(() => readProducer(source.producer, source.peerId)) : task);
  }
  return { figures, tasks };
}

function producerFigures(producer: types.Producer, stats: types.ProducerStat[]): ProducerFigures {
  const rtp = stats.filter((s) => s.type === 'inbound-rtp');
  // Loss, jitter and RTT of a stream that carried no packet mean nothing (they read 0).
  const live = rtp.filter((s) => s.packetCount > 0);
  const scores = producer.score.map((s) => s.score);
  return {
    kind: producer.kind,
    source: sourceOf(producer.appData),
    paused: producer.paused,
    bitrateBps: sumOf(rtp.map((s) => s.bitrate)),
    fractionLost: maxOf(live.map((s) => s.fractionLost / 256)),
    // mediasoup reports jitter in RTP timestamp units (RFC 3550): convert with the clock rate.
    jitterMs: maxOf(live.map((s) => (s.jitter * 1000) / clockRateOf(producer))),
    rttMs: maxOf(live.map((s) => s.roundTripTime)),
    score: scores.length > 0 ? Math.min(...scores) : null,
  };
}

function clockRateOf(producer: types.Producer): number {
  return (
    producer.rtpParameters.codecs[0]?.clockRate ?? (producer.kind === 'audio' ? 48_000 : 90_000)
  );
}

function consumerFigures(
  consumer: types.Consumer,
  stats: (types.ConsumerStat | types.ProducerStat)[],
): ConsumerFigures {
  const rtp = stats.filter((s) => s.type === 'outbound-rtp');
  const live = rtp.filter((s) => s.packetCount > 0);
  return {
    producerId: consumer.producerId,
    kind: consumer.kind,
    bitrateBps: sumOf(rtp.map((s) => s.bitrate)),
    fractionLost: maxOf(live.map((s) => s.fractionLost / 256)),
    rttMs: maxOf(live.map((s) => s.roundTripTime)),
    score: consumer.score.score,
  };
}

const known = (values: (number | undefined)[]) =>
  values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));

function sumOf(values: (number | undefined)[]): number | null {
  const k = known(values);
  return k.length > 0 ? k.reduce((a, b) => a + b, 0) : null;
}

function maxOf(values: (number | undefined)[]): number | null {
  const k = known(values);
  return k.length > 0 ? Math.max(...k) : null;
}
