import type { types as ms } from 'mediasoup-client';
import {
  kioskLinkTestRequests,
  LINK_PROBE_PHASE,
  type LinkPath,
  type LinkProbePath,
  type LinkTestPlan,
  type LinkTestResult,
} from '../protocol';
import { loadDevice } from './MediasoupDevices';
import type { SignallingClient } from './SignallingClient';

interface OpenPath {
  path: LinkPath;
  transport: ms.Transport;
  channel: ms.DataProducer;
}

/** What the browser sends while a phase runs stays below this in its buffer (SCTP paces it). */
const MAX_BUFFERED_BYTES = 256 * 1024;
/** After the throughput phase, how long what is still buffered may take to leave. */
const DRAIN_MS = 2_000;
const PATH_ORDER: readonly LinkPath[] = ['udp', 'tcp', 'turn'];

/**
 * The kiosk's side of the pre-call link test (docs/link-test.md): one send transport per path the
 * server offers (the TURN path relay-only), each with an unordered, never-retransmitted data
 * channel. The paths whose channel opens are reachable; the loss and throughput phases run on the
 * first reachable of UDP, TCP, TURN (the path a call would take); each reachable path's round trip
 * is read from its selected ICE pair. The server counts what arrived and grades. `abort()` closes
 * everything (the server closes its side at its deadline anyway).
 */
export class LinkTester {
  private readonly transports: ms.Transport[] = [];
  private aborted = false;

  constructor(private readonly signalling: SignallingClient) {}

  async run(): Promise<LinkTestResult> {
    try {
      const started = await this.signalling.request(kioskLinkTestRequests.start, {});
      const device = await loadDevice(started.rtpCapabilities);
      this.checkAborted();
      const opened = await Promise.all(
        started.paths.map((p) => this.open(device, started.testId, p, started.plan)),
      );
      this.checkAborted();
      const open = opened.filter((p): p is OpenPath => p !== undefined);
      const measured = PATH_ORDER.map((path) => open.find((p) => p.path === path)).find(Boolean);
      let lossSent = 0;
      if (measured) {
        lossSent = await this.lossPhase(measured.channel, started.plan);
        await this.throughputPhase(measured.channel, started.plan);
      }
      const rttMs = { udp: null, tcp: null, turn: null } as Record<LinkPath, number | null>;
      for (const p of open) rttMs[p.path] = await selectedPairRtt(p.transport);
      this.checkAborted();
      const { result } = await this.signalling.request(kioskLinkTestRequests.finish, {
        testId: started.testId,
        measuredPath: measured?.path ?? null,
        rttMs,
        lossSent,
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
    for (const t of this.transports.splice(0)) if (!t.closed) t.close();
  }

  private checkAborted(): void {
    if (this.aborted) throw new Error('link test aborted');
  }

  /** Connects one path; resolves with its open channel, or undefined if it did not open in time. */
  private async open(
    device: ms.Device,
    testId: string,
    info: LinkProbePath,
    plan: LinkTestPlan,
  ): Promise<OpenPath | undefined> {
    const transport = device.createSendTransport({
      id: info.transportId,
      iceParameters: info.iceParameters as unknown as ms.IceParameters,
      iceCandidates: info.iceCandidates as unknown as ms.IceCandidate[],
      dtlsParameters: info.dtlsParameters as unknown as ms.DtlsParameters,
      sctpParameters: info.sctpParameters as unknown as ms.SctpParameters,
      // Direct paths must not wander through a relay; the TURN path must use nothing else.
      iceServers: (info.iceServers ?? []) as unknown as RTCIceServer[],
      iceTransportPolicy: info.path === 'turn' ? 'relay' : 'all',
    });
    this.transports.push(transport);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.signalling
        .request(kioskLinkTestRequests.connect, {
          testId,
          path: info.path,
          dtlsParameters: dtlsParameters as never,
        })
        .then(() => callback(), errback);
    });
    transport.on('producedata', ({ sctpStreamParameters }, callback, errback) => {
      this.signalling
        .request(kioskLinkTestRequests.produceData, {
          testId,
          path: info.path,
          sctpStreamParameters: {
            streamId: sctpStreamParameters.streamId ?? 0,
            ordered: false,
            maxRetransmits: 0,
          },
          label: 'probe',
        })
        .then(({ dataProducerId }) => callback({ id: dataProducerId }), errback);
    });
    try {
      const channel = await transport.produceData({
        ordered: false,
        maxRetransmits: 0,
        label: 'probe',
      });
      const opened = await new Promise<boolean>((resolve) => {
        if (channel.readyState === 'open') return resolve(true);
        const timer = setTimeout(() => resolve(false), plan.connectTimeoutMs);
        channel.on('open', () => {
          clearTimeout(timer);
          resolve(true);
        });
        channel.on('error', () => {
          clearTimeout(timer);
          resolve(false);
        });
      });
      return opened ? { path: info.path, transport, channel } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Audio-like messages at a steady beat; the server counts the gaps. Answers how many left. */
  private lossPhase(channel: ms.DataProducer, plan: LinkTestPlan): Promise<number> {
    return new Promise((resolve) => {
      let seq = 0;
      const timer = setInterval(() => {
        if (this.aborted || channel.closed || seq >= plan.lossMessages) {
          clearInterval(timer);
          resolve(seq);
          return;
        }
        channel.send(probeMessage(LINK_PROBE_PHASE.loss, seq, plan.lossMessageBytes));
        seq += 1;
      }, plan.lossIntervalMs);
    });
  }

  /** As fast as the link takes it, paced to the plan's cap, then what is buffered drains. */
  private async throughputPhase(channel: ms.DataProducer, plan: LinkTestPlan): Promise<void> {
    const size = plan.throughputMessageBytes;
    const started = performance.now();
    let sentBytes = 0;
    let seq = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const elapsed = performance.now() - started;
        if (this.aborted || channel.closed || elapsed >= plan.throughputMs) {
          clearInterval(timer);
          resolve();
          return;
        }
        const allowed = (plan.maxKbps * elapsed) / 8;
        while (sentBytes + size <= allowed && channel.bufferedAmount < MAX_BUFFERED_BYTES) {
          channel.send(probeMessage(LINK_PROBE_PHASE.throughput, seq, size));
          seq += 1;
          sentBytes += size;
        }
      }, 10);
    });
    const drainUntil = performance.now() + DRAIN_MS;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (this.aborted || channel.closed || channel.bufferedAmount === 0) {
          clearInterval(timer);
          resolve();
        } else if (performance.now() > drainUntil) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
    });
  }
}

function probeMessage(phase: number, seq: number, size: number): ArrayBuffer {
  const buffer = new ArrayBuffer(size);
  const view = new DataView(buffer);
  view.setUint8(0, phase);
  view.setUint32(1, seq);
  return buffer;
}

/** The fields of `transport` and `candidate-pair` stats read here. */
interface IceStat {
  type: string;
  id: string;
  selectedCandidatePairId?: string;
  currentRoundTripTime?: number;
  nominated?: boolean;
  state?: string;
}

/** The round trip of the transport's selected ICE pair (the browser's STUN checks), in ms. */
async function selectedPairRtt(transport: ms.Transport): Promise<number | null> {
  try {
    const report = await transport.getStats();
    let selectedId: string | undefined;
    const pairs = new Map<string, IceStat>();
    report.forEach((stat: IceStat) => {
      if (stat.type === 'transport' && stat.selectedCandidatePairId)
        selectedId = stat.selectedCandidatePairId;
      if (stat.type === 'candidate-pair') pairs.set(stat.id, stat);
    });
    const pair =
      (selectedId && pairs.get(selectedId)) ||
      [...pairs.values()].find((p) => p.nominated && p.state === 'succeeded');
    const rtt = pair?.currentRoundTripTime;
    return typeof rtt === 'number' ? Math.min(60_000, Math.round(rtt * 1000)) : null;
  } catch {
    return null;
  }
}
