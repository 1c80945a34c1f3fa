import type { types as ms } from 'mediasoup-client';
import {
  kioskNightlyTestRequests,
  unreachedPath,
  type LinkPath,
  type NightlyPathFigures,
  type NightlyTestPathInfo,
  type NightlyTestPlan,
  type NightlyTestResult,
} from '../protocol';
import { loadDevice } from './MediasoupDevices';
import type { SignallingClient } from './SignallingClient';
import { TestSignal } from './TestSignal';

const POLL_MS = 100;

/** The fields of the RTP and ICE statistics read here. */
interface RtpStat {
  type: string;
  id: string;
  kind?: string;
  framesDecoded?: number;
  packetsReceived?: number;
  packetsLost?: number;
  bytesReceived?: number;
  jitter?: number;
  roundTripTime?: number;
  selectedCandidatePairId?: string;
  currentRoundTripTime?: number;
  nominated?: boolean;
  state?: string;
}

interface Snapshot {
  at: number;
  video: { frames: number; packets: number; lost: number; bytes: number; jitter: number | null };
  audio: { packets: number; lost: number; bytes: number; jitter: number | null };
}

export interface NightlyTesterEvents {
  /** A path starts (for the screen). */
  path?: (path: LinkPath) => void;
  /** The looped media of the path being tested (for the screen's preview). */
  looped?: (stream: MediaStream | null) => void;
}

/**
 * The kiosk's side of the nightly test call (docs/nightly-tests.md): a generated pattern and tone
 * (TestSignal, never getUserMedia) sent to the SFU and received back looped through it, on each
 * path the server offers, one path after the other. Per path: time from the first produce to the
 * first looped frame decoded, then after the plan's measure the looped media's loss, jitter and
 * bitrate (inbound-rtp) and the send side's round trip (remote-inbound-rtp, else the ICE pair).
 * `abort()` closes everything (the server closes its side at its deadline anyway).
 */
export class NightlyTester {
  private readonly transports: ms.Transport[] = [];
  private signal: TestSignal | null = null;
  private aborted = false;

  constructor(
    private readonly signalling: SignallingClient,
    private readonly on: NightlyTesterEvents = {},
  ) {}

  async run(): Promise<NightlyTestResult> {
    try {
      const started = await this.signalling.request(kioskNightlyTestRequests.start, {});
      const device = await loadDevice(started.rtpCapabilities);
      this.signal = new TestSignal();
      const paths: NightlyPathFigures[] = [];
      for (const info of started.paths) {
        this.checkAborted();
        this.on.path?.(info.path);
        paths.push(await this.runPath(device, started.testId, info, started.plan));
        this.on.looped?.(null);
        this.closeTransports();
      }
      this.checkAborted();
      const { result } = await this.signalling.request(kioskNightlyTestRequests.finish, {
        testId: started.testId,
        paths,
      });
      return result;
    } finally {
      this.close();
    }
  }

  abort(): void {
    this.aborted = true;
    this.close();
  }

  private close(): void {
    this.closeTransports();
    this.signal?.close();
    this.signal = null;
    this.on.looped?.(null);
  }

  private closeTransports(): void {
    for (const t of this.transports.splice(0)) if (!t.closed) t.close();
  }

  private checkAborted(): void {
    if (this.aborted) throw new Error('nightly test aborted');
  }

  private async runPath(
    device: ms.Device,
    testId: string,
    info: NightlyTestPathInfo,
    plan: NightlyTestPlan,
  ): Promise<NightlyPathFigures> {
    const { path } = info;
    const transport = (direction: 'send' | 'recv') => {
      const t = info[direction];
      const options: ms.TransportOptions = {
        id: t.transportId,
        iceParameters: t.iceParameters as unknown as ms.IceParameters,
        iceCandidates: t.iceCandidates as unknown as ms.IceCandidate[],
        dtlsParameters: t.dtlsParameters as unknown as ms.DtlsParameters,
        // Direct paths must not wander through a relay; the TURN path must use nothing else.
        iceServers: (info.iceServers ?? []) as unknown as RTCIceServer[],
        iceTransportPolicy: path === 'turn' ? 'relay' : 'all',
      };
      const created =
        direction === 'send'
          ? device.createSendTransport(options)
          : device.createRecvTransport(options);
      this.transports.push(created);
      created.on('connect', ({ dtlsParameters }, callback, errback) => {
        this.signalling
          .request(kioskNightlyTestRequests.connect, {
            testId,
            path,
            direction,
            dtlsParameters: dtlsParameters as never,
          })
          .then(() => callback(), errback);
      });
      return created;
    };
    const send = transport('send');
    const recv = transport('recv');
    send.on('produce', ({ kind, rtpParameters }, callback, errback) => {
      this.signalling
        .request(kioskNightlyTestRequests.produce, {
          testId,
          path,
          kind,
          rtpParameters: rtpParameters as never,
        })
        .then(({ producerId }) => callback({ id: producerId }), errback);
    });
    const signal = this.signal!;
    const startedAt = performance.now();
    try {
      const tracks: MediaStreamTrack[] = [];
      for (const [kind, track] of [
        ['video', signal.video],
        ['audio', signal.tone],
      ] as const) {
        if (!track) continue;
        await send.produce({
          track,
          stopTracks: false,
          ...(kind === 'video' ? { encodings: [{ maxBitrate: plan.maxVideoKbps * 1000 }] } : {}),
        });
        const answer = await this.signalling.request(kioskNightlyTestRequests.consume, {
          testId,
          path,
          kind,
          rtpCapabilities: device.recvRtpCapabilities as never,
        });
        const consumer = await recv.consume({
          id: answer.consumerId,
          producerId: answer.producerId,
          kind: answer.kind,
          rtpParameters: answer.rtpParameters as unknown as ms.RtpParameters,
        });
        tracks.push(consumer.track);
      }
      this.on.looped?.(new MediaStream(tracks));
      const firstFrameAt = await this.firstFrame(recv, startedAt + plan.firstFrameTimeoutMs);
      if (firstFrameAt === null) return unreachedPath(path);
      const before = await snapshot(recv);
      await this.sleep(plan.measureMs);
      const after = await snapshot(recv);
      const seconds = (after.at - before.at) / 1000;
      const lossOf = (b: Snapshot['video'] | Snapshot['audio'], a: typeof b) => {
        const lost = Math.max(0, a.lost - b.lost);
        const total = lost + Math.max(0, a.packets - b.packets);
        return total > 0 ? (100 * lost) / total : null;
      };
      const losses = [lossOf(before.video, after.video), lossOf(before.audio, after.audio)].filter(
        (v): v is number => v !== null,
      );
      const jitters = [after.video.jitter, after.audio.jitter].filter(
        (v): v is number => v !== null,
      );
      return {
        path,
        reached: true,
        timeToFirstFrameMs: Math.round(firstFrameAt - startedAt),
        rttMs: await sendRtt(send),
        jitterMs: jitters.length ? round1(Math.max(...jitters) * 1000) : null,
        lossPct: losses.length ? round1(Math.max(...losses)) : null,
        videoKbps:
          seconds > 0
            ? Math.round(((after.video.bytes - before.video.bytes) * 8) / seconds / 1000)
            : null,
        audioKbps:
          seconds > 0
            ? Math.round(((after.audio.bytes - before.audio.bytes) * 8) / seconds / 1000)
            : null,
      };
    } catch (error) {
      if (this.aborted) throw error;
      // A path the browser could not set up (no relay candidate, refused parameters) is not
      // reached; the others are still tried.
      return unreachedPath(path);
    }
  }

  /** When the first looped frame was decoded (performance.now()), or null past `until`. */
  private async firstFrame(recv: ms.Transport, until: number): Promise<number | null> {
    while (performance.now() < until) {
      this.checkAborted();
      const s = await snapshot(recv);
      if (s.video.frames > 0) return s.at;
      await this.sleep(POLL_MS);
    }
    return null;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}

async function snapshot(recv: ms.Transport): Promise<Snapshot> {
  const report = await recv.getStats();
  const s: Snapshot = {
    at: performance.now(),
    video: { frames: 0, packets: 0, lost: 0, bytes: 0, jitter: null },
    audio: { packets: 0, lost: 0, bytes: 0, jitter: null },
  };
  report.forEach((stat: RtpStat) => {
    if (stat.type !== 'inbound-rtp' || (stat.kind !== 'video' && stat.kind !== 'audio')) return;
    const into = s[stat.kind];
    into.packets += stat.packetsReceived ?? 0;
    into.lost += stat.packetsLost ?? 0;
    into.bytes += stat.bytesReceived ?? 0;
    if (typeof stat.jitter === 'number') into.jitter = stat.jitter;
    if (stat.kind === 'video') s.video.frames += stat.framesDecoded ?? 0;
  });
  return s;
}

/** The send side's round trip: RTCP's (remote-inbound-rtp), else the selected ICE pair's, in ms. */
async function sendRtt(send: ms.Transport): Promise<number | null> {
  try {
    const report = await send.getStats();
    const rtcp: number[] = [];
    let selectedId: string | undefined;
    const pairs = new Map<string, RtpStat>();
    report.forEach((stat: RtpStat) => {
      if (stat.type === 'remote-inbound-rtp' && typeof stat.roundTripTime === 'number')
        rtcp.push(stat.roundTripTime);
      if (stat.type === 'transport' && stat.selectedCandidatePairId)
        selectedId = stat.selectedCandidatePairId;
      if (stat.type === 'candidate-pair') pairs.set(stat.id, stat);
    });
    const pair =
      (selectedId && pairs.get(selectedId)) ||
      [...pairs.values()].find((p) => p.nominated && p.state === 'succeeded');
    const seconds = rtcp.length ? Math.max(...rtcp) : pair?.currentRoundTripTime;
    return typeof seconds === 'number' ? Math.min(60_000, round1(seconds * 1000)) : null;
  } catch {
    return null;
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
