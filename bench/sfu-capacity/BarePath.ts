import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { MEDIA_CODECS } from '../../server/src/media/mediaCodecs';
import { clientDtls, producerParameters, sendSpec, transportTarget } from './BareCall';
import type { CallEndpoints, CapacityPath } from './CapacityPath';

/**
 * Bare mediasoup: one worker, a router per call with the application's codecs (as MediaRoom
 * makes one), two WebRtcTransports per party, each party's camera and microphone produced on
 * its send transport and consumed on the other's receive transport. No stats requests, no
 * observers, no signalling.
 */
export class BarePath implements CapacityPath {
  readonly name = 'bare' as const;
  private constructor(
    private readonly worker: types.Worker,
    private readonly kbps: number,
  ) {}

  static async start(kbps: number): Promise<BarePath> {
    const worker = await mediasoup.createWorker({ logLevel: 'warn' });
    return new BarePath(worker, kbps);
  }

  get workerPid(): number {
    return this.worker.pid;
  }

  async addCall(index: number, fingerprint: string): Promise<CallEndpoints> {
    const router = await this.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    const caps = router.rtpCapabilities;
    const listenInfos = [{ protocol: 'udp' as const, ip: '127.0.0.1' }];
    const party = async (n: number) => {
      const send = await router.createWebRtcTransport({ listenInfos });
      const recv = await router.createWebRtcTransport({ listenInfos });
      await send.connect({ dtlsParameters: clientDtls(fingerprint) });
      await recv.connect({ dtlsParameters: clientDtls(fingerprint) });
      const ssrc = { video: 100_000 + index * 10 + n * 2, audio: 100_001 + index * 10 + n * 2 };
      const params = producerParameters(caps, ssrc);
      const producers = [
        await send.produce({ kind: 'video', rtpParameters: params.video }),
        await send.produce({ kind: 'audio', rtpParameters: params.audio }),
      ];
      return { send, recv, ssrc, producers };
    };
    const a = await party(0);
    const b = await party(1);
    const consumerSsrcs: number[] = [];
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      for (const producer of from.producers) {
        const c = await to.recv.consume({ producerId: producer.id, rtpCapabilities: caps });
        consumerSsrcs.push(c.rtpParameters.encodings![0]!.ssrc!);
      }
    }
    return {
      endpoints: [a, b].flatMap((p) => [
        { ...transportTarget(p.send), send: sendSpec(caps, p.ssrc, this.kbps) },
        transportTarget(p.recv),
      ]),
      consumerSsrcs,
    };
  }

  async close(): Promise<void> {
    this.worker.close();
  }
}
