import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const port = z.coerce.number().int().min(1).max(65535);
/** A comma-separated list; blanks around items and empty items are dropped. */
const commaSeparated = z.string().transform((v) =>
  v
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);
/** 0 asks the OS for a free port (tests, benchmarks). */
const listenPort = z.coerce.number().int().min(0).max(65535);

/**
 * Every setting comes from the environment, validated here once. Names are documented in the
 * README's configuration table; keep both in sync.
 */
const BaseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: listenPort.default(8080),
  /**
   * Public base URL (what people open): printed at start, the one origin socket handshakes may
   * come from in production, and https here makes cookies Secure. Defaults to
   * http://localhost:PORT; required in production.
   */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Reverse proxies in front of the server whose X-Forwarded-For is believed (1 behind Caddy).
   * 0 believes none: the client address is the peer's.
   */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  MEDIASOUP_WORKER_BIN: z
    .string()
    .min(1, 'is not set: run `npm run setup` (or scripts/with-env.sh)'),
  MEDIA_WORKERS: z.coerce.number().int().min(1).max(64).default(os.availableParallelism()),
  MEDIA_LISTEN_IP: z.ipv4().or(z.ipv6()).default('127.0.0.1'),
  MEDIA_ANNOUNCED_IP: z.string().min(1).optional(),
  RTC_MIN_PORT: port.default(40000),
  RTC_MAX_PORT: port.default(49999),
  /** If set, each worker i serves all its transports on WebRtcServer port WEBRTC_SERVER_PORT + i. */
  WEBRTC_SERVER_PORT: port.optional(),
  /**
   * The kernel buffers of each WebRtcServer's UDP socket (receive and send), bytes; 0: the
   * system's default (~208 KiB). All of a worker's media goes through that one socket, and
   * bench/sfu-capacity lost packets there from 60 calls a core with the default. The kernel caps
   * it at net.core.rmem_max / wmem_max (the server warns when they are lower).
   */
  WEBRTC_SERVER_BUFFER_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(64 * 1024 * 1024)
    .default(4 * 1024 * 1024),
  MEDIA_ENABLE_UDP: bool.default(true),
  MEDIA_ENABLE_TCP: bool.default(true),
  MEDIA_INITIAL_BITRATE: z.coerce.number().int().min(100_000).max(10_000_000).default(1_000_000),
  MEDIA_WORKER_LOG_LEVEL: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
  /**
   * Admission control: a new call goes only to a media worker whose CPU load (a share of its one
   * core, measured by the health probe) stays under this; with every worker past it, new calls
   * are refused (UNAVAILABLE, reason server_busy) and the running ones keep their quality. The
   * knee measured by bench/sfu-capacity is at 90 % worker CPU. 1 turns it off.
   */
  MEDIA_WORKER_MAX_CPU: z.coerce.number().min(0.01).max(1).default(0.85),

  /** How long a party of a call may stay disconnected before the call ends. */
  CALL_RECONNECT_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  /** How long a colleague has to accept a warm transfer before the first advisor keeps the call. */
  TRANSFER_OFFER_TIMEOUT_S: z.coerce.number().int().min(1).max(600).default(60),
  /**
   * A call whose media has not flowed both ways this long after its start fails as
   * media_unreachable (the citizen goes back to the head of the queue, the console alerts).
   */
  MEDIA_START_TIMEOUT_S: z.coerce.number().min(1).max(600).default(20),
  /** Per-socket request budget: sustained rate and burst (a call setup is ~10 requests). */
  SIGNALLING_RATE_PER_SECOND: z.coerce.number().min(1).max(100_000).default(50),
  SIGNALLING_RATE_BURST: z.coerce.number().int().min(1).max(1_000_000).default(100),
  CLIENT_DIST_DIR: z.string().default(repoRoot),
  /** Where the SQLite database and the server secret live. */
  DATA_DIR: z.string().default(path.join(repoRoot, 'data')),
  /**
   * PostgreSQL instead of the SQLite file in DATA_DIR (several server nodes share one database):
   * `postgres://user:password@host:5432/visio`. Never logged with its password (see
   * `redactDatabaseUrl`).
   */
  DATABASE_URL: z
    .url({
      protocol: /^postgres(ql)?$/,
      error: 'must be a postgres:// or postgresql:// URL (unset: SQLite in DATA_DIR)',
    })
    .optional(),
  /** Connections each server node keeps open to PostgreSQL at most. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1_000).default(10),
  /**
   * Redis shared by several server nodes (`redis://[:password@]host:6379[/db]`, or `rediss://`
   * for TLS): socket.io's rooms and events reach every node through it (docs/cluster.md). Unset:
   * one node, everything in memory. Never logged with its password.
   */
  REDIS_URL: z
    .url({
      protocol: /^rediss?$/,
      error: 'must be a redis:// or rediss:// URL (unset: one node, no Redis)',
    })
    .optional(),
  /** This node's name among the nodes sharing Redis (logs, Redis keys). Default: host + random. */
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" or "-", 64 at most')
    .optional(),
  /** Staff sessions expire after this many hours. */
  SESSION_TTL_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 30)
    .default(12),
  /** Cookies get the Secure flag; defaults to whether PUBLIC_URL is https. */
  COOKIE_SECURE: bool.optional(),
  /**
   * The server's 32-byte key (64 hex digits, e.g. `openssl rand -hex 32`) for the HMACs of
   * check-in and enrolment codes. Required in production; elsewhere, without it, one is created
   * in DATA_DIR on first start.
   */
  SERVER_SECRET: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits (openssl rand -hex 32)')
    .transform((v) => v.toLowerCase())
    .refine(looksRandom, 'looks like a placeholder, not a random key: use openssl rand -hex 32')
    .optional(),
  /** Check-in window around an appointment's start, in minutes. */
  CHECKIN_BEFORE_MIN: z.coerce.number().int().min(0).max(240).default(15),
  CHECKIN_AFTER_MIN: z.coerce.number().int().min(0).max(240).default(30),
  /** Wrong codes that lock code entry on a kiosk, and for how long. */
  CHECKIN_MAX_WRONG: z.coerce.number().int().min(1).max(100).default(5),
  CHECKIN_LOCK_MS: z.coerce.number().int().min(1000).max(3_600_000).default(300_000),
  /** After this long, a citizen waiting for an advisor who has not admitted them is open to colleagues. */
  TAKEOVER_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(300_000),
  /** How long a waiting kiosk may be disconnected before its citizen leaves the queue. */
  KIOSK_WAITING_GRACE_MS: z.coerce.number().int().min(0).max(3_600_000).default(120_000),
  NO_SHOW_SWEEP_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** Time zone of "today" for agendas and of sites created without one. */
  TIMEZONE: z.string().default('Europe/Paris'),
  /** Demo accounts, kiosks and appointments; on by default except in production. */
  DEMO_SEED: bool.optional(),
  /**
   * Impact report: kg CO2e per km of a trip avoided by an interview at a kiosk. 0.218 is ADEME's
   * average car figure (Base Empreinte / Base Carbone, "voiture particulière, motorisation
   * moyenne": manufacture, fuel upstream and combustion, per vehicle-km), the one the region
   * quoted to its funders. A region with its own figure sets it here.
   */
  REPORT_CAR_KG_CO2E_PER_KM: z.coerce.number().min(0).max(2).default(0.218),

  /** How often kiosks send a heartbeat, and how long one may be silent before it is offline. */
  KIOSK_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  KIOSK_HEARTBEAT_TIMEOUT_MS: z.coerce.number().int().min(200).max(900_000).default(30_000),
  /** A kiosk that disconnected is alerted as offline if not back within this (page reloads). */
  KIOSK_OFFLINE_ALERT_GRACE_MS: z.coerce.number().int().min(0).max(300_000).default(5_000),
  /** Call quality sampling period (server stats; browsers report every ~5 s). */
  QUALITY_SAMPLE_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /**
   * While no console is open, each call's server stats (media-worker requests) are read this
   * often instead, for its stored summary and /metrics; browser reports are still sampled.
   */
  QUALITY_UNWATCHED_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** A kiosk may start a pre-call link test at most this often (it is a burst of traffic). */
  LINK_TEST_MIN_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
  /** Link tests the server runs at once; more are refused (UNAVAILABLE link_test_busy). */
  LINK_TEST_MAX_CONCURRENT: z.coerce.number().int().min(1).max(100).default(4),
  /** A link test still open this long after it started is closed, finished or not. */
  LINK_TEST_DEADLINE_MS: z.coerce.number().int().min(1_000).max(60_000).default(15_000),
  /**
   * Nightly test calls: the window, in each site's local time ("02:00-05:00"; may run over
   * midnight). Unset: off (the default, the demo's too).
   */
  NIGHTLY_TEST_WINDOW: z
    .string()
    .trim()
    .regex(
      /^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/,
      'a window such as 02:00-05:00',
    )
    .refine((w) => w.slice(0, 5) !== w.slice(6), 'the window must not start where it ends')
    .optional(),
  /** Nightly test calls asked for or running at once on a node. */
  NIGHTLY_TEST_MAX_CONCURRENT: z.coerce.number().int().min(1).max(50).default(2),
  /** Server health measurement period (pushed to technicians). */
  HEALTH_INTERVAL_MS: z.coerce.number().int().min(100).max(300_000).default(5_000),
  /**
   * If set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. In production the
   * public port serves /metrics only with a token.
   */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** If set, /metrics is served on this port of METRICS_HOST, and no longer on PORT. */
  METRICS_PORT: listenPort.optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** Comma-separated http(s) URLs receiving call.started, call.ended, kiosk.offline. Off if unset. */
  WEBHOOK_URLS: commaSeparated.pipe(z.array(z.url({ protocol: /^https?$/ })).max(10)).optional(),
  /** HMAC-SHA256 key of the X-Visio-Signature header; required with WEBHOOK_URLS. */
  WEBHOOK_SECRET: z.string().min(16).optional(),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(1_000),

  // --- Reaching every kiosk (README "Reaching every kiosk / firewall") ---
  /**
   * Comma-separated TURN relay URLs handed to browsers with each call, e.g.
   * `turn:turn.example.org:3478?transport=udp,turns:turn.example.org:443?transport=tcp`.
   * Unset: no relay (browsers reach the media ports directly or not at all).
   */
  TURN_URLS: commaSeparated
    .pipe(
      z
        .array(
          z
            .string()
            .refine(
              isTurnUrl,
              'must be turn:host[:port][?transport=udp|tcp] or turns:host[:port][?transport=tcp] (RFC 7065)',
            ),
        )
        .min(1)
        .max(8),
    )
    .optional(),
  /** coturn's `static-auth-secret`: the key of the TURN REST credentials. Required with TURN_URLS. */
  TURN_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (openssl rand -hex 32)')
    .optional(),
  /** How long a relay credential handed out with a call stays valid (a new one comes with every media join). */
  TURN_CREDENTIAL_TTL_S: z.coerce.number().int().min(60).max(86_400).default(600),

  // --- Calls that survive faults (README "Failure modes") ---
  /** Each media worker is asked for its resource usage this often (0 turns the probe off). */
  MEDIA_WORKER_PROBE_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  /**
   * A probe not answered within this counts as a miss. A healthy worker answers in well under a
   * millisecond at the median and under 100 ms at worst on a saturated 2-core host (measured: p99
   * 24 ms, max 74 ms at load average 15), so 500 ms leaves a wide margin.
   */
  MEDIA_WORKER_PROBE_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(500),
  /** Misses in a row after which a worker is hung: it is killed and its calls re-homed. */
  MEDIA_WORKER_PROBE_MISSES: z.coerce.number().int().min(1).max(100).default(2),
  /** How long a call whose media room was lost may wait for a live worker before it ends. */
  CALL_REHOME_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** On SIGTERM, running calls may go on this long before the process exits anyway. */
  DRAIN_TIMEOUT_S: z.coerce.number().int().min(0).max(86_400).default(1_800),
  /** After a drain's last call has ended, the server still answers this long, then exits. */
  DRAIN_LINGER_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
});

const EnvSchema = BaseEnvSchema.superRefine((env, ctx) => {
  if (env.NODE_ENV === 'production') refineProduction(env, ctx);
  if (env.REDIS_URL && !env.SERVER_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['SERVER_SECRET'],
      message:
        'is required with REDIS_URL: every node must key check-in and enrolment codes alike (the same 64 hex digits on each), or a code booked on one node fails on another',
    });
  }
  if (env.RTC_MIN_PORT + env.MEDIA_WORKERS - 1 > env.RTC_MAX_PORT) {
    ctx.addIssue({
      code: 'custom',
      path: ['RTC_MAX_PORT'],
      message: 'the RTC port range must hold at least one port per media worker',
    });
  }
  if (!env.MEDIA_ENABLE_UDP && !env.MEDIA_ENABLE_TCP) {
    ctx.addIssue({
      code: 'custom',
      path: ['MEDIA_ENABLE_TCP'],
      message: 'UDP and TCP cannot both be disabled',
    });
  }
  if ((env.WEBHOOK_URLS?.length ?? 0) > 0 && !env.WEBHOOK_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['WEBHOOK_SECRET'],
      message: 'is required when WEBHOOK_URLS is set (receivers check the signature with it)',
    });
  }
  if (env.TURN_URLS && !env.TURN_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['TURN_SECRET'],
      message: "is required when TURN_URLS is set (coturn's static-auth-secret)",
    });
  }
  if (env.KIOSK_HEARTBEAT_TIMEOUT_MS <= env.KIOSK_HEARTBEAT_INTERVAL_MS) {
    ctx.addIssue({
      code: 'custom',
      path: ['KIOSK_HEARTBEAT_TIMEOUT_MS'],
      message: 'must be longer than KIOSK_HEARTBEAT_INTERVAL_MS',
    });
  }
  if (
    (env.MEDIA_LISTEN_IP === '0.0.0.0' || env.MEDIA_LISTEN_IP === '::') &&
    !env.MEDIA_ANNOUNCED_IP
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['MEDIA_ANNOUNCED_IP'],
      message:
        'is required when MEDIA_LISTEN_IP listens on all interfaces (browsers need a reachable address)',
    });
  }
});

export type Env = z.input<typeof EnvSchema>;

/**
 * RFC 7065's turn/turns URI as browsers accept it: a host name, an IPv4 address or a bracketed
 * IPv6 address, an optional port, an optional transport. TURN over DTLS (turns + udp) is refused:
 * Chromium does not speak it, so such a URL would silently give no relay.
 */
function isTurnUrl(url: string): boolean {
  const match =
    /^(turns?):(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9]([a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?)(?::(\d{1,5}))?(?:\?transport=(udp|tcp))?$/.exec(
      url,
    );
  if (!match) return false;
  const [, scheme, host, , portText, transport] = match;
  if (
    host!.startsWith('[') ? !z.ipv6().safeParse(host!.slice(1, -1)).success : host!.includes('..')
  )
    return false;
  if (portText !== undefined && (Number(portText) < 1 || Number(portText) > 65535)) return false;
  return !(scheme === 'turns' && transport === 'udp');
}

/**
 * A random 32-byte key written in hex shows (almost surely) at least 10 different digits and no
 * short repeated pattern; placeholders such as `000…`, `abab…` or `0123456789abcdef` × 4 do not.
 */
function looksRandom(hex: string): boolean {
  if (new Set(hex).size < 10) return false;
  for (let unit = 1; unit <= hex.length / 2; unit++) {
    if (hex.length % unit === 0 && hex.slice(unit) === hex.slice(0, -unit)) return false;
  }
  return true;
}

/** What production refuses to start without: nothing it would otherwise make up or leave open. */
function refineProduction(env: z.output<typeof BaseEnvSchema>, ctx: z.RefinementCtx): void {
  if (!env.PUBLIC_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['PUBLIC_URL'],
      message:
        'is required in production: the URL people open (socket handshakes must come from its origin)',
    });
  }
  if (!env.SERVER_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['SERVER_SECRET'],
      message:
        'is required in production: 64 hex digits from `openssl rand -hex 32`, kept apart from DATA_DIR',
    });
  }
  if (env.PUBLIC_URL?.startsWith('https:') && env.COOKIE_SECURE === false) {
    ctx.addIssue({
      code: 'custom',
      path: ['COOKIE_SECURE'],
      message: 'cannot be false in production when PUBLIC_URL is https',
    });
  }
}

export interface Config {
  env: 'development' | 'production' | 'test';
  http: {
    host: string;
    port: number;
    publicUrl: string | undefined;
    /** Proxies whose X-Forwarded-For is believed (express's `trust proxy` hop count). */
    trustProxyHops: number;
  };
  logLevel: string;
  media: {
    workerBin: string;
    workers: number;
    listenIp: string;
    announcedIp: string | undefined;
    rtcMinPort: number;
    rtcMaxPort: number;
    webRtcServerPort: number | undefined;
    /** The WebRtcServer UDP socket's receive and send buffers, bytes; 0: the system's default. */
    webRtcServerBufferBytes: number;
    enableUdp: boolean;
    enableTcp: boolean;
    initialAvailableOutgoingBitrate: number;
    workerLogLevel: 'debug' | 'warn' | 'error' | 'none';
    /** Admission control's CPU limit per worker (a share of one core); undefined: off. */
    workerMaxCpu: number | undefined;
  };
  calls: { reconnectGraceMs: number; transferOfferTimeoutMs: number };
  signalling: { ratePerSecond: number; rateBurst: number; origins: HandshakeOrigins };
  clients: { kioskDist: string; advisorDist: string };
  demoSeed: boolean;
  data: {
    dir: string;
    sqliteFile: string;
    /** PostgreSQL URL (secret: it holds the password); undefined = SQLite in `sqliteFile`. */
    databaseUrl: string | undefined;
    poolMax: number;
  };
  cluster: {
    /** Redis URL (secret: it may hold a password); undefined = one node, nothing shared. */
    redisUrl: string | undefined;
    nodeId: string;
  };
  auth: {
    sessionTtlMs: number;
    cookieSecure: boolean;
    /** 64 hex digits; undefined = the one kept in DATA_DIR (created on first start). */
    serverSecret: string | undefined;
  };
  timezone: string;
  report: {
    /** kg CO2e per km driven (REPORT_CAR_KG_CO2E_PER_KM). */
    carKgCo2ePerKm: number;
  };
  scheduling: {
    checkInBeforeMin: number;
    checkInAfterMin: number;
    maxWrongCodes: number;
    lockMs: number;
    takeoverGraceMs: number;
    kioskWaitingGraceMs: number;
    noShowSweepMs: number;
  };
  monitoring: {
    heartbeatIntervalMs: number;
    heartbeatTimeoutMs: number;
    offlineAlertGraceMs: number;
    qualitySampleIntervalMs: number;
    qualityUnwatchedIntervalMs: number;
    /** A call's media must flow both ways within this (MEDIA_START_TIMEOUT_S). */
    mediaStartTimeoutMs: number;
    healthIntervalMs: number;
    metricsToken: string | undefined;
    /** Where /metrics is served: the public port (PORT) or an internal one; or nowhere. */
    metricsListen: 'public' | { host: string; port: number } | 'off';
    linkTest: { minIntervalMs: number; maxConcurrent: number; deadlineMs: number };
    /** `window` undefined: no nightly test is scheduled (a technician may still run one). */
    nightlyTest: { window: string | undefined; maxConcurrent: number };
    webhooks: {
      urls: string[];
      secret: string | undefined;
      timeoutMs: number;
      retryBaseMs: number;
    };
  };
  /** The TURN relay handed to browsers with each call; absent = no relay. */
  relay: TurnRelayConfig | undefined;
  recovery: {
    /** Absent when MEDIA_WORKER_PROBE_INTERVAL_MS is 0. */
    workerProbe: { intervalMs: number; timeoutMs: number; misses: number } | undefined;
    rehomeWithinMs: number;
    drainTimeoutMs: number;
    drainLingerMs: number;
  };
}

export interface TurnRelayConfig {
  urls: string[];
  /** coturn's static-auth-secret; never logged. */
  secret: string;
  credentialTtlS: number;
}

/**
 * Which `Origin` a socket handshake may carry (a handshake without one is not a browser's, and
 * no browser can be made to send a foreign page's handshake without it).
 */
export interface HandshakeOrigins {
  /** Exact origins, e.g. `https://visio.example.org`. */
  exact: string[];
  /** Any `http(s)://localhost|127.0.0.1|[::1]:port` too (development: Vite, tests). */
  anyLoopback: boolean;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * A database URL fit for a log line: the password (and any `password` parameter) replaced by
 * `***`. Something that does not parse is not shown at all.
 */
export function redactDatabaseUrl(url: string): string {
  return redactUrl(url);
}

/** A URL as it may be logged: its password (in the authority or a `password` parameter) as ***. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    return '[unparseable URL]';
  }
}

/** Parses the environment; throws ConfigError listing every bad variable and why. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset" (docker-compose style `VAR=`).
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ''),
  );
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  - ${i.path.join('.') || '(environment)'}: ${i.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  return {
    env: e.NODE_ENV,
    http: {
      host: e.HOST,
      port: e.PORT,
      publicUrl: e.PUBLIC_URL,
      trustProxyHops: e.TRUST_PROXY_HOPS,
    },
    logLevel: e.LOG_LEVEL,
    media: {
      workerBin: e.MEDIASOUP_WORKER_BIN,
      workers: e.MEDIA_WORKERS,
      listenIp: e.MEDIA_LISTEN_IP,
      announcedIp: e.MEDIA_ANNOUNCED_IP,
      rtcMinPort: e.RTC_MIN_PORT,
      rtcMaxPort: e.RTC_MAX_PORT,
      webRtcServerPort: e.WEBRTC_SERVER_PORT,
      webRtcServerBufferBytes: e.WEBRTC_SERVER_BUFFER_BYTES,
      enableUdp: e.MEDIA_ENABLE_UDP,
      enableTcp: e.MEDIA_ENABLE_TCP,
      initialAvailableOutgoingBitrate: e.MEDIA_INITIAL_BITRATE,
      workerLogLevel: e.MEDIA_WORKER_LOG_LEVEL,
      workerMaxCpu: e.MEDIA_WORKER_MAX_CPU < 1 ? e.MEDIA_WORKER_MAX_CPU : undefined,
    },
    calls: {
      reconnectGraceMs: e.CALL_RECONNECT_GRACE_MS,
      transferOfferTimeoutMs: e.TRANSFER_OFFER_TIMEOUT_S * 1000,
    },
    signalling: {
      ratePerSecond: e.SIGNALLING_RATE_PER_SECOND,
      rateBurst: e.SIGNALLING_RATE_BURST,
      origins: {
        exact: e.PUBLIC_URL ? [new URL(e.PUBLIC_URL).origin] : [],
        anyLoopback: !production,
      },
    },
    clients: {
      kioskDist: path.join(e.CLIENT_DIST_DIR, 'kiosk-client/dist'),
      advisorDist: path.join(e.CLIENT_DIST_DIR, 'advisor-client/dist'),
    },
    // Production never makes up accounts with a published password unless told to.
    demoSeed: e.DEMO_SEED ?? !production,
    data: {
      dir: e.DATA_DIR,
      sqliteFile: path.join(e.DATA_DIR, 'visio.sqlite'),
      databaseUrl: e.DATABASE_URL,
      poolMax: e.DATABASE_POOL_MAX,
    },
    cluster: {
      redisUrl: e.REDIS_URL,
      nodeId: e.NODE_ID ?? `${os.hostname().slice(0, 48)}-${randomBytes(3).toString('hex')}`,
    },
    auth: {
      sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
      cookieSecure: e.COOKIE_SECURE ?? e.PUBLIC_URL?.startsWith('https:') ?? false,
      serverSecret: e.SERVER_SECRET,
    },
    timezone: e.TIMEZONE,
    report: { carKgCo2ePerKm: e.REPORT_CAR_KG_CO2E_PER_KM },
    scheduling: {
      checkInBeforeMin: e.CHECKIN_BEFORE_MIN,
      checkInAfterMin: e.CHECKIN_AFTER_MIN,
      maxWrongCodes: e.CHECKIN_MAX_WRONG,
      lockMs: e.CHECKIN_LOCK_MS,
      takeoverGraceMs: e.TAKEOVER_GRACE_MS,
      kioskWaitingGraceMs: e.KIOSK_WAITING_GRACE_MS,
      noShowSweepMs: e.NO_SHOW_SWEEP_MS,
    },
    monitoring: {
      heartbeatIntervalMs: e.KIOSK_HEARTBEAT_INTERVAL_MS,
      heartbeatTimeoutMs: e.KIOSK_HEARTBEAT_TIMEOUT_MS,
      offlineAlertGraceMs: e.KIOSK_OFFLINE_ALERT_GRACE_MS,
      qualitySampleIntervalMs: e.QUALITY_SAMPLE_INTERVAL_MS,
      qualityUnwatchedIntervalMs: e.QUALITY_UNWATCHED_INTERVAL_MS,
      mediaStartTimeoutMs: Math.round(e.MEDIA_START_TIMEOUT_S * 1000),
      healthIntervalMs: e.HEALTH_INTERVAL_MS,
      metricsToken: e.METRICS_TOKEN,
      metricsListen:
        e.METRICS_PORT !== undefined
          ? { host: e.METRICS_HOST, port: e.METRICS_PORT }
          : production && !e.METRICS_TOKEN
            ? 'off'
            : 'public',
      linkTest: {
        minIntervalMs: e.LINK_TEST_MIN_INTERVAL_MS,
        maxConcurrent: e.LINK_TEST_MAX_CONCURRENT,
        deadlineMs: e.LINK_TEST_DEADLINE_MS,
      },
      nightlyTest: {
        window: e.NIGHTLY_TEST_WINDOW,
        maxConcurrent: e.NIGHTLY_TEST_MAX_CONCURRENT,
      },
      webhooks: {
        urls: e.WEBHOOK_URLS ?? [],
        secret: e.WEBHOOK_SECRET,
        timeoutMs: e.WEBHOOK_TIMEOUT_MS,
        retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      },
    },
    relay:
      e.TURN_URLS && e.TURN_SECRET
        ? { urls: e.TURN_URLS, secret: e.TURN_SECRET, credentialTtlS: e.TURN_CREDENTIAL_TTL_S }
        : undefined,
    recovery: {
      workerProbe:
        e.MEDIA_WORKER_PROBE_INTERVAL_MS > 0
          ? {
              intervalMs: e.MEDIA_WORKER_PROBE_INTERVAL_MS,
              timeoutMs: e.MEDIA_WORKER_PROBE_TIMEOUT_MS,
              misses: e.MEDIA_WORKER_PROBE_MISSES,
            }
          : undefined,
      rehomeWithinMs: e.CALL_REHOME_TIMEOUT_MS,
      drainTimeoutMs: e.DRAIN_TIMEOUT_S * 1000,
      drainLingerMs: e.DRAIN_LINGER_MS,
    },
  };
}
