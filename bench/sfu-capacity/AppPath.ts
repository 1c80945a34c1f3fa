import { randomUUID } from 'node:crypto';
import type { SignallingClient } from '@visio/shared/client';
import {
  CreatedAppointmentSchema,
  RtpParametersSchema,
  kioskSchedulingRequests,
  mediaRequests,
  staffSchedulingRequests,
} from '@visio/shared/protocol';
import type { types } from 'mediasoup';
import { connectClient } from '../../test/support/socketClient';
import { enrolKiosk, startTestServer, type TestServer } from '../../test/support/testServer';
import { clientDtls, producerParameters, sendSpec, transportTarget } from './BareCall';
import type { CallEndpoints, CapacityPath } from './CapacityPath';

type TransportAnswer = Parameters<typeof transportTarget>[0];

/** A citizen checked in at a kiosk of their own for an advisor of their own: ready to admit. */
export interface BookedCall {
  index: number;
  appointmentId: string;
  kiosk: SignallingClient;
  advisor: SignallingClient;
}

/**
 * Through the application: a VisioServer in this process started as bench/call-setup starts it
 * (startTestServer: one media worker, default stats sampling and monitoring), and per call a real
 * kiosk and a real advisor (enrolled, logged in), an appointment booked over REST by the
 * scheduler, check-in at the kiosk, admit by the advisor, then each party's media:* requests over
 * socket.io as the call engine sends them; the generator carries each party's media.
 */
export class AppPath implements CapacityPath {
  private readonly clients: SignallingClient[] = [];

  private constructor(
    private readonly t: TestServer,
    private readonly kbps: number,
    readonly name: 'app' | 'app-webrtcserver' | 'app-2workers',
  ) {}

  /**
   * `env` adds to the test server's configuration. Admission control is off unless `env` sets
   * MEDIA_WORKER_MAX_CPU: the ramp measures how many calls the worker carries, not where the
   * server stops taking them.
   */
  static async start(kbps: number, env: Record<string, string> = {}): Promise<AppPath> {
    const name = env.WEBRTC_SERVER_PORT
      ? 'app-webrtcserver'
      : env.MEDIA_WORKERS === '2'
        ? 'app-2workers'
        : 'app';
    return new AppPath(await startTestServer({ MEDIA_WORKER_MAX_CPU: '1', ...env }), kbps, name);
  }

  /** The server under test (its store and metrics, for checks). */
  get server(): TestServer['server'] {
    return this.t.server;
  }

  get workerPids(): readonly number[] {
    const pids = this.t.server.pool.liveWorkers.map((worker) => worker.pid);
    if (pids.length === 0) throw new Error('the server has no live media worker');
    return pids;
  }

  async addCall(index: number, fingerprint: string): Promise<CallEndpoints> {
    return this.admit(await this.book(index), fingerprint);
  }

  /** Enrols kiosk `index` and an advisor, books their appointment and checks the citizen in. */
  async book(index: number): Promise<BookedCall> {
    const { t } = this;
    const kioskParty = await enrolKiosk(t.server, `Bench kiosk ${index}`, t.site);
    const login = `bench-${index}`;
    const account = await t.server.auth.accounts.create({
      name: `Bench advisor ${index}`,
      login,
      password: 'bench-password',
      roles: ['advisor'],
      serviceIds: [t.serviceA],
    });
    const session = await t.server.auth.sessions.login({
      login,
      password: 'bench-password',
      client: login,
    });
    const kiosk = await connectClient(t.url, '/kiosk', kioskParty.token);
    const advisor = await connectClient(t.url, '/staff', session.token);
    this.clients.push(kiosk, advisor);

    const booked = CreatedAppointmentSchema.parse(
      await this.rest('/api/appointments', {
        serviceId: t.serviceA,
        advisorId: account.staffId,
        kioskId: kioskParty.id,
        durationMin: 30,
        citizenRef: `REF-${randomUUID().slice(0, 8)}`,
        startsAt: new Date(Date.now() + 5 * 60_000).toISOString(),
      }),
    );
    await kiosk.request(kioskSchedulingRequests.checkIn, { code: booked.checkInCode });
    return { index, appointmentId: booked.appointment.id, kiosk, advisor };
  }

  /**
   * The advisor admits the citizen (rejects as the server refuses it), then each party sets up
   * its media as the call engine does; the generator's endpoints for them are returned.
   */
  async admit(
    { index, appointmentId, kiosk, advisor }: BookedCall,
    fingerprint: string,
  ): Promise<CallEndpoints> {
    const { callId } = await advisor.request(staffSchedulingRequests.admit, { appointmentId });

    const parties = [];
    for (const [n, c] of [kiosk, advisor].entries()) {
      const { rtpCapabilities } = await c.request(mediaRequests.routerCapabilities, { callId });
      const caps = rtpCapabilities as types.RtpCapabilities;
      await c.request(mediaRequests.join, { callId, rtpCapabilities, mediaEpoch: 0 });
      const send = await c.request(mediaRequests.createTransport, { callId, direction: 'send' });
      const recv = await c.request(mediaRequests.createTransport, { callId, direction: 'recv' });
      for (const transport of [send, recv])
        await c.request(mediaRequests.connectTransport, {
          callId,
          transportId: transport.transportId,
          dtlsParameters: clientDtls(fingerprint),
        });
      const ssrc = { video: 200_000 + index * 10 + n * 2, audio: 200_001 + index * 10 + n * 2 };
      const params = producerParameters(caps, ssrc);
      const producers = [];
      for (const [kind, source] of [
        ['video', 'camera'],
        ['audio', 'microphone'],
      ] as const) {
        const { producerId } = await c.request(mediaRequests.produce, {
          callId,
          transportId: send.transportId,
          kind,
          rtpParameters: RtpParametersSchema.parse(params[kind]),
          source,
        });
        producers.push(producerId);
      }
      parties.push({ c, caps, ssrc, producers, send, recv });
    }
    const consumerSsrcs: number[] = [];
    const [kioskSide, advisorSide] = parties as [(typeof parties)[0], (typeof parties)[0]];
    for (const [me, other] of [
      [kioskSide, advisorSide],
      [advisorSide, kioskSide],
    ] as const) {
      for (const producerId of other.producers) {
        const consumer = await me.c.request(mediaRequests.consume, { callId, producerId });
        const rtp = consumer.rtpParameters as types.RtpParameters;
        consumerSsrcs.push(rtp.encodings![0]!.ssrc!);
        await me.c.request(mediaRequests.resumeConsumer, {
          callId,
          consumerId: consumer.consumerId,
        });
      }
    }
    return {
      endpoints: parties.flatMap((p) => [
        {
          ...transportTarget(p.send as unknown as TransportAnswer),
          send: sendSpec(p.caps, p.ssrc, this.kbps),
        },
        transportTarget(p.recv as unknown as TransportAnswer),
      ]),
      consumerSsrcs,
    };
  }

  private async rest(path: string, body: unknown): Promise<unknown> {
    const res = await fetch(`${this.t.url}${path}`, {
      method: 'POST',
      headers: {
        Cookie: `visio_session=${this.t.scheduler.token}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`POST ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as unknown;
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.socket.close();
    await this.t.stop();
  }
}
