import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext } from 'playwright-core';
import { z } from 'zod';
import type { SignallingClient } from '@visio/shared/client';
import {
  AlertSchema,
  AppError,
  CallHistoryEntrySchema,
  HealthSnapshotSchema,
  LiveCallSchema,
  kioskSchedulingRequests,
  staffMonitoringRequests,
  staffSchedulingRequests,
  type Alert,
  type CallHistoryEntry,
  type HealthSnapshot,
  type LiveCall,
} from '@visio/shared/protocol';
import { AdvisorPage } from '../e2e/pages/AdvisorPage';
import { KioskPage } from '../e2e/pages/KioskPage';
import { bookAppointment } from '../e2e/support/booking';
import {
  CHROMIUM,
  inboundMedia,
  launchChromium,
  newMachine,
  peerConnectionReport,
  pollUntil,
} from '../e2e/support/browser';
import { NetworkNamespace } from '../support/NetworkNamespace';
import { ServerProcess } from '../support/ServerProcess';
import { connectClient } from '../support/socketClient';
import { readPage } from './pageProbes';
import { advisorView, kioskView, partyStates, serverView, type PartyStates } from './PartyStates';

/**
 * Two workers, as `npm start` gives on this 2-core machine: a worker fault leaves a live worker
 * for the call to move to.
 */
export const MEDIA_WORKERS = 2;
/** Each step of setting up a call (page load, check-in, admission, first media) is bounded by this. */
const STEP_TIMEOUT_MS = 30_000;
/** After a fault the pool respawns dead workers with a back-off that grows up to 30 s. */
const FULL_STRENGTH_TIMEOUT_MS = 40_000;
const LIVE_CALLS = z.object({ calls: z.array(LiveCallSchema) });
const ALERTS = z.object({ active: z.array(AlertSchema), history: z.array(AlertSchema) });
const CALL_HISTORY = z.object({ calls: z.array(CallHistoryEntrySchema) });

/** One call of a trial: its appointment, the two pages, and where the server put its media. */
export interface RigCall {
  appointmentId: string;
  callId: string;
  workerPid: number;
  kiosk: KioskPage;
  advisor: AdvisorPage;
  contexts: BrowserContext[];
}

/** A second citizen waiting for another advisor, driven through the socket API. */
export interface WaitingCitizen {
  appointmentId: string;
  /** The advisor tries to admit them: whether they got in, and the server's answer. */
  tryAdmit(): Promise<{ admitted: boolean; answer: string }>;
  close(): void;
}

/**
 * The stage of every fault: the server as a child process (`ServerProcess`), the kiosk's
 * Chromium inside a network namespace joined to the host by a veth pair (`NetworkNamespace`), the
 * advisor's Chromium on the host. The server listens, HTTP and media, on the host's end of the
 * pair; both browsers reach it there and treat that plain-http origin as secure (camera access).
 * Every fault runs in this same topology, so that their figures compare.
 *
 * A trial: `startCall()` (book, check in and admit through the real UI, media both ways), the
 * fault, then `endTrial()`, which brings the server back to a clean state (no call, no citizen
 * waiting, every media worker alive) for the next one.
 */
export class CallRig {
  private constructor(
    readonly network: NetworkNamespace,
    readonly server: ServerProcess,
    private readonly kioskBrowser: Browser,
    private readonly advisorBrowser: Browser,
  ) {}

  /**
   * `network`: a namespace the caller made (and may have started more on, such as a TURN relay);
   * the rig takes it over and destroys it on close. `serverEnv` adds configuration;
   * `browserArgs` go to both Chromiums after the usual flags (e.g. a faster fake camera), and
   * `kioskArgs` to the kiosk's only.
   */
  static async open(
    options: {
      network?: NetworkNamespace;
      serverEnv?: Record<string, string>;
      browserArgs?: readonly string[];
      kioskArgs?: readonly string[];
    } = {},
  ): Promise<CallRig> {
    const network = options.network ?? (await NetworkNamespace.create());
    let server: ServerProcess | undefined;
    const browsers: Browser[] = [];
    try {
      server = await ServerProcess.start({
        host: network.hostAddress,
        env: { MEDIA_WORKERS: String(MEDIA_WORKERS), ...options.serverEnv },
      });
      const args = [
        `--unsafely-treat-insecure-origin-as-secure=${server.url}`,
        ...(options.browserArgs ?? []),
      ];
      browsers.push(
        await launchChromium({
          executablePath: network.chromiumWrapper(CHROMIUM),
          args: [...args, ...(options.kioskArgs ?? [])],
        }),
      );
      browsers.push(await launchChromium({ args }));
      return new CallRig(network, server, browsers[0]!, browsers[1]!);
    } catch (error) {
      for (const browser of browsers) await browser.close();
      await server?.close();
      await network.destroy();
      throw error;
    }
  }

  get fixtures() {
    return this.server.fixtures;
  }

  get chromiumVersion(): string {
    return this.advisorBrowser.version();
  }

  /** Books, checks in at the kiosk, admits from the agenda; resolves once media flows both ways. */
  async startCall(): Promise<RigCall> {
    const call = await this.admitCall();
    try {
      const flowing = (m: { framesDecoded: number; audioPacketsReceived: number }) =>
        m.framesDecoded > 30 && m.audioPacketsReceived > 50;
      const media = await Promise.all(
        [call.kiosk.page, call.advisor.page].map((page) =>
          pollUntil(() => inboundMedia(page), flowing, STEP_TIMEOUT_MS),
        ),
      );
      if (!media.every(flowing)) {
        const reports = await Promise.all([
          peerConnectionReport(call.kiosk.page),
          peerConnectionReport(call.advisor.page),
        ]);
        throw new Error(
          `the call's media did not flow both ways: ${JSON.stringify(media)}\n` +
            `kiosk: ${reports[0]}\nadvisor: ${reports[1]}\nserver:\n${this.server.logTail(60)}`,
        );
      }
      return call;
    } catch (error) {
      for (const context of call.contexts) await context.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Books, checks in at the kiosk, admits from the agenda; resolves once both parties show their
   * call screen and the server lists the call, whether or not its media ever flows.
   */
  async admitCall(): Promise<RigCall> {
    const f = this.fixtures;
    const { appointmentId, code } = await bookAppointment(
      { url: this.server.url, scheduler: f.scheduler },
      { kioskId: f.kiosk.id, advisorId: f.advisor.id, serviceId: f.serviceA },
    );
    const kioskMachine = await newMachine(this.kioskBrowser, {
      viewport: { width: 1080, height: 1920 },
    });
    const advisorMachine = await newMachine(this.advisorBrowser);
    const contexts = [kioskMachine.context, advisorMachine.context];
    for (const context of contexts) context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const kiosk = new KioskPage(kioskMachine.page);
    const advisor = new AdvisorPage(advisorMachine.page);
    try {
      await kiosk.open(this.server.url, f.kiosk.token);
      await kiosk.screen('welcome').waitFor();
      await advisor.open(this.server.url, f.advisor.token);
      await advisor.agenda().waitFor();
      await kiosk.checkIn(code);
      await kiosk.screen('waiting').waitFor();
      await advisor.admit(appointmentId);
      await kiosk.screen('call').waitFor();
      await advisor.callView().waitFor();
      const live = (await this.liveCalls())?.find((c) => this.isOurs(c));
      if (!live) throw new Error('the server lists no live call for the kiosk and the advisor');
      return {
        appointmentId,
        callId: live.callId,
        workerPid: live.workerPid,
        kiosk,
        advisor,
        contexts,
      };
    } catch (error) {
      for (const context of contexts) await context.close().catch(() => undefined);
      throw error;
    }
  }

  /** The server's live calls (technician API), or null when the server does not answer. */
  async liveCalls(): Promise<LiveCall[] | null> {
    return (await this.getJson('/api/monitoring/calls/live', LIVE_CALLS))?.calls ?? null;
  }

  /** The console's alerts, active ones first (technician API), or null when the server does not answer. */
  async alerts(): Promise<Alert[] | null> {
    const alerts = await this.getJson('/api/monitoring/alerts', ALERTS);
    return alerts && [...alerts.active, ...alerts.history];
  }

  /** The calls' history, newest first (technician API), or null when the server does not answer. */
  async callHistory(): Promise<CallHistoryEntry[] | null> {
    return (await this.getJson('/api/monitoring/calls/history', CALL_HISTORY))?.calls ?? null;
  }

  /** The server's health (technician API), or null when the server does not answer. */
  health(): Promise<HealthSnapshot | null> {
    return this.getJson('/api/monitoring/health', HealthSnapshotSchema);
  }

  /** Whether a live call is the one between the fixture kiosk and advisor. */
  isOurs(call: LiveCall): boolean {
    return call.kioskId === this.fixtures.kiosk.id && call.advisorId === this.fixtures.advisor.id;
  }

  /**
   * An appointment's status in the server's database. Read from the file (read-only), so that it
   * is known while no server process runs too.
   */
  appointmentStatus(appointmentId: string): string {
    return (
      this.query<{ status: string }>(
        'SELECT status FROM appointments WHERE id = ?',
        appointmentId,
      )[0]?.status ?? 'missing'
    );
  }

  /** What the kiosk, the advisor and the server say of the call's appointment now. */
  async states(call: RigCall): Promise<PartyStates> {
    const [kiosk, advisor, live] = await Promise.all([
      readPage(call.kiosk.page, call.appointmentId),
      readPage(call.advisor.page, call.appointmentId),
      this.server.running ? this.liveCalls() : Promise.resolve(null),
    ]);
    return partyStates(
      kioskView(kiosk),
      advisorView(advisor),
      serverView(
        this.appointmentStatus(call.appointmentId),
        live === null ? null : live.some((c) => this.isOurs(c)),
      ),
    );
  }

  /**
   * The parties' states once they have had `timeoutMs` to agree: parties learn of a change one
   * after the other, so the first reading after a fault may catch one of them on its way.
   */
  async settledStates(call: RigCall, timeoutMs = 10_000): Promise<PartyStates> {
    return pollUntil(
      () => this.states(call),
      (states) => states.agree,
      timeoutMs,
    );
  }

  /**
   * A second citizen checked in at the second kiosk for the second advisor, both through the
   * socket API (the UI is not the point of this one): for admissions attempted during a drain.
   */
  async waitingCitizen(): Promise<WaitingCitizen> {
    const f = this.fixtures;
    const { appointmentId, code } = await bookAppointment(
      { url: this.server.url, scheduler: f.scheduler },
      { kioskId: f.kiosk2.id, advisorId: f.advisor2.id, serviceId: f.serviceA },
    );
    const clients: SignallingClient[] = [];
    try {
      const kiosk = await connectClient(this.server.url, '/kiosk', f.kiosk2.token);
      clients.push(kiosk);
      await kiosk.request(kioskSchedulingRequests.checkIn, { code });
      const advisor = await connectClient(this.server.url, '/staff', f.advisor2.token);
      clients.push(advisor);
      return {
        appointmentId,
        tryAdmit: async () => {
          try {
            const { callId } = await advisor.request(staffSchedulingRequests.admit, {
              appointmentId,
            });
            return { admitted: true, answer: `admitted (call ${callId})` };
          } catch (error) {
            const e = error as AppError;
            return {
              admitted: false,
              answer: e instanceof AppError ? `${e.code}: ${e.message}` : String(error),
            };
          }
        },
        close: () => {
          for (const client of clients) client.socket.close();
        },
      };
    } catch (error) {
      for (const client of clients) client.socket.close();
      throw error;
    }
  }

  /**
   * After a trial: closes its pages and brings the server back to a clean state: running and
   * ready, no call, no citizen waiting or booked, every media worker alive. Returns what it had
   * to do beyond the usual, for the trial's notes.
   */
  async endTrial(call: RigCall | undefined): Promise<string[]> {
    const notes: string[] = [];
    if (!this.server.running) {
      await this.server.launch();
      notes.push('started the server again');
    } else if ((await this.server.readiness()) !== 200) {
      await this.restartServer();
      notes.push('restarted the server: it was running but not ready');
    }
    await this.endLiveCalls();
    for (const context of call?.contexts ?? []) await context.close().catch(() => undefined);
    if (!(await this.cancelOpenAppointments())) {
      // An appointment left in a call the server no longer holds: a restart requeues it.
      await this.restartServer();
      notes.push('restarted the server: an appointment was in a call it did not hold');
      if (!(await this.cancelOpenAppointments()))
        throw new Error('an appointment is still in a call after a restart');
    }
    const whole = await pollUntil(
      () => this.health(),
      (h) => h?.workers.length === MEDIA_WORKERS,
      FULL_STRENGTH_TIMEOUT_MS,
    );
    if (whole?.workers.length !== MEDIA_WORKERS) {
      await this.restartServer();
      notes.push(`restarted the server: ${whole?.workers.length ?? 0} live media workers`);
    }
    return notes;
  }

  async close(): Promise<void> {
    for (const browser of [this.kioskBrowser, this.advisorBrowser])
      await browser.close().catch(() => undefined);
    await this.server.close();
    await this.network.destroy();
  }

  private async restartServer(): Promise<void> {
    await this.server.stop();
    await this.server.launch();
  }

  /** Ends every live call as a technician would (the console's "end call"). */
  private async endLiveCalls(): Promise<void> {
    const live = (await this.liveCalls()) ?? [];
    if (live.length === 0) return;
    const technician = await connectClient(
      this.server.url,
      '/staff',
      this.fixtures.technician.token,
    );
    try {
      for (const call of live) {
        await technician
          .request(staffMonitoringRequests.endCall, {
            callId: call.callId,
            reason: 'fault trial over',
          })
          .catch((error: unknown) => {
            // It ended by itself meanwhile (e.g. its worker was just killed).
            if (!(error instanceof AppError && error.code === 'NOT_FOUND')) throw error;
          });
      }
    } finally {
      technician.socket.close();
    }
    await pollUntil(
      () => this.liveCalls(),
      (calls) => calls?.length === 0,
      10_000,
    );
  }

  /**
   * Cancels every appointment still booked or waiting (as the admin). Returns false when one is
   * still in a call: those cannot be cancelled.
   */
  private async cancelOpenAppointments(): Promise<boolean> {
    const openNow = () =>
      this.query<{ id: string; status: string }>(
        "SELECT id, status FROM appointments WHERE status IN ('scheduled', 'checked_in', 'in_call')",
      );
    // A call that just ended moves its appointment on a moment later.
    const open = await pollUntil(
      async () => openNow(),
      (rows) => rows.every((a) => a.status !== 'in_call'),
      5_000,
    );
    for (const { id, status } of open) {
      if (status === 'in_call') continue;
      const res = await fetch(`${this.server.url}/api/appointments/${id}/cancel`, {
        method: 'POST',
        headers: { cookie: `visio_session=${this.fixtures.admin.token}` },
      });
      if (res.status !== 200)
        throw new Error(`cancelling appointment ${id}: ${res.status} ${await res.text()}`);
    }
    return open.every((a) => a.status !== 'in_call');
  }

  /** GET as the technician: the parsed body, or null when the server does not answer. */
  private async getJson<T>(route: string, schema: z.ZodType<T>): Promise<T | null> {
    let res: Response;
    try {
      res = await fetch(`${this.server.url}${route}`, {
        headers: { cookie: `visio_session=${this.fixtures.technician.token}` },
        signal: AbortSignal.timeout(3_000),
      });
    } catch {
      return null;
    }
    if (res.status !== 200) throw new Error(`GET ${route}: ${res.status} ${await res.text()}`);
    return schema.parse(await res.json());
  }

  private query<T>(sql: string, ...params: string[]): T[] {
    const db = new Database(path.join(this.server.dataDir, 'visio.sqlite'), {
      readonly: true,
      fileMustExist: true,
    });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  }
}
