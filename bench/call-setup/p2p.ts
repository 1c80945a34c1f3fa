import type { Browser, Page } from 'playwright-core';
import { newMachine } from '../../test/e2e/support/browser';
import {
  allowEvaluatedFunctions,
  armFirstFrame,
  awaitFirstFrame,
  type FirstFrame,
} from './firstFrame';

/** Served by page.route on the server's own origin (http://127.0.0.1 is a secure context). */
export const P2P_PATH = '/bench-p2p.html';

const P2P_HTML = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>call-setup baseline</title></head>
  <body style="margin:0;background:#000">
    <main id="stage"><video id="remote" data-testid="remote-video" autoplay playsinline muted width="640" height="480"></video><video id="local" data-testid="self-video" autoplay playsinline muted width="160" height="120"></video></main>
  </body>
</html>`;

/**
 * The same camera and microphone the apps ask for (shared/src/client/LocalMedia.ts,
 * DEFAULT_MEDIA_CONSTRAINTS): 640x480 video, audio with the usual processing.
 */
const MEDIA_CONSTRAINTS: MediaStreamConstraints = {
  audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 25, max: 30 } },
};

type Side = 'a' | 'b';
type Candidate = RTCIceCandidateInit | null;

interface PeerApi {
  /** New RTCPeerConnection for connection `seq`, sending the local tracks (VP8 preferred). */
  open(seq: number): void;
  /** The offer, and Date.now() in the page when making it started (the connection's t0). */
  offer(): Promise<{ offer: RTCSessionDescriptionInit; startedAt: number }>;
  answer(offer: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit>;
  accept(answer: RTCSessionDescriptionInit): Promise<void>;
  /** Queued until the remote description is set; candidates of another `seq` are dropped. */
  addCandidate(seq: number, candidate: Candidate): Promise<void>;
  /** Closes the connection and replaces the video element (as the apps mount a new one). */
  close(): void;
  connectionState(): string;
}

type P2pWindow = Window & {
  __p2p: PeerApi;
  __p2pSignal: (seq: number, candidate: Candidate) => Promise<void>;
};

export interface P2pSample {
  a_ms: number;
  b_ms: number;
  both_ms: number;
  a: FirstFrame;
  b: FirstFrame;
  /** ms from Node's Date.now() before the offer's page.evaluate to its start in the page. */
  harness_ms: number;
}

/**
 * The floor: two pages of one browser joined by a direct RTCPeerConnection on loopback, media
 * acquired beforehand, offer/answer and trickled ICE candidates relayed by this Node process
 * (page -> Node through an exposed binding, Node -> page through page.evaluate).
 */
export class P2pBaseline {
  private seq = 0;
  private readonly relays = new Set<Promise<void>>();
  private relayError: unknown = null;

  private constructor(
    private readonly a: Page,
    private readonly b: Page,
    private readonly close_: () => Promise<void>,
  ) {}

  static async open(browser: Browser, origin: string): Promise<P2pBaseline> {
    const machines = await Promise.all([newMachine(browser), newMachine(browser)]);
    const pages = machines.map((m) => m.page) as [Page, Page];
    const baseline = new P2pBaseline(pages[0], pages[1], async () => {
      for (const m of machines) await m.context.close();
    });
    const sides: Side[] = ['a', 'b'];
    for (const [i, { context, page }] of machines.entries()) {
      const side = sides[i]!;
      const other = pages[1 - i]!;
      await allowEvaluatedFunctions(context);
      await page.route(`${origin}${P2P_PATH}`, (route) =>
        route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: P2P_HTML }),
      );
      await page.exposeFunction('__p2pSignal', (seq: number, candidate: Candidate) =>
        baseline.relay(side, other, seq, candidate),
      );
      await page.goto(`${origin}${P2P_PATH}`);
      await page.evaluate(installPeer, MEDIA_CONSTRAINTS);
    }
    return baseline;
  }

  /** One connection, timed from the offer's start in page A to both first remote frames. */
  async connect(timeoutMs = 20_000): Promise<P2pSample> {
    const seq = ++this.seq;
    const { a, b } = this;
    await Promise.all([armFirstFrame(a), armFirstFrame(b)]);
    await Promise.all([
      a.evaluate((s) => (window as unknown as P2pWindow).__p2p.open(s), seq),
      b.evaluate((s) => (window as unknown as P2pWindow).__p2p.open(s), seq),
    ]);

    const nodeT0 = Date.now();
    const frames = Promise.all([
      awaitFirstFrame(a, 'p2p a', timeoutMs),
      awaitFirstFrame(b, 'p2p b', timeoutMs),
    ]);
    const { offer, startedAt: t0 } = await a.evaluate(() =>
      (window as unknown as P2pWindow).__p2p.offer(),
    );
    const answer = await b.evaluate((o) => (window as unknown as P2pWindow).__p2p.answer(o), offer);
    await a.evaluate((ans) => (window as unknown as P2pWindow).__p2p.accept(ans), answer);
    const [fa, fb] = await frames;
    if (this.relayError) throw this.relayError;

    const a_ms = fa.frameAt - t0;
    const b_ms = fb.frameAt - t0;
    return { a_ms, b_ms, both_ms: Math.max(a_ms, b_ms), a: fa, b: fb, harness_ms: t0 - nodeT0 };
  }

  /** Closes both ends and waits for candidates still in flight, so the next connection starts clean. */
  async hangUp(): Promise<void> {
    await Promise.all([...this.relays]);
    for (const page of [this.a, this.b]) {
      await page.evaluate(() => (window as unknown as P2pWindow).__p2p.close());
      const state = await page.evaluate(() =>
        (window as unknown as P2pWindow).__p2p.connectionState(),
      );
      if (state !== 'closed') throw new Error(`p2p connection not closed (${state})`);
    }
  }

  /**
   * Waits until the camera delivers frames steadily (3 self-view frames in a row, each within
   * 150 ms of the previous one) and returns how long that took. Every page of the benchmark's
   * browser shares Chromium's one fake camera, and it pauses for 1–3 s after an app hang-up (see
   * bench/README.md), so each timed call or connection starts from a flowing camera.
   */
  async waitForCameraFlowing(timeoutMs = 15_000): Promise<number> {
    const start = Date.now();
    const ok = await this.a.evaluate(
      (timeout) =>
        new Promise<boolean>((resolve) => {
          const video = document.querySelector<HTMLVideoElement>('#local')!;
          const deadline = Date.now() + timeout;
          let last = 0;
          let streak = 0;
          const onFrame = () => {
            const now = Date.now();
            streak = last && now - last <= 150 ? streak + 1 : 0;
            last = now;
            if (streak >= 2) resolve(true);
            else video.requestVideoFrameCallback(onFrame);
          };
          video.requestVideoFrameCallback(onFrame);
          const watchdog = () => {
            if (Date.now() > deadline) resolve(false);
            else setTimeout(watchdog, 100);
          };
          watchdog();
        }),
      timeoutMs,
    );
    if (!ok) throw new Error(`the camera did not deliver steady frames within ${timeoutMs} ms`);
    return Date.now() - start;
  }

  close(): Promise<void> {
    return this.close_();
  }

  private relay(from: Side, to: Page, seq: number, candidate: Candidate): Promise<void> {
    const p = to
      .evaluate(([s, c]) => (window as unknown as P2pWindow).__p2p.addCandidate(s, c), [
        seq,
        candidate,
      ] as const)
      .catch((error: unknown) => {
        if (seq === this.seq)
          this.relayError ??= new Error(`relaying a candidate from ${from}: ${String(error)}`);
      })
      .finally(() => this.relays.delete(p));
    this.relays.add(p);
    return Promise.resolve();
  }
}

/** Runs in the page: opens the camera once and installs window.__p2p. */
async function installPeer(constraints: MediaStreamConstraints): Promise<void> {
  const w = window as unknown as P2pWindow;
  const local = await navigator.mediaDevices.getUserMedia(constraints);
  // A self view, as in the apps; also shows whether the (shared) camera is delivering frames.
  const selfView = document.querySelector<HTMLVideoElement>('#local')!;
  selfView.srcObject = local;
  void selfView.play().catch(() => undefined);
  let pc: RTCPeerConnection | null = null;
  let seq = 0;
  let pending: Candidate[] = [];

  const video = () => document.querySelector<HTMLVideoElement>('#remote')!;
  const preferVp8 = (transceiver: RTCRtpTransceiver) => {
    const codecs = RTCRtpReceiver.getCapabilities('video')?.codecs ?? [];
    const vp8 = codecs.filter((c) => c.mimeType.toLowerCase() === 'video/vp8');
    const rest = codecs.filter((c) => c.mimeType.toLowerCase() !== 'video/vp8');
    if (vp8.length) transceiver.setCodecPreferences([...vp8, ...rest]);
  };
  const flush = async () => {
    const queued = pending;
    pending = [];
    for (const c of queued) await pc!.addIceCandidate(c ?? undefined);
  };

  w.__p2p = {
    open(s) {
      seq = s;
      pending = [];
      const conn = new RTCPeerConnection();
      pc = conn;
      conn.onicecandidate = (e) => void w.__p2pSignal(s, e.candidate ? e.candidate.toJSON() : null);
      conn.ontrack = (e) => {
        const el = video();
        const stream = e.streams[0] ?? new MediaStream([e.track]);
        if (el.srcObject !== stream) el.srcObject = stream;
        void el.play().catch(() => undefined);
      };
    },
    async offer() {
      const startedAt = Date.now();
      const conn = pc!;
      for (const track of local.getTracks()) {
        const t = conn.addTransceiver(track, { direction: 'sendrecv', streams: [local] });
        if (track.kind === 'video') preferVp8(t);
      }
      await conn.setLocalDescription(await conn.createOffer());
      return { offer: conn.localDescription!.toJSON() as RTCSessionDescriptionInit, startedAt };
    },
    async answer(offer) {
      const conn = pc!;
      await conn.setRemoteDescription(offer);
      for (const t of conn.getTransceivers()) {
        const track = local.getTracks().find((x) => x.kind === t.receiver.track.kind);
        if (!track) continue;
        t.direction = 'sendrecv';
        await t.sender.replaceTrack(track);
        t.sender.setStreams(local);
        if (track.kind === 'video') preferVp8(t);
      }
      await conn.setLocalDescription(await conn.createAnswer());
      await flush();
      return conn.localDescription!.toJSON() as RTCSessionDescriptionInit;
    },
    async accept(answer) {
      await pc!.setRemoteDescription(answer);
      await flush();
    },
    async addCandidate(s, candidate) {
      if (s !== seq || !pc || pc.signalingState === 'closed') return;
      if (!pc.remoteDescription) pending.push(candidate);
      else await pc.addIceCandidate(candidate ?? undefined);
    },
    close() {
      pc?.close();
      seq = 0;
      pending = [];
      const old = video();
      const fresh = old.cloneNode(false) as HTMLVideoElement;
      old.srcObject = null;
      old.replaceWith(fresh);
    },
    connectionState: () => pc?.connectionState ?? 'none',
  };
}
