import { z } from 'zod';
import { defineEvent, defineRequest } from './envelope';
import { IdSchema } from './ids';
import { LinkGradeSchema, LinkLimitSchema, LinkPathSchema } from './linkGrade';
import { DtlsParametersSchema } from './media';
import { IceServersSchema } from './relay';

// The pre-call link test (docs/link-test.md): during the device check the kiosk opens one
// short-lived probe transport per path (UDP, ICE-TCP, TURN relay), each with an unreliable SCTP
// data channel towards the server. Reachability is the path connecting; RTT comes from the
// browser's ICE checks; loss from sequence numbers at an audio-like rate; throughput from the
// bytes the server counts while the kiosk sends as fast as its link allows, up to a cap. The server
// sends nothing back but the transport's own acknowledgements: the probe cannot amplify.

const isoTime = z.iso.datetime({ offset: true });
const fromServer = z.looseObject({});

/** What the kiosk must send, decided by the server (the server holds it to these bounds). */
export const LinkTestPlanSchema = z.object({
  /** A path whose channel has not opened by then is unreachable. */
  connectTimeoutMs: z.number().int().positive(),
  /** Loss phase: this many messages of `lossMessageBytes`, one every `lossIntervalMs`. */
  lossMessages: z.number().int().positive(),
  lossIntervalMs: z.number().int().positive(),
  lossMessageBytes: z.number().int().positive(),
  /** Throughput phase: send for this long, paced to at most `maxKbps`. */
  throughputMs: z.number().int().positive(),
  maxKbps: z.number().int().positive(),
  throughputMessageBytes: z.number().int().positive(),
  /** The server closes the test this long after it started, finished or not. */
  deadlineMs: z.number().int().positive(),
});
export type LinkTestPlan = z.infer<typeof LinkTestPlanSchema>;

/**
 * The first byte of each probe message: the phase it belongs to. Then a 32-bit big-endian
 * sequence number, then padding to the phase's message size.
 */
export const LINK_PROBE_PHASE = { loss: 1, throughput: 2 } as const;

export const LinkProbePathSchema = z.object({
  path: LinkPathSchema,
  transportId: IdSchema,
  iceParameters: fromServer,
  iceCandidates: z.array(fromServer),
  dtlsParameters: fromServer,
  sctpParameters: fromServer,
  /** For the `turn` path: the relay to go through, relay-only. Null for the direct paths. */
  iceServers: IceServersSchema.nullable(),
});
export type LinkProbePath = z.infer<typeof LinkProbePathSchema>;

const rttMs = z.number().min(0).max(60_000).nullable();

export const LinkTestResultSchema = z.object({
  id: IdSchema,
  kioskId: IdSchema,
  at: isoTime,
  grade: LinkGradeSchema,
  /** What kept the link from the next better grade. */
  limits: z.array(LinkLimitSchema),
  /** Which paths connected; null: not offered (TURN without a relay configured). */
  reachable: z.object({ udp: z.boolean(), tcp: z.boolean(), turn: z.boolean().nullable() }),
  /** The path measured: the first reachable of UDP, TCP, TURN (the one a call would take). */
  measuredPath: LinkPathSchema.nullable(),
  rttMs: z.number().nullable(),
  lossPct: z.number().nullable(),
  throughputKbps: z.number().nullable(),
});
export type LinkTestResult = z.infer<typeof LinkTestResultSchema>;

/** The paths a data channel carries: unordered and never retransmitted, so that loss shows. */
const SctpStreamParametersSchema = z
  .object({
    streamId: z.number().int().min(0).max(1023),
    ordered: z.literal(false),
    maxRetransmits: z.literal(0),
  })
  .loose();

const testId = IdSchema;

export const kioskLinkTestRequests = {
  start: defineRequest(
    'linkTest:start',
    z.object({}).strict(),
    z.object({
      testId,
      rtpCapabilities: fromServer,
      paths: z.array(LinkProbePathSchema).min(1).max(3),
      plan: LinkTestPlanSchema,
    }),
    'Kiosk: open a link test (one probe transport per path). BAD_STATE reason in_call during a call of this kiosk; RATE_LIMITED reason link_test_too_soon (with retryAfterSeconds) within the minimum interval of the last one; UNAVAILABLE reason link_test_busy when the server runs its maximum of tests. A test starting replaces this kiosk\u2019s running one.',
  ),
  connect: defineRequest(
    'linkTest:connect',
    z.object({ testId, path: LinkPathSchema, dtlsParameters: DtlsParametersSchema }).strict(),
    z.object({}),
    "Kiosk: the DTLS parameters of one path's probe transport. NOT_FOUND once the test is closed.",
  ),
  produceData: defineRequest(
    'linkTest:produceData',
    z
      .object({
        testId,
        path: LinkPathSchema,
        sctpStreamParameters: SctpStreamParametersSchema,
        label: z.literal('probe'),
        protocol: z.string().max(0).optional(),
      })
      .strict(),
    z.object({ dataProducerId: IdSchema }),
    "Kiosk: the probe channel of one path (unordered, no retransmission, label `probe`); one per path (CONFLICT for a second). Messages: one phase byte (1 loss, 2 throughput), a 32-bit sequence number, padding to the plan's size.",
  ),
  finish: defineRequest(
    'linkTest:finish',
    z
      .object({
        testId,
        /** The path the kiosk sent its phases on; null when none connected. */
        measuredPath: LinkPathSchema.nullable(),
        /** Round trip of each path's selected ICE pair (the browser's STUN checks). */
        rttMs: z.object({ udp: rttMs, tcp: rttMs, turn: rttMs }).strict(),
        /** Loss-phase messages the kiosk sent (the plan's count at most). */
        lossSent: z.number().int().min(0).max(10_000),
      })
      .strict(),
    z.object({ result: LinkTestResultSchema }),
    "Kiosk: the test is over. The server grades it from its own counts and the kiosk's RTTs, stores it, closes the probe and answers the result. NOT_FOUND once the test is closed (deadline passed, a call started).",
  ),
} as const;

export const staffLinkTestRequests = {
  history: defineRequest(
    'linkTest:history',
    z.object({ kioskId: IdSchema, limit: z.number().int().min(1).max(100).optional() }).strict(),
    z.object({ results: z.array(LinkTestResultSchema) }),
    "Technician, admin: a kiosk's link tests, newest first (`limit` default 20).",
  ),
} as const;

export const staffLinkTestEvents = {
  result: defineEvent(
    'linkTest:result',
    z.object({ result: LinkTestResultSchema, degraded: z.boolean() }),
    'Technician, admin: a kiosk finished a link test; `degraded` when its grade or reachable paths are worse than in its previous runs (the alert link_degraded is raised with it).',
  ),
} as const;
