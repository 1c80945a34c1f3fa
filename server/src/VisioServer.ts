import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Directory } from './auth/Directory';
import { CallService } from './calls/CallService';
import { ConfigError, type Config } from './config/config';
import { createHttpApp } from './http/createHttpApp';
import { WorkerPool } from './media';
import { KioskPresence } from './monitoring/KioskPresence';
import { SignallingServer } from './signalling/SignallingServer';

/**
 * The whole server, assembled: media workers, domain services, HTTP and signalling. `main.ts`
 * runs one with the process's configuration; tests run as many as they like in-process.
 */
export class VisioServer {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly config: Config,
    readonly logger: Logger,
    readonly pool: WorkerPool,
    readonly calls: CallService,
    readonly presence: KioskPresence,
    readonly signalling: SignallingServer,
    private readonly httpServer: http.Server,
  ) {}

  static async start(config: Config, directory: Directory, logger: Logger): Promise<VisioServer> {
    const { media } = config;
    // mediasoup itself reads MEDIASOUP_WORKER_BIN from the environment; config checked it is set.
    if (!fs.existsSync(media.workerBin)) {
      throw new ConfigError(
        `MEDIASOUP_WORKER_BIN=${media.workerBin} does not exist: run \`npm run setup\` to build the worker`,
      );
    }
    const pool = await WorkerPool.create(
      {
        workers: media.workers,
        rtcMinPort: media.rtcMinPort,
        rtcMaxPort: media.rtcMaxPort,
        webRtcServerPort: media.webRtcServerPort,
        listenIp: media.listenIp,
        announcedIp: media.announcedIp,
        logLevel: media.workerLogLevel,
      },
      logger,
    );
    const presence = new KioskPresence();
    const calls = new CallService(
      pool,
      directory,
      {
        reconnectGraceMs: config.calls.reconnectGraceMs,
        listen: {
          listenIp: media.listenIp,
          announcedIp: media.announcedIp,
          enableUdp: media.enableUdp,
          enableTcp: media.enableTcp,
          initialAvailableOutgoingBitrate: media.initialAvailableOutgoingBitrate,
        },
        isKioskOnline: (kioskId) => presence.isOnline(kioskId),
      },
      logger.child({ module: 'calls' }),
    );
    const app = createHttpApp({
      logger: logger.child({ module: 'http' }),
      clients: config.clients,
      readiness: { media: () => pool.isReady },
    });
    const httpServer = http.createServer(app);
    const signalling = new SignallingServer(httpServer, {
      directory,
      calls,
      presence,
      logger,
      rateLimit: {
        ratePerSecond: config.signalling.ratePerSecond,
        burst: config.signalling.rateBurst,
      },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.http.port, config.http.host, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      pool.close();
      throw error;
    }
    return new VisioServer(config, logger, pool, calls, presence, signalling, httpServer);
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  get port(): number {
    return (this.httpServer.address() as AddressInfo).port;
  }

  get url(): string {
    return this.config.http.publicUrl ?? `http://localhost:${this.port}`;
  }

  /** Graceful: ends every call (both sides are told), closes sockets, HTTP and media workers. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.logger.info('shutting down');
      this.calls.endAll('server_shutdown');
      await this.signalling.close();
      this.httpServer.closeAllConnections();
      await new Promise<void>((resolve) => this.httpServer.close(() => resolve()));
      this.pool.close();
      this.logger.info('stopped');
    })();
    return this.stopping;
  }
}
