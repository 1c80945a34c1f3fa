import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientDtls,
  producerParameters,
  sendSpec,
  transportTarget,
} from '../../bench/sfu-capacity/BareCall';
import { Loadgen, type LoadgenStats, type SrtpOffer } from '../../bench/sfu-capacity/Loadgen';
import { MEDIA_CODECS } from '../../server/src/media/mediaCodecs';

// The C load generator of bench/sfu-capacity against a real mediasoup worker: ICE (its binding
// requests must pass the worker's MESSAGE-INTEGRITY check), DTLS (the worker checks our
// fingerprint, we check its), SRTP (the worker drops packets whose tag fails), then the worker
// forwards endpoint A's VP8 and Opus to endpoint B, which counts them per SSRC. Once with the
// SRTP profiles a browser offers (the worker picks AES-256-GCM, as with Chromium), once with
// AES-CM alone.

let worker: types.Worker;
let router: types.Router;

beforeAll(async () => {
  worker = await mediasoup.createWorker({ logLevel: 'warn' });
  router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
}, 60_000);

afterAll(() => {
  worker?.close();
});

async function until<T>(
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each([
  ['browser', 'SRTP_AEAD_AES_256_GCM'],
  ['cm', 'SRTP_AES128_CM_SHA1_80'],
] as [SrtpOffer, string][])(
  'loadgen (%s SRTP offer) against a bare mediasoup router',
  (srtp, profile) => {
    let gen: Loadgen;
    beforeAll(async () => {
      gen = await Loadgen.start({ srtp });
    }, 60_000);
    afterAll(async () => {
      await gen?.close();
    });

    it(`connects two endpoints with ${profile} and forwards A’s video and audio to B`, async () => {
      const listenInfos = [{ protocol: 'udp' as const, ip: '127.0.0.1' }];
      const tA = await router.createWebRtcTransport({ listenInfos });
      const tB = await router.createWebRtcTransport({ listenInfos });
      await tA.connect({ dtlsParameters: clientDtls(gen.fingerprint) });
      await tB.connect({ dtlsParameters: clientDtls(gen.fingerprint) });

      const ssrc = { video: 1111, audio: 2222 };
      const params = producerParameters(router.rtpCapabilities, ssrc);
      const video = await tA.produce({ kind: 'video', rtpParameters: params.video });
      const audio = await tA.produce({ kind: 'audio', rtpParameters: params.audio });
      const rtpCapabilities = router.rtpCapabilities;
      const cVideo = await tB.consume({ producerId: video.id, rtpCapabilities });
      const cAudio = await tB.consume({ producerId: audio.id, rtpCapabilities });

      gen.add({
        id: 1,
        ...transportTarget(tA),
        send: sendSpec(router.rtpCapabilities, ssrc, 1500),
      });
      gen.add({ id: 2, ...transportTarget(tB) });
      await gen.connected(1);
      await gen.connected(2);
      expect([...gen.srtpProfiles]).toEqual([profile]);
      // Our side is done when the server's Finished arrives; the worker tells Node a moment later.
      const states = () =>
        Promise.resolve([tA.iceState, tA.dtlsState, tB.iceState, tB.dtlsState].join());
      await until(
        'both transports connected',
        states,
        (s) => s === 'completed,connected,completed,connected',
      );

      const outSsrc = (c: types.Consumer) => c.rtpParameters.encodings![0]!.ssrc!;
      const atB = (s: LoadgenStats, ssrc: number) =>
        s.endpoints.find((e) => e.id === 2)?.rx.find((r) => r.ssrc === ssrc)?.received ?? 0;
      // ~6 packets a frame at 30 fps and 50 audio packets a second: two seconds' worth.
      const stats = await until(
        'packets at B',
        () => gen.stats(),
        (s) => atB(s, outSsrc(cVideo)) >= 300 && atB(s, outSsrc(cAudio)) >= 100,
      );

      // What reached the worker decrypted and authenticated: the producers count it.
      const [videoIn] = await video.getStats();
      const [audioIn] = await audio.getStats();
      expect(videoIn!.packetCount).toBeGreaterThanOrEqual(300);
      expect(audioIn!.packetCount).toBeGreaterThanOrEqual(100);
      // The worker found key frames in our VP8 (it forwards nothing to a consumer before one).
      expect(atB(stats, outSsrc(cVideo))).toBeGreaterThan(0);
      const a = stats.endpoints.find((e) => e.id === 1)!;
      expect(a.send_errors).toBe(0);
      expect(a.sent_rtcp).toBeGreaterThan(0);
      // B's receiver reports reached the worker: the consumer's score comes from them.
      await until(
        'a consumer score from B’s receiver reports',
        async () => cVideo.score.score,
        (s) => s > 0,
      );
    });
  },
);

describe('loadgen endpoints it cannot set up', () => {
  it('says why at once, as that endpoint’s failure, rather than letting a wait time out', async () => {
    const gen = await Loadgen.start({ srtp: 'browser' });
    try {
      const transport = await router.createWebRtcTransport({
        listenInfos: [{ protocol: 'udp', ip: '127.0.0.1' }],
      });
      const target = transportTarget(transport);
      // mediasoup before 3.13 named the candidate's address `ip`: read wrongly, it was undefined.
      gen.add({ id: 1, ...target, ip: 'undefined' });
      await expect(gen.connected(1, 5_000)).rejects.toThrow('endpoint 1 failed: bad address');
      await transport.connect({ dtlsParameters: clientDtls(gen.fingerprint) });
      gen.add({ id: 2, ...target });
      await gen.connected(2, 10_000);
      gen.add({ id: 2, ...target });
      await expect(gen.connected(2, 5_000)).rejects.toThrow(
        'endpoint 2 failed: endpoint exists or too many',
      );
      transport.close();
    } finally {
      await gen.close();
    }
  });
});
