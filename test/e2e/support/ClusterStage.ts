import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Browser, BrowserContext } from 'playwright-core';
import { LoadBalancer } from '../../support/LoadBalancer';
import { PostgresCluster, createTestDatabase } from '../../support/PostgresCluster';
import { RedisServer } from '../../support/RedisServer';
import { ServerProcess } from '../../support/ServerProcess';
import { AdvisorPage } from '../pages/AdvisorPage';
import { KioskPage } from '../pages/KioskPage';
import { admitThroughUi } from './admitThroughUi';
import { inboundMedia, launchChromium, mediaFlowsFrom, newMachine, pollUntil } from './browser';

const HOST = '127.0.0.1';
/** Each step of setting a call up (page load, check-in, admission, first media) is bounded by this. */
const STEP_TIMEOUT_MS = 30_000;
/** A call whose media is not back both ways this long after its node was killed is lost. */
export const FAILOVER_BOUND_MS = 30_000;

/** The store's view of one appointment after a trial: what must be neither lost nor doubled. */
export interface StoreCount {
  appointments: number;
  callRecords: number;
  runningCalls: number;
  appointmentStatus: string | null;
}

export interface FailoverTrial {
  recovered: boolean;
  /** Node killed (SIGKILL) → video frames and audio packets flowing again on both pages. */
  ms: number | null;
  /** Which node carried the call, and so was killed. */
  killed: 'a' | 'b';
  store: StoreCount;
}

/**
 * Two server nodes as child processes on one PostgreSQL database and one Redis (both started
 * here from Debian's packages), behind a small TCP load balancer whose URL is the nodes'
 * PUBLIC_URL; a Chromium for the kiosk and one for the advisor. The kiosk's connections go to
 * node A and the advisor's to node B (the balancer's preference when each page opens), until a
 * node dies: its clients then reconnect through the balancer to the survivor.
 */
export class ClusterStage {
  private constructor(
    readonly postgres: PostgresCluster,
    readonly databaseUrl: string,
    readonly redis: RedisServer,
    readonly lb: LoadBalancer,
    readonly nodes: { a: ServerProcess; b: ServerProcess },
    private readonly browsers: Browser[],
  ) {}

  static async open(): Promise<ClusterStage> {
    const postgres = await PostgresCluster.start();
    const redis = await RedisServer.start();
    const databaseUrl = await createTestDatabase(postgres.adminUrl);
    // The balancer's address is the nodes' PUBLIC_URL: it listens first, and learns the nodes'
    // ports once they are up.
    const backends = [
      { host: HOST, port: 0 },
      { host: HOST, port: 0 },
    ];
    const lb = await LoadBalancer.start(HOST, backends);
    const started: { close(): Promise<unknown> }[] = [];
    try {
      const env = {
        REDIS_URL: redis.url,
        SERVER_SECRET: randomBytes(32).toString('hex'),
        PUBLIC_URL: lb.url,
        MEDIA_WORKERS: '1',
        CHECKIN_BEFORE_MIN: '60',
      };
      const a = await ServerProcess.start({
        host: HOST,
        databaseUrl,
        env: { ...env, NODE_ID: 'node-a', RTC_MIN_PORT: '40000', RTC_MAX_PORT: '44999' },
      });
      started.push(a);
      const b = await ServerProcess.join(a, {
        host: HOST,
        env: { NODE_ID: 'node-b', RTC_MIN_PORT: '45000', RTC_MAX_PORT: '49999' },
      });
      started.push(b);
      backends[0]!.port = a.port;
      backends[1]!.port = b.port;
      const args = [`--unsafely-treat-insecure-origin-as-secure=${lb.url}`];
      const browsers: Browser[] = [];
      for (let i = 0; i < 2; i++) {
        const browser = await launchChromium({ args });
        browsers.push(browser);
        started.push(browser);
      }
      return new ClusterStage(postgres, databaseUrl, redis, lb, { a, b }, browsers);
    } catch (error) {
      // A node or a browser that did not start: nothing of the stage outlives the failure.
      for (const part of started.reverse()) await part.close().catch(() => undefined);
      await lb.close();
      await redis.stop();
      await postgres.stop();
      throw error;
    }
  }

  get fixtures() {
    return this.nodes.a.fixtures;
  }

  async close(): Promise<void> {
    for (const browser of this.browsers) await browser.close().catch(() => undefined);
    await this.nodes.b.close();
    await this.nodes.a.close();
    await this.lb.close();
    await this.redis.stop();
    await this.postgres.stop();
  }

  /**
   * A call through the real UI, kiosk on node A and advisor on node B (`swap`: the other way
   * round); SIGKILL to the node that carries it; the time until both pages decode video and
   * receive audio again; the killed node started again (a new incarnation) for the next trial,
   * and the call hung up.
   */
  async failoverTrial(swap = false): Promise<FailoverTrial> {
    const kioskMachine = await newMachine(this.browsers[0]!, {
      viewport: { width: 1080, height: 1920 },
    });
    const advisorMachine = await newMachine(this.browsers[1]!);
    const contexts: BrowserContext[] = [kioskMachine.context, advisorMachine.context];
    for (const context of contexts) context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const kiosk = new KioskPage(kioskMachine.page);
    const advisor = new AdvisorPage(advisorMachine.page);
    try {
      const { appointmentId } = await admitThroughUi(
        { ...this.fixtures, url: this.lb.url },
        kiosk,
        advisor,
        undefined,
        (app) => (this.lb.prefer = (app === 'kiosk') === !swap ? 0 : 1),
      );
      const flowing = (m: { framesDecoded: number; audioPacketsReceived: number }) =>
        m.framesDecoded > 30 && m.audioPacketsReceived > 50;
      for (const page of [kiosk.page, advisor.page]) {
        if (!flowing(await pollUntil(() => inboundMedia(page), flowing, STEP_TIMEOUT_MS)))
          throw new Error('the call’s media did not flow both ways before the kill');
      }
      const killed = await this.carrierOf(appointmentId);
      if (!killed) throw new Error('no node carries the call in the store');
      const node = this.nodes[killed];
      this.lb.prefer = killed === 'a' ? 1 : 0;
      const from = Date.now();
      node.kill('SIGKILL');
      await node.waitExit(5_000);
      const back = await Promise.all(
        [kiosk.page, advisor.page].map((page) =>
          mediaFlowsFrom(page, { frames: 30, audioPackets: 50, timeoutMs: FAILOVER_BOUND_MS }).then(
            (gain) => ({ gain, at: Date.now() }),
          ),
        ),
      );
      const recovered = back.every(({ gain }) => gain.frames >= 30 && gain.audioPackets >= 50);
      const ms = recovered ? Math.max(...back.map(({ at }) => at)) - from : null;
      const store = await this.storeCount(appointmentId);
      await node.launch();
      await advisor.hangUp();
      return { recovered, ms, killed, store };
    } finally {
      for (const context of contexts) await context.close().catch(() => undefined);
    }
  }

  /** The node whose incarnation carries the appointment's running call, from the store. */
  private async carrierOf(appointmentId: string): Promise<'a' | 'b' | undefined> {
    const rows = await this.query<{ node_id: string | null }>(
      'select node_id from live_calls where appointment_id = $1',
      [appointmentId],
    );
    const nodeId = rows[0]?.node_id ?? '';
    return nodeId.startsWith('node-a.') ? 'a' : nodeId.startsWith('node-b.') ? 'b' : undefined;
  }

  /** What the store holds of the appointment: one of each, or something was lost or doubled. */
  async storeCount(appointmentId: string): Promise<StoreCount> {
    const count = async (sql: string) =>
      Number((await this.query<{ n: string }>(sql, [appointmentId]))[0]?.n ?? 0);
    const status = await this.query<{ status: string }>(
      'select status from appointments where id = $1',
      [appointmentId],
    );
    return {
      appointments: await count('select count(*) as n from appointments where id = $1'),
      callRecords: await count('select count(*) as n from call_records where appointment_id = $1'),
      runningCalls: await count('select count(*) as n from live_calls where appointment_id = $1'),
      appointmentStatus: status[0]?.status ?? null,
    };
  }

  private async query<T extends object>(text: string, values: unknown[]): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query<T>(text, values)).rows;
    } finally {
      await client.end();
    }
  }
}
