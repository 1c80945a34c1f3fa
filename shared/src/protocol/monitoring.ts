import { z } from 'zod';
import { defineEvent, defineRequest } from './envelope';
import { IdSchema } from './ids';
import { MediaModeSchema, MediaRestartReasonSchema } from './calls';
import { InterpreterRoleSchema } from './interpreter';
import { MediaKindSchema } from './media';
import { KioskEnrolmentStateSchema } from './rest/auth';
import { LinkTestResultSchema } from './linkTest';
import { NightlyReasonSchema, NightlyTestViewSchema } from './nightlyTest';

// The technician console and the kiosks' health reports: fleet presence and alerts, live call
// quality, server health and the technician's actions. Technicians see metadata and figures only:
// nothing here carries media, a citizen's reference, a check-in code or a token.

const isoTime = z.iso.datetime({ offset: true });
/** A measured figure: finite, never negative, with an upper bound far above anything real. */
const figure = (max: number) => z.number().min(0).max(max);
/** Why a technician acts; kept in the audit log (never put names or citizen details in it). */
const ReasonSchema = z.string().trim().min(3).max(200);

// ---- Kiosk heartbeat

/** The kiosk app's screen, as its state machine knows it. */
export const KioskScreenSchema = z.enum([
  'welcome',
  'code',
  'device_check',
  'waiting',
  'call',
  'survey',
  'out_of_service',
  // The nightly test call runs (no citizen; the screen says a maintenance test is in progress).
  'maintenance_test',
]);
export type KioskScreen = z.infer<typeof KioskScreenSchema>;

/** `PermissionState` of the Permissions API, or `unknown` where the browser cannot tell. */
export const DevicePermissionSchema = z.enum(['granted', 'denied', 'prompt', 'unknown']);

export const KioskDeviceStateSchema = z
  .object({ present: z.boolean(), permission: DevicePermissionSchema })
  .strict();

export const KioskHeartbeatSchema = z
  .object({
    appVersion: z.string().trim().min(1).max(40),
    screen: KioskScreenSchema,
    camera: KioskDeviceStateSchema,
    microphone: KioskDeviceStateSchema,
    /** When the speaker test last played on this kiosk; null if never since the app started. */
    speakerTestedAt: isoTime.nullable(),
    network: z
      .object({
        /** `navigator.connection.effectiveType` (`4g`, `3g`…), null where unsupported. */
        effectiveType: z
          .string()
          .regex(/^[a-z0-9-]{1,16}$/)
          .nullable(),
        /** Round trip to the server measured by the kiosk app (e.g. timing session:whoami). */
        serverRttMs: figure(60_000).nullable(),
      })
      .strict(),
    userAgent: z.string().max(400),
  })
  .strict();
export type KioskHeartbeat = z.infer<typeof KioskHeartbeatSchema>;

export const KioskHeartbeatViewSchema = KioskHeartbeatSchema.extend({ receivedAt: isoTime });
export type KioskHeartbeatView = z.infer<typeof KioskHeartbeatViewSchema>;

export const KioskCommandSchema = z.enum(['reload', 'out_of_service', 'in_service']);
export type KioskCommand = z.infer<typeof KioskCommandSchema>;

// ---- Alerts and the fleet

export const AlertTypeSchema = z.enum([
  'kiosk_offline',
  'camera_missing',
  'microphone_missing',
  'permission_denied',
  // a call of this kiosk ended media_unreachable; cleared when a call of the kiosk carries media
  'media_unreachable',
  // The kiosk's last link test graded worse, or reached fewer paths, than its previous runs.
  'link_degraded',
  // The kiosk's last nightly test call is worse than its site's baseline (reasons with it).
  'nightly_degraded',
]);
export type AlertType = z.infer<typeof AlertTypeSchema>;

/** One party's media path as the server saw it when the call's media had not started. */
export const MediaPathSchema = z.object({
  /** ICE and DTLS states of its send and receive transports; null: never created. */
  send: z.object({ ice: z.string().max(20), dtls: z.string().max(20) }).nullable(),
  recv: z.object({ ice: z.string().max(20), dtls: z.string().max(20) }).nullable(),
  /** The protocol of the ICE path it reached (null: none). */
  protocol: z.enum(['udp', 'tcp']).nullable(),
  /** RTP packets from its browser, and to it. */
  packetsReceived: z.number().int().nonnegative(),
  packetsSent: z.number().int().nonnegative(),
});
export type MediaPath = z.infer<typeof MediaPathSchema>;

/** Why a call ended media_unreachable: what flowed, what did not, and whose path failed. */
export const MediaStartFailureSchema = z.object({
  waitedSeconds: z.number().nonnegative(),
  /** The directions in which no media arrived. */
  missing: z.array(z.enum(['kiosk_to_advisor', 'advisor_to_kiosk'])).max(2),
  /** The parties whose own network path never carried media (empty: cannot tell). */
  unreachable: z.array(z.enum(['kiosk', 'advisor'])).max(2),
  kiosk: MediaPathSchema,
  advisor: MediaPathSchema,
});
export type MediaStartFailure = z.infer<typeof MediaStartFailureSchema>;

export const AlertSchema = z.object({
  id: IdSchema,
  type: AlertTypeSchema,
  kioskId: IdSchema,
  raisedAt: isoTime,
  /** Null while the alert is active. */
  clearedAt: isoTime.nullable(),
  /** media_unreachable: the call's media paths when it failed. */
  mediaFailure: MediaStartFailureSchema.optional(),
  /** nightly_degraded: what is worse than usual ("UDP blocked since…", "round trip 3×"). */
  nightly: z.array(NightlyReasonSchema).max(12).optional(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const KioskFleetStatusSchema = z.object({
  kioskId: IdSchema,
  name: z.string(),
  siteId: IdSchema,
  siteName: z.string(),
  enrolmentState: KioskEnrolmentStateSchema,
  outOfService: z.boolean(),
  /** Online: connected and heard from within the heartbeat timeout. */
  status: z.enum(['online', 'offline']),
  /** Holds a signalling connection (it may be connected yet silent, hence offline). */
  connected: z.boolean(),
  inCall: z.boolean(),
  /** Last heartbeat, connection or disconnection seen; null if not since the server started. */
  lastSeenAt: isoTime.nullable(),
  heartbeat: KioskHeartbeatViewSchema.nullable(),
  alerts: z.array(AlertSchema),
  /** The kiosk's last pre-call link test; null if it never ran one. */
  linkTest: LinkTestResultSchema.nullable(),
  /** The kiosk's last nightly test call against its site's baseline; null if none yet. */
  nightlyTest: NightlyTestViewSchema.nullable().optional(),
});
export type KioskFleetStatus = z.infer<typeof KioskFleetStatusSchema>;

// ---- Call quality

export const CallDirectionSchema = z.enum(['kiosk_to_advisor', 'advisor_to_kiosk']);
export type CallDirection = z.infer<typeof CallDirectionSchema>;
export const QualityVerdictSchema = z.enum(['good', 'fair', 'poor']);
export type QualityVerdict = z.infer<typeof QualityVerdictSchema>;
export const IceProtocolSchema = z.enum(['udp', 'tcp']);

/** One direction and kind of media at one instant. Null: not measured (yet). */
export const FlowQualitySchema = z.object({
  bitrateKbps: z.number().nullable(),
  packetLossPercent: z.number().nullable(),
  jitterMs: z.number().nullable(),
  /** Browser to browser through the server: the sender's leg plus the receiver's leg. */
  rttMs: z.number().nullable(),
  framesPerSecond: z.number().nullable(),
  frameWidth: z.number().nullable(),
  frameHeight: z.number().nullable(),
  /** Video stalls seen by the receiver since the call started. */
  freezes: z.number().int().nonnegative(),
  /** mediasoup's score (0–10): the lower of the sender's and the receiver's stream scores. */
  score: z.number().nullable(),
});
export type FlowQuality = z.infer<typeof FlowQualitySchema>;

const byKind = <T extends z.ZodType>(flow: T) =>
  z.object({ audio: flow.nullable(), video: flow.nullable() });
const byDirection = <T extends z.ZodType>(flow: T) =>
  z.object({ kioskToAdvisor: byKind(flow), advisorToKiosk: byKind(flow) });

export const QualityReasonSchema = z.enum(['packet_loss', 'jitter', 'rtt', 'freezes']);

export const QualitySampleSchema = z.object({
  at: isoTime,
  flows: byDirection(FlowQualitySchema),
  /** Transport protocol of each party's selected ICE candidate pair. */
  ice: z.object({ kiosk: IceProtocolSchema.nullable(), advisor: IceProtocolSchema.nullable() }),
  /** Null when nothing was measured. */
  verdict: QualityVerdictSchema.nullable(),
  reasons: z.array(QualityReasonSchema),
});
export type QualitySample = z.infer<typeof QualitySampleSchema>;

const StatSchema = z.object({ avg: z.number(), p95: z.number() }).nullable();
export const FlowSummarySchema = z.object({
  bitrateKbps: StatSchema,
  packetLossPercent: StatSchema,
  jitterMs: StatSchema,
  rttMs: StatSchema,
  framesPerSecond: StatSchema,
  freezes: z.number().int().nonnegative(),
});

/** Stored in `call_records.quality` when the call ends. */
export const QualitySummarySchema = z.object({
  version: z.literal(1),
  samples: z.number().int().nonnegative(),
  verdict: QualityVerdictSchema.nullable(),
  reasons: z.array(QualityReasonSchema),
  flows: byDirection(FlowSummarySchema),
  ice: z.object({ kiosk: IceProtocolSchema.nullable(), advisor: IceProtocolSchema.nullable() }),
  setupSeconds: z.number().nullable(),
});
export type QualitySummary = z.infer<typeof QualitySummarySchema>;

/** A party of a call, by its role: the console never names a person here. */
export const CallRoleSchema = z.enum(['kiosk', 'advisor']);
export type CallRole = z.infer<typeof CallRoleSchema>;

/**
 * Where a live call's media stands, as the server sees it:
 * - `connecting`: the call started and media does not flow both ways yet;
 * - `flowing`: each party receives the other's media;
 * - `reconnecting`: a party's connection is lost (see `away`), or its media is being set up again;
 * - `rehoming`: the call's media room was lost (`cause`) and the call moves to a new one, until
 *   media flows both ways there.
 */
export const CallMediaStateSchema = z.enum(['connecting', 'flowing', 'reconnecting', 'rehoming']);
export type CallMediaState = z.infer<typeof CallMediaStateSchema>;

export const LiveCallMediaSchema = z.object({
  state: CallMediaStateSchema,
  /** When the call entered this state. */
  since: isoTime,
  /** While rehoming: why its room was lost; null otherwise. */
  cause: MediaRestartReasonSchema.nullable(),
  /** Which media room of the call carries it (call:mediaRestart's `mediaEpoch`). */
  epoch: z.number().int().min(0),
  /** Parties whose connection is lost, since when, and when the call stops waiting for them. */
  away: z.array(z.object({ role: CallRoleSchema, since: isoTime, graceEndsAt: isoTime })),
  /**
   * Cameras and microphones that send nothing though nobody turned them off: their device
   * stopped and is being opened again (`recovering`), or that gave up (`missing`).
   */
  devices: z.array(
    z.object({
      role: CallRoleSchema,
      source: z.enum(['camera', 'microphone']),
      state: z.enum(['recovering', 'missing']),
      since: isoTime,
    }),
  ),
  /** Interruptions so far (each in the call history with its duration once the call ends). */
  incidents: z.number().int().nonnegative(),
});
export type LiveCallMedia = z.infer<typeof LiveCallMediaSchema>;

export const LiveCallSchema = z.object({
  callId: IdSchema,
  kioskId: IdSchema,
  kioskName: z.string(),
  siteName: z.string().nullable(),
  advisorId: IdSchema,
  advisorName: z.string(),
  serviceId: IdSchema.nullable(),
  serviceName: z.string().nullable(),
  startedAt: isoTime,
  durationSeconds: z.number().nonnegative(),
  /** From the start of the call until both sides receive media; null until then. */
  setupSeconds: z.number().nullable(),
  workerPid: z.number().int(),
  /** What each party's line carries: video, or audio + real-time text (its degradation policy). */
  mediaModes: z.object({ kiosk: MediaModeSchema, advisor: MediaModeSchema }),
  /** The interpreter taking part, as a role (LSF, LPC, a spoken language), never a name. */
  interpreter: InterpreterRoleSchema.nullable().optional(),
  media: LiveCallMediaSchema,
  latest: QualitySampleSchema.nullable(),
});
export type LiveCall = z.infer<typeof LiveCallSchema>;

/** One interruption of a call: what happened and how long it lasted (null: the call ended during it). */
export const CallIncidentSchema = z.object({
  cause: z.enum([
    'worker_died', // its media worker exited; the call moved to a new room
    'worker_unresponsive', // its media worker stopped answering the health probe and was replaced
    'router_closed', // its router closed under it; the call moved to a new room
    'server_restart', // the server restarted and restored the call
    'kiosk_away', // the kiosk's connection was lost, then back (or the call ended)
    'advisor_away', // the advisor's connection was lost, then back (or the call ended)
  ]),
  startedAt: isoTime,
  durationMs: z.number().int().nonnegative().nullable(),
});
export type CallIncidentEntry = z.infer<typeof CallIncidentSchema>;

export const CallHistoryEntrySchema = z.object({
  callId: IdSchema,
  kioskId: IdSchema,
  kioskName: z.string().nullable(),
  siteName: z.string().nullable(),
  advisorId: IdSchema,
  advisorName: z.string().nullable(),
  serviceId: IdSchema.nullable(),
  serviceName: z.string().nullable(),
  startedAt: isoTime,
  endedAt: isoTime.nullable(),
  durationSeconds: z.number().nonnegative().nullable(),
  /** A CallEndReason, or `server_restart` for calls the server did not see end. */
  endReason: z.string().nullable(),
  endedBy: z.string().nullable(),
  quality: QualitySummarySchema.nullable(),
  /** Media rooms lost, restarts and parties away during the call, oldest first. */
  incidents: z.array(CallIncidentSchema),
  /** A call that ended media_unreachable: whose path failed, and the ICE states seen. */
  mediaFailure: MediaStartFailureSchema.nullable(),
  /** The interpretation given in the call, if an interpreter took part (a role, never a name). */
  interpreter: InterpreterRoleSchema.nullable().optional(),
});
export type CallHistoryEntry = z.infer<typeof CallHistoryEntrySchema>;

// ---- Browser statistics (CallSession's CallStatsSummary)

export const MediaFlowStatsSchema = z.object({
  kind: MediaKindSchema,
  bitrateKbps: figure(1_000_000).nullable(),
  packets: figure(1e12),
  /** Inbound counters may go negative (duplicates), as WebRTC defines them. */
  packetsLost: z.number().min(-1e12).max(1e12).nullable(),
  jitterMs: figure(1_000_000).nullable(),
  framesDecoded: figure(1e12).nullable(),
  framesPerSecond: figure(1_000).nullable(),
  frameWidth: figure(16_384).nullable(),
  frameHeight: figure(16_384).nullable(),
  roundTripTimeMs: figure(1_000_000).nullable(),
  /** `inbound-rtp.freezeCount` where the browser has it (Chromium). */
  freezeCount: figure(1e9).optional(),
});

export const CallStatsSummarySchema = z.object({
  timestamp: z.number().int().nonnegative(),
  outbound: z.object({
    audio: MediaFlowStatsSchema.nullable(),
    video: MediaFlowStatsSchema.nullable(),
  }),
  inbound: z.object({
    audio: MediaFlowStatsSchema.nullable(),
    video: MediaFlowStatsSchema.nullable(),
  }),
});
export type CallStatsReport = z.infer<typeof CallStatsSummarySchema>;
export type MediaFlowReport = z.infer<typeof MediaFlowStatsSchema>;

// ---- Server health

export const WorkerHealthSchema = z.object({
  slot: z.number().int().nonnegative(),
  pid: z.number().int(),
  /** Share of one core used since the previous measurement, in percent; null on the first. */
  cpuPercent: z.number().nullable(),
  routers: z.number().int().nonnegative(),
  transports: z.number().int().nonnegative(),
  producers: z.number().int().nonnegative(),
  consumers: z.number().int().nonnegative(),
});

export const HealthSnapshotSchema = z.object({
  at: isoTime,
  uptimeSeconds: z.number().nonnegative(),
  workers: z.array(WorkerHealthSchema),
  workerDeaths: z.object({
    total: z.number().int().nonnegative(),
    recent: z.array(
      z.object({ slot: z.number().int(), pid: z.number().int(), at: isoTime, error: z.string() }),
    ),
  }),
  process: z.object({
    rssBytes: z.number().nonnegative(),
    heapUsedBytes: z.number().nonnegative(),
    heapTotalBytes: z.number().nonnegative(),
    /** The Node process's CPU (all threads) as a share of one core, in percent. */
    cpuPercent: z.number().nullable(),
  }),
  eventLoop: z.object({
    meanMs: z.number().nonnegative(),
    p99Ms: z.number().nonnegative(),
    maxMs: z.number().nonnegative(),
  }),
  sockets: z.number().int().nonnegative(),
  activeCalls: z.number().int().nonnegative(),
  kiosksOnline: z.number().int().nonnegative(),
});
export type HealthSnapshot = z.infer<typeof HealthSnapshotSchema>;

// ---- Messages

/** Sent by both parties of a call; the same definition on both namespaces. */
const statsReport = defineRequest(
  'stats:report',
  z.object({ callId: IdSchema, stats: CallStatsSummarySchema }).strict(),
  z.object({}),
  'A party of the call: its CallSession statistics summary, about every 5 s during the call. Anyone else: NOT_FOUND.',
);

export const kioskMonitoringRequests = {
  heartbeat: defineRequest(
    'kiosk:heartbeat',
    KioskHeartbeatSchema,
    z.object({ intervalMs: z.number().int().positive() }),
    'Kiosk: its health every `intervalMs` (answered; 10 s by default). Silent for 30 s = offline.',
  ),
  statsReport,
} as const;

export const kioskMonitoringEvents = {
  command: defineEvent(
    'kiosk:command',
    z.object({ command: KioskCommandSchema }),
    'Kiosk: a technician asks it to reload the app, or to show (or leave) the out-of-service screen.',
  ),
} as const;

const staffOnly = 'Technician, admin:';

export const staffMonitoringRequests = {
  fleetList: defineRequest(
    'fleet:list',
    z.object({}).strict(),
    z.object({ kiosks: z.array(KioskFleetStatusSchema) }),
    `${staffOnly} every kiosk with its site, status, last heartbeat and active alerts.`,
  ),
  alertsList: defineRequest(
    'alerts:list',
    z.object({ limit: z.number().int().min(1).max(500).optional() }).strict(),
    z.object({ active: z.array(AlertSchema), history: z.array(AlertSchema) }),
    `${staffOnly} active alerts, and the latest cleared ones (newest first, \`limit\` default 100).`,
  ),
  callsLive: defineRequest(
    'calls:live',
    z.object({}).strict(),
    z.object({ calls: z.array(LiveCallSchema) }),
    `${staffOnly} calls in progress with parties, service, duration and latest quality sample.`,
  ),
  callSamples: defineRequest(
    'calls:samples',
    z.object({ callId: IdSchema }).strict(),
    z.object({ samples: z.array(QualitySampleSchema) }),
    `${staffOnly} the recent quality samples of a live call (oldest first), for its charts.`,
  ),
  callsHistory: defineRequest(
    'calls:history',
    z
      .object({
        quality: QualityVerdictSchema.optional(),
        limit: z.number().int().min(1).max(200).optional(),
        /** Paging: only calls started before this time. */
        before: isoTime.optional(),
      })
      .strict(),
    z.object({ calls: z.array(CallHistoryEntrySchema) }),
    `${staffOnly} past calls, newest first (\`limit\` default 50), optionally only those of one quality verdict.`,
  ),
  healthGet: defineRequest(
    'health:get',
    z.object({}).strict(),
    HealthSnapshotSchema,
    `${staffOnly} media workers, process memory, event-loop lag and connections.`,
  ),
  endCall: defineRequest(
    'calls:end',
    z.object({ callId: IdSchema, reason: ReasonSchema }).strict(),
    z.object({}),
    `${staffOnly} end a call (both sides hear reason ended_by_staff). Audited with the reason.`,
  ),
  reloadKiosk: defineRequest(
    'kiosk:reload',
    z.object({ kioskId: IdSchema, reason: ReasonSchema }).strict(),
    z.object({ delivered: z.boolean() }),
    `${staffOnly} tell a kiosk to reload its app; \`delivered\` is false when it is not connected. Audited.`,
  ),
  setKioskOutOfService: defineRequest(
    'kiosk:setOutOfService',
    z.object({ kioskId: IdSchema, outOfService: z.boolean(), reason: ReasonSchema }).strict(),
    z.object({ kiosk: KioskFleetStatusSchema }),
    `${staffOnly} take a kiosk out of service (it shows so and takes no bookings) or back. Audited.`,
  ),
  statsReport,
} as const;

export const staffMonitoringEvents = {
  fleetChanged: defineEvent(
    'fleet:changed',
    KioskFleetStatusSchema,
    `${staffOnly} one kiosk's status, heartbeat or alerts changed.`,
  ),
  alertRaised: defineEvent('alert:raised', AlertSchema, `${staffOnly} a new alert.`),
  alertCleared: defineEvent('alert:cleared', AlertSchema, `${staffOnly} an alert ended.`),
  callQuality: defineEvent(
    'calls:quality',
    z.object({ callId: IdSchema, sample: QualitySampleSchema }),
    `${staffOnly} a new quality sample of a live call, at every sampling tick.`,
  ),
  callsChanged: defineEvent(
    'calls:changed',
    z.object({
      callId: IdSchema,
      status: z.enum(['active', 'ended']),
      call: LiveCallSchema,
      endReason: z.string().nullable(),
    }),
    `${staffOnly} a call started, finished setting up, or ended.`,
  ),
  healthChanged: defineEvent(
    'health:changed',
    HealthSnapshotSchema,
    `${staffOnly} server health, every few seconds.`,
  ),
} as const;
