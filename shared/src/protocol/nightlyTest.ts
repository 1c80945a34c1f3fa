import { z } from 'zod';
import { defineEvent, defineRequest } from './envelope';
import { IdSchema } from './ids';
import { LinkPathSchema } from './linkGrade';
import {
  DtlsParametersSchema,
  MediaKindSchema,
  RtpCapabilitiesSchema,
  RtpParametersSchema,
} from './media';
import { IceServersSchema } from './relay';

// The nightly test call (docs/nightly-tests.md): outside opening hours the server asks each
// online, idle kiosk to run a call-like media test. The kiosk answers by itself with a generated
// test pattern and tone (never its camera or microphone), sends them to the SFU over each path
// (UDP, ICE-TCP, TURN when deployed), and receives them back looped through the SFU: its own
// producers consumed back to it on a router of the test's own. It measures, from its browser's RTP
// statistics, the time to the first looped frame, RTT, jitter, loss and bitrate.

const isoTime = z.iso.datetime({ offset: true });
const fromServer = z.looseObject({});
/** A measured figure: finite, never negative, bounded far above anything real. */
const figure = (max: number) => z.number().min(0).max(max).nullable();

/** What the kiosk runs, decided by the server. */
export const NightlyTestPlanSchema = z.object({
  /** A path whose looped video has not shown a frame by then is unreachable. */
  firstFrameTimeoutMs: z.number().int().positive(),
  /** Once the first frame is back: how long the loop runs before the figures are read. */
  measureMs: z.number().int().positive(),
  /** The test pattern's bitrate cap (the server's transports refuse more). */
  maxVideoKbps: z.number().int().positive(),
  /** The server closes the test this long after it started, finished or not. */
  deadlineMs: z.number().int().positive(),
});
export type NightlyTestPlan = z.infer<typeof NightlyTestPlanSchema>;

const TransportInfoSchema = z.object({
  transportId: IdSchema,
  iceParameters: fromServer,
  iceCandidates: z.array(fromServer),
  dtlsParameters: fromServer,
});

export const NightlyTestPathInfoSchema = z.object({
  path: LinkPathSchema,
  /** The kiosk sends its pattern and tone on this one… */
  send: TransportInfoSchema,
  /** …and receives them back on this one. */
  recv: TransportInfoSchema,
  /** For the `turn` path: the relay to go through, relay-only. Null for the direct paths. */
  iceServers: IceServersSchema.nullable(),
});
export type NightlyTestPathInfo = z.infer<typeof NightlyTestPathInfoSchema>;

/** One path's figures, from the kiosk's RTP statistics of the looped media. */
export const NightlyPathFiguresSchema = z
  .object({
    path: LinkPathSchema,
    /** The looped video showed a frame within the plan's timeout. */
    reached: z.boolean(),
    /** From the first packet sent to the first looped frame decoded. */
    timeToFirstFrameMs: figure(120_000),
    /** Round trip of the send side (RTCP, else the selected ICE pair). */
    rttMs: figure(60_000),
    /** Jitter of the looped audio and video as received (the larger). */
    jitterMs: figure(60_000),
    /** Packets lost of the looped media, in percent. */
    lossPct: figure(100),
    /** Looped video and audio received, over the measure. */
    videoKbps: figure(100_000),
    audioKbps: figure(10_000),
  })
  .strict();
export type NightlyPathFigures = z.infer<typeof NightlyPathFiguresSchema>;

/** A path that was not reached: nothing measured on it. */
export function unreachedPath(path: z.infer<typeof LinkPathSchema>): NightlyPathFigures {
  return {
    path,
    reached: false,
    timeToFirstFrameMs: null,
    rttMs: null,
    jitterMs: null,
    lossPct: null,
    videoKbps: null,
    audioKbps: null,
  };
}

export const NightlyTriggerSchema = z.enum(['schedule', 'technician']);
export type NightlyTrigger = z.infer<typeof NightlyTriggerSchema>;

export const NightlyTestResultSchema = z.object({
  id: IdSchema,
  kioskId: IdSchema,
  siteId: IdSchema,
  at: isoTime,
  trigger: NightlyTriggerSchema,
  paths: z.array(NightlyPathFiguresSchema).min(1).max(3),
});
export type NightlyTestResult = z.infer<typeof NightlyTestResultSchema>;

/** A site's usual figures per path: medians over its last nightly results. */
export const NightlyPathBaselineSchema = z.object({
  path: LinkPathSchema,
  /** Results in which this path was tried. */
  runs: z.number().int().nonnegative(),
  /** Share of those that reached it (0–1). */
  reachedShare: z.number().min(0).max(1),
  timeToFirstFrameMs: z.number().nullable(),
  rttMs: z.number().nullable(),
  jitterMs: z.number().nullable(),
  lossPct: z.number().nullable(),
  videoKbps: z.number().nullable(),
});
export type NightlyPathBaseline = z.infer<typeof NightlyPathBaselineSchema>;

export const NightlyBaselineSchema = z.object({
  siteId: IdSchema,
  runs: z.number().int().nonnegative(),
  paths: z.array(NightlyPathBaselineSchema).max(3),
});
export type NightlyBaseline = z.infer<typeof NightlyBaselineSchema>;

/** Why a nightly result is worse than usual; the console words each one (fr/en). */
export const NightlyReasonSchema = z.discriminatedUnion('code', [
  /** The path no longer works; `since`: the first of the kiosk's results in a row without it. */
  z.object({ code: z.literal('path_blocked'), path: LinkPathSchema, since: isoTime }),
  /** A figure this many times the usual (round trip, time to first frame, jitter). */
  z.object({
    code: z.enum(['rtt', 'first_frame', 'jitter']),
    path: LinkPathSchema,
    factor: z.number().positive(),
  }),
  /** Loss above the usual by this many points. */
  z.object({ code: z.literal('loss'), path: LinkPathSchema, points: z.number().positive() }),
  /** Video bitrate below this share of the usual. */
  z.object({ code: z.literal('bitrate'), path: LinkPathSchema, share: z.number().min(0).max(1) }),
]);
export type NightlyReason = z.infer<typeof NightlyReasonSchema>;

/** The kiosk's last nightly result against its site's baseline (the console's view). */
export const NightlyTestViewSchema = z.object({
  result: NightlyTestResultSchema,
  baseline: NightlyBaselineSchema,
  /** Empty: as usual. */
  reasons: z.array(NightlyReasonSchema),
});
export type NightlyTestView = z.infer<typeof NightlyTestViewSchema>;

const testId = IdSchema;
const rtpCapabilities = RtpCapabilitiesSchema;

export const kioskNightlyTestEvents = {
  asked: defineEvent(
    'nightlyTest:asked',
    z.object({ trigger: NightlyTriggerSchema }),
    'Server to kiosk: run the nightly test call now if idle (start it with nightlyTest:start), or decline it (nightlyTest:decline).',
  ),
} as const;

export const kioskNightlyTestRequests = {
  start: defineRequest(
    'nightlyTest:start',
    z.object({}).strict(),
    z.object({
      testId,
      rtpCapabilities: fromServer,
      paths: z.array(NightlyTestPathInfoSchema).min(1).max(3),
      plan: NightlyTestPlanSchema,
    }),
    'Kiosk: open the nightly test it was asked to run (a send and a receive transport per path, on a router of its own). BAD_STATE reason not_asked without a pending request of the server; BAD_STATE reason in_call during a call; UNAVAILABLE reason nightly_test_busy when the server runs its maximum.',
  ),
  decline: defineRequest(
    'nightlyTest:decline',
    z.object({ reason: z.enum(['busy', 'recent_interaction', 'unsupported']) }).strict(),
    z.object({}),
    'Kiosk: it will not run the test it was asked to (a citizen is using it, or was a moment ago). The server tries again later in the window.',
  ),
  connect: defineRequest(
    'nightlyTest:connect',
    z
      .object({
        testId,
        path: LinkPathSchema,
        direction: z.enum(['send', 'recv']),
        dtlsParameters: DtlsParametersSchema,
      })
      .strict(),
    z.object({}),
    "Kiosk: the DTLS parameters of one of a path's transports. NOT_FOUND once the test is closed.",
  ),
  produce: defineRequest(
    'nightlyTest:produce',
    z
      .object({
        testId,
        path: LinkPathSchema,
        kind: MediaKindSchema,
        rtpParameters: RtpParametersSchema,
      })
      .strict(),
    z.object({ producerId: IdSchema }),
    'Kiosk: the test pattern (video) or tone (audio) on a path; one of each per path (CONFLICT for a second).',
  ),
  consume: defineRequest(
    'nightlyTest:consume',
    z.object({ testId, path: LinkPathSchema, kind: MediaKindSchema, rtpCapabilities }).strict(),
    z.object({
      consumerId: IdSchema,
      producerId: IdSchema,
      kind: MediaKindSchema,
      rtpParameters: fromServer,
    }),
    "Kiosk: its own producer of that kind, looped back through the SFU on the path's receive transport. NOT_FOUND before it is produced.",
  ),
  finish: defineRequest(
    'nightlyTest:finish',
    z
      .object({ testId, paths: z.array(NightlyPathFiguresSchema).min(1).max(3) })
      .strict()
      .refine((r) => new Set(r.paths.map((p) => p.path)).size === r.paths.length, {
        message: 'one entry per path',
      }),
    z.object({ result: NightlyTestResultSchema }),
    "Kiosk: the figures of each path. The server keeps a path reached only if its transports connected on the server's side, stores the result, compares it with the site's baseline (alert nightly_degraded) and closes the test. NOT_FOUND once closed.",
  ),
} as const;

export const staffNightlyTestRequests = {
  run: defineRequest(
    'nightlyTest:run',
    z.object({ kioskId: IdSchema, reason: z.string().trim().min(3).max(200) }).strict(),
    z.object({ delivered: z.boolean() }),
    'Technician, admin: ask one kiosk to run the nightly test call now (audited with the reason). The kiosk runs it if idle. NOT_FOUND for an unknown kiosk; BAD_STATE reason in_call during its call.',
  ),
  history: defineRequest(
    'nightlyTest:history',
    z.object({ kioskId: IdSchema, limit: z.number().int().min(1).max(100).optional() }).strict(),
    z.object({ results: z.array(NightlyTestResultSchema) }),
    "Technician, admin: a kiosk's nightly results, newest first (`limit` default 20).",
  ),
} as const;

export const staffNightlyTestEvents = {
  result: defineEvent(
    'nightlyTest:result',
    NightlyTestViewSchema.extend({ kioskId: IdSchema }),
    "Technician, admin: a kiosk finished a nightly test call; its figures against its site's baseline, with the reasons it is worse than usual (none: as usual).",
  ),
} as const;
