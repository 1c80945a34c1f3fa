import {
  InMemoryDirectory,
  VisioServer,
  createLogger,
  loadConfig,
  type Config,
} from '@visio/server';

export interface TestServer {
  server: VisioServer;
  directory: InMemoryDirectory;
  url: string;
  kiosk: { id: string; token: string };
  kiosk2: { id: string; token: string };
  advisor: { id: string; token: string };
  advisor2: { id: string; token: string };
  technician: { id: string; token: string };
  stop(): Promise<void>;
}

/**
 * A real server on a free port with one media worker, seeded with two kiosks, two advisors and a
 * technician. `env` overrides configuration (e.g. MEDIA_ENABLE_UDP=false).
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const config: Config = loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    MEDIA_WORKERS: '1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const directory = new InMemoryDirectory();
  const k1 = directory.addKiosk('Kiosk A');
  const k2 = directory.addKiosk('Kiosk B');
  const a1 = directory.addStaff('Advisor One', ['advisor']);
  const a2 = directory.addStaff('Advisor Two', ['advisor']);
  const t = directory.addStaff('Tech', ['technician']);
  const server = await VisioServer.start(config, directory, createLogger(config.logLevel));
  return {
    server,
    directory,
    url: `http://127.0.0.1:${server.port}`,
    kiosk: { id: k1.kioskId, token: k1.token },
    kiosk2: { id: k2.kioskId, token: k2.token },
    advisor: { id: a1.staffId, token: a1.token },
    advisor2: { id: a2.staffId, token: a2.token },
    technician: { id: t.staffId, token: t.token },
    stop: () => server.stop(),
  };
}

/** Routers, transports, producers and consumers alive in every worker, from the workers' own dumps. */
export async function workerObjectCounts(server: VisioServer) {
  let routers = 0;
  let transports = 0;
  let producers = 0;
  let consumers = 0;
  for (const worker of server.pool.liveWorkers) {
    const dump = (await worker.dump()) as { routerIds: string[] };
    routers += dump.routerIds.length;
  }
  for (const call of server.calls.activeCalls) {
    const c = call.room.counts();
    transports += c.transports;
    producers += c.producers;
    consumers += c.consumers;
  }
  return { routers, transports, producers, consumers };
}
