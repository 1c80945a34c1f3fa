/**
 * Child process of the monitoring-overhead benchmark: one real `VisioServer` (one media worker,
 * its own temporary data directory) holding `BENCH_CALLS` calls, each fed with RTP through
 * PlainTransports. `BENCH_MODE=off` stops the server's MonitoringModule right after start (the
 * server has no switch for it); `on` leaves it running as in production (no technician console is
 * connected, unless BENCH_WATCHED=1). Talks to run.ts over IPC.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Consumer, PlainTransport, Producer, Router, RtpCapabilities } from 'mediasoup/types';
import { VisioServer, createLogger, loadConfig } from '@visio/server';

import {
  AUDIO_PT,
  VIDEO_PT,
  type ChildReady,
  type ChildStats,
  type ParentRequest,
  type SideFeed,
} from './protocol';

const CHEAP_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };

const mode = process.env.BENCH_MODE === 'off' ? 'off' : 'on';
const calls = Number(process.env.BENCH_CALLS ?? 20);
const sinkPort = Number(process.env.BENCH_SINK_PORT);
// Requests the server makes to its worker, by method: what monitoring asks of it (the benchmark's
// own setup and stats requests are left out: counting pauses around them). Every request passes
// through mediasoup's internal Channel, which its package exports hide: loaded by file, the same
// module instance the server uses (CommonJS caches by path). Methods are flatbuffers enum numbers;
// they are counted under the names mediasoup 3.12 sent as strings (CONSUMER_GET_STATS ->
// consumer.getStats), the keys of `worker_requests_per_s` in earlier results.
const requireCjs = createRequire(import.meta.url);
const mediasoupLib = path.dirname(requireCjs.resolve('mediasoup'));
type RequestFn = (method: number, ...rest: unknown[]) => Promise<unknown>;
const { Channel } = requireCjs(path.join(mediasoupLib, 'Channel.js')) as {
  Channel: { prototype: { request: RequestFn } };
};
const { Method } = requireCjs(path.join(mediasoupLib, 'fbs/request/method.js')) as {
  Method: Record<number, string>;
};
const workerRequests: Record<string, number> = {};
let countRequests = false;
const request = Channel.prototype.request;
Channel.prototype.request = function (this: unknown, method, ...rest) {
  if (countRequests) {
    const name = methodName(Method[method] ?? String(method));
    workerRequests[name] = (workerRequests[name] ?? 0) + 1;
  }
  return request.call(this, method, ...rest);
};

function methodName(flatbuffersName: string): string {
  const [owner = '', ...words] = flatbuffersName.toLowerCase().split('_');
  if (words.length === 0) return flatbuffersName;
  return `${owner}.${words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('')}`;
}

const send = (message: ChildReady | ChildStats | { type: 'stopped' }) => process.send!(message);

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `visio-monbench-${mode}-`));
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    MEDIA_WORKERS: '1',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    DEMO_SEED: 'false',
    TIMEZONE: 'Europe/Paris',
  });
  const server = await VisioServer.start(config, createLogger(config.logLevel), {
    passwordCost: CHEAP_SCRYPT,
  });
  if (mode === 'off') await server.monitoring.stop();
  // BENCH_WATCHED=1: as if a technician had the console open (live sampling at full rate; the
  // console's events are encoded for a room without sockets, which costs as much as one).
  else if (process.env.BENCH_WATCHED === '1') server.monitoring.setConsoleAudience(() => 1);

  // The call's router, as mediasoup's observer hands it out (MediaRoom keeps it private).
  const routers = new Map<string, Router>();
  const worker = server.pool.liveWorkers[0]!;
  worker.observer.on('newrouter', (router) => {
    if (typeof router.appData.roomId === 'string') routers.set(router.appData.roomId, router);
  });

  const db = server.store.db;
  const site = randomUUID();
  const at = new Date().toISOString();
  await db
    .insertInto('sites')
    .values({
      id: site,
      name: 'Bench site',
      timezone: 'Europe/Paris',
      opening_hours: '{}',
      created_at: at,
    })
    .execute();

  const transports: PlainTransport[] = [];
  const producers: Producer[] = [];
  const consumers: Consumer[] = [];
  const feeds: SideFeed[] = [];
  let ssrc = 1000;
  for (let i = 0; i < calls; i++) {
    const issued = await server.auth.enrolment.createKiosk(
      { name: `Kiosk ${i}`, siteId: site },
      { kind: 'system' },
    );
    const enrolled = await server.auth.enrolment.enrol(issued.enrolmentCode, `bench-${i}`);
    const kioskId = enrolled.kioskId;
    await server.auth.accounts.create({
      name: `Advisor ${i}`,
      login: `advisor${i}`,
      password: 'bench-password',
      roles: ['advisor'],
      serviceIds: [],
    });
    const session = await server.auth.sessions.login({
      login: `advisor${i}`,
      password: 'bench-password',
      client: `bench-${i}`,
    });
    const advisor = await server.auth.directory.authenticateStaff(session.token);
    if (!advisor) throw new Error('advisor session not accepted');
    server.presence.connected(kioskId);
    const call = await server.calls.startCall(advisor, kioskId);
    const router = routers.get(call.id);
    if (!router) throw new Error(`no router seen for call ${call.id}`);

    // Each side: audio and video producers (one comedia transport each, as ffmpeg sends each
    // stream from its own socket), and one transport consuming the other side's producers.
    const sideProducers: Producer[][] = [];
    for (const peerId of [kioskId, advisor.staffId]) {
      const plain = async (comedia: boolean) => {
        // ffmpeg sends RTCP from another socket than RTP, and first: no RTCP mux with comedia.
        const t = await router.createPlainTransport({
          listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
          rtcpMux: false,
          comedia,
          appData: { peerId },
        });
        transports.push(t);
        return t;
      };
      const feed: SideFeed = {
        videoPort: 0,
        videoRtcpPort: 0,
        videoSsrc: ssrc++,
        audioPort: 0,
        audioRtcpPort: 0,
        audioSsrc: ssrc++,
      };
      const videoIn = await plain(true);
      const audioIn = await plain(true);
      feed.videoPort = videoIn.tuple.localPort;
      feed.audioPort = audioIn.tuple.localPort;
      feed.videoRtcpPort = videoIn.rtcpTuple!.localPort;
      feed.audioRtcpPort = audioIn.rtcpTuple!.localPort;
      const video = await videoIn.produce({
        kind: 'video',
        rtpParameters: {
          codecs: [{ mimeType: 'video/VP8', payloadType: VIDEO_PT, clockRate: 90000 }],
          encodings: [{ ssrc: feed.videoSsrc }],
        },
        appData: { peerId, source: 'camera' },
      });
      const audio = await audioIn.produce({
        kind: 'audio',
        rtpParameters: {
          codecs: [
            { mimeType: 'audio/opus', payloadType: AUDIO_PT, clockRate: 48000, channels: 2 },
          ],
          encodings: [{ ssrc: feed.audioSsrc }],
        },
        appData: { peerId, source: 'microphone' },
      });
      producers.push(video, audio);
      sideProducers.push([video, audio]);
      feeds.push(feed);
    }
    const peers = [kioskId, advisor.staffId];
    for (let side = 0; side < 2; side++) {
      const peerId = peers[side]!;
      const out = await router.createPlainTransport({
        listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
        rtcpMux: true,
        comedia: false,
        appData: { peerId },
      });
      await out.connect({ ip: '127.0.0.1', port: sinkPort });
      transports.push(out);
      for (const producer of sideProducers[1 - side]!) {
        const consumer = await out.consume({
          producerId: producer.id,
          rtpCapabilities: router.rtpCapabilities as RtpCapabilities,
          appData: { peerId },
        });
        consumers.push(consumer);
      }
    }
  }
  countRequests = true;
  // A CPU profile of the steady state only (calls set up, RTP flowing), written at 'stop'.
  const profile = process.env.BENCH_CPU_PROF;
  const inspector = profile ? new Session() : undefined;
  if (inspector) {
    inspector.connect();
    await inspector.post('Profiler.enable');
    await inspector.post('Profiler.start');
  }
  send({ type: 'ready', workerPid: worker.pid, feeds });

  process.on('disconnect', () => {
    // The parent went away: leave nothing behind.
    void server.stop().finally(() => {
      fs.rmSync(dataDir, { recursive: true, force: true });
      process.exit(1);
    });
  });
  process.on('message', (request: ParentRequest) => {
    void (async () => {
      if (request.cmd === 'stats') {
        const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
        const requests = { ...workerRequests };
        countRequests = false;
        const inStats = await Promise.all(producers.map((p) => p.getStats()));
        const outStats = await Promise.all(consumers.map((c) => c.getStats()));
        const tStats = await Promise.all(transports.map((t) => t.getStats()));
        countRequests = true;
        const samples = server.monitoring.quality.latestSamples();
        send({
          type: 'stats',
          packetsIn: sum(inStats.flat().map((s) => (s.type === 'inbound-rtp' ? s.packetCount : 0))),
          packetsOut: sum(
            outStats.flat().map((s) => (s.type === 'outbound-rtp' ? s.packetCount : 0)),
          ),
          transportBytesIn: sum(tStats.flat().map((s) => s.bytesReceived)),
          transportBytesOut: sum(tStats.flat().map((s) => s.bytesSent)),
          sampledCalls: samples.length,
          exampleSample: samples[0] ?? null,
          workerRequests: requests,
          healthWorker: mode === 'on' ? (server.monitoring.health.latest?.workers ?? null) : null,
        });
      } else if (request.cmd === 'stop') {
        if (inspector && profile) {
          const { profile: data } = await inspector.post('Profiler.stop');
          fs.writeFileSync(profile, JSON.stringify(data));
          inspector.disconnect();
        }
        await server.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
        send({ type: 'stopped' });
        process.exit(0);
      }
    })().catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
