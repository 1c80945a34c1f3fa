import { createRequire } from 'node:module';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { MEDIA_CODECS } from '../../server/src/media/mediaCodecs';
import { clientDtls, producerParameters, sendSpec, transportTarget } from './BareCall';
import type { CallEndpoints, CapacityPath } from './CapacityPath';

/** What the bare path uses of a mediasoup module (this one, or an earlier version's). */
interface MediasoupModule {
  readonly version: string;
  createWorker(options: { logLevel: 'warn' }): Promise<types.Worker>;
}

/**
 * An earlier mediasoup, installed elsewhere (`npm pack` + its own worker build), for the
 * `bare-previous` path. Its worker binary is read from MEDIASOUP_WORKER_BIN when the module is
 * loaded, so the variable names the earlier worker only for that load.
 */
export function loadPreviousMediasoup(packageDir: string, workerBin: string): MediasoupModule {
  const current = process.env.MEDIASOUP_WORKER_BIN;
  process.env.MEDIASOUP_WORKER_BIN = workerBin;
  try {
    const loaded = createRequire(import.meta.url)(packageDir) as MediasoupModule;
    if (loaded.version === mediasoup.version)
      throw new Error(`${packageDir} is mediasoup ${loaded.version}, this project's own version`);
    return loaded;
  } finally {
    if (current === undefined) delete process.env.MEDIASOUP_WORKER_BIN;
    else process.env.MEDIASOUP_WORKER_BIN = current;
  }
}

/** mediasoup before 3.13 names a transport's addresses `listenIps`, later ones `listenInfos`. */
function listenOn(version: string, ip: string): types.WebRtcTransportOptions {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major === 3 && minor < 13) return { listenIps: [{ ip }] };
  return { listenInfos: [{ protocol: 'udp', ip }] };
}

/**
 * Bare mediasoup: one worker, a router per call with the application's codecs (as MediaRoom
 * makes one), two WebRtcTransports per party, each party's camera and microphone produced on
 * its send transport and consumed on the other's receive transport. No stats requests, no
 * observers, no signalling.
 */
export class BarePath implements CapacityPath {
  private constructor(
    readonly name: 'bare' | 'bare-previous',
    private readonly worker: types.Worker,
    private readonly kbps: number,
    private readonly version: string,
  ) {}

  /** With `previous`, the bare path of an earlier mediasoup (`loadPreviousMediasoup`). */
  static async start(kbps: number, previous?: MediasoupModule): Promise<BarePath> {
    const api: MediasoupModule = previous ?? mediasoup;
    const worker = await api.createWorker({ logLevel: 'warn' });
    return new BarePath(previous ? 'bare-previous' : 'bare', worker, kbps, api.version);
  }

  get workerPids(): readonly number[] {
    return [this.worker.pid];
  }

  async addCall(index: number, fingerprint: string): Promise<CallEndpoints> {
    const router = await this.worker.createRouter({ mediaCodecs: MEDIA_CODECS });
    const caps = router.rtpCapabilities;
    const listen = listenOn(this.version, '127.0.0.1');
    const party = async (n: number) => {
      const send = await router.createWebRtcTransport(listen);
      const recv = await router.createWebRtcTransport(listen);
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
