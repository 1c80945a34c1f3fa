import type { PartyCall, PartyCallEnd, CallAnnouncement } from '@visio/shared/client';
import {
  AppError,
  type CallHandover,
  type CallStarted,
  type WaitingStatus,
} from '@visio/shared/protocol';
import {
  and,
  assertEvent,
  assign,
  fromCallback,
  fromPromise,
  not,
  or,
  raise,
  setup,
  stateIn,
  type EventObject,
} from 'xstate';
import {
  DEFAULT_LANGUAGE,
  type Language,
  type MessageKey,
  type MessageParams,
} from '../i18n/translate';
import { requestProblem } from '../session/RequestProblem';
import { createVisit, type CodeEntry, type Visit, type WelcomeNotice } from './Visit';
import { DEFAULT_TIMINGS, type VisitTimings } from './VisitTimings';

/** Whether the kiosk can serve at all, as its connection says (see KioskConnection). */
export interface KioskStatus {
  readonly access: 'enrolling' | 'not-enrolled' | 'unauthorized' | 'granted';
  readonly online: boolean;
  /** Until the first connection the kiosk shows "starting" rather than "out of service". */
  readonly everOnline: boolean;
  readonly outOfService: boolean;
}

export const INITIAL_KIOSK_STATUS: KioskStatus = {
  access: 'granted',
  online: false,
  everOnline: false,
  outOfService: false,
};

export interface VisitContext {
  /** The citizen's data: replaced whole by the privacy wipe. */
  readonly visit: Visit;
  readonly kiosk: KioskStatus;
  /**
   * Code entry is locked on this kiosk until then (ms since the epoch), after too many wrong
   * codes. The server locks the kiosk, not the citizen: the lock outlives the visit.
   */
  readonly codeLockedUntil: number | null;
  /** Seconds left in the "still there?" warning; null while it is not shown. */
  readonly countdown: number | null;
  readonly timings: VisitTimings;
  /** Numbers problems and announcements, so that the same one is announced again. */
  readonly seq: number;
}

export type VisitEvent =
  // the citizen
  | { readonly type: 'touch' }
  | { readonly type: 'language.set'; readonly language: Language }
  | { readonly type: 'readAloud.set'; readonly on: boolean }
  | { readonly type: 'output.set'; readonly deviceId: string | null }
  | { readonly type: 'code.open'; readonly entry?: CodeEntry }
  | { readonly type: 'code.entry'; readonly entry: CodeEntry }
  | { readonly type: 'code.back' }
  | { readonly type: 'code.submit'; readonly code: string; readonly via?: CodeEntry }
  | { readonly type: 'walkIn.join'; readonly serviceId: string }
  | { readonly type: 'deviceCheck.done' }
  | { readonly type: 'waiting.cancel' }
  | { readonly type: 'survey.submit'; readonly rating: number; readonly badQuality: boolean }
  | { readonly type: 'survey.skip' }
  // the kiosk's connection and the server
  | { readonly type: 'kiosk.status'; readonly status: KioskStatus }
  | { readonly type: 'server.home'; readonly waiting: WaitingStatus | null }
  | { readonly type: 'server.waitingStatus'; readonly status: WaitingStatus }
  | {
      readonly type: 'server.waitingEnded';
      readonly reason: 'no_show' | 'cancelled' | 'expired';
    }
  | { readonly type: 'server.callStarted'; readonly call: CallStarted }
  /** A warm transfer of the call: being put through, done, or not happening after all. */
  | { readonly type: 'server.handover'; readonly handover: CallHandover }
  // the call in progress (its PartyCall)
  | { readonly type: 'call.ready'; readonly partyCall: PartyCall }
  | { readonly type: 'call.announce'; readonly announcement: CallAnnouncement }
  | { readonly type: 'call.ended'; readonly end: PartyCallEnd }
  // raised when the "still there?" countdown runs out
  | { readonly type: 'visit.idle' };

type WaitingEnded = Extract<VisitEvent, { type: 'server.waitingEnded' }>;

export interface VisitInput {
  readonly timings?: VisitTimings;
}

/** How long the welcome screen's notices stay (the next person must not read them). */
export const NOTICE_MS = 10_000;
/** Someone who switched language and walked away must not leave it to the next person. */
export const LANGUAGE_RESET_MS = 3 * 60_000;
const LOCK_WITHOUT_WAIT_S = 60;

const NOTICE_AFTER_CALL: Record<PartyCallEnd['by'], WelcomeNotice | null> = {
  self: 'welcome.callEnded',
  server: 'welcome.callEnded',
  failure: 'welcome.callFailed',
  gone: 'welcome.callEnded',
  closed: null,
};

type Update = Partial<Visit>;
const withVisit = (context: VisitContext, update: Update): VisitContext['visit'] => ({
  ...context.visit,
  ...update,
});
const announcement = (context: VisitContext, key: MessageKey, params?: MessageParams) => ({
  key,
  ...(params ? { params } : {}),
  seq: (context.visit.announcement?.seq ?? 0) + 1,
});

/**
 * A warm transfer as the citizen lives it: told they are being put through (to a service), then
 * who their advisor is now; the call, its text and documents go on. A withdrawn one: nothing
 * changes, the notice goes.
 */
function afterHandover(context: VisitContext, handover: CallHandover): Update {
  const service = handover.serviceName;
  if (handover.state === 'withdrawn') return { handover: null };
  if (handover.state === 'offered')
    return {
      handover,
      announcement: announcement(context, 'announce.handover.offered', { service }),
    };
  const name = handover.advisorName ?? '';
  const call = context.visit.call;
  return {
    handover,
    ...(call
      ? {
          call: {
            ...call,
            peerName: name,
            ...(handover.advisorSince ? { advisorSince: handover.advisorSince } : {}),
          },
        }
      : {}),
    announcement: announcement(context, 'announce.handover.done', { name, service }),
  };
}

type NoticeParam =
  | WelcomeNotice
  | null
  | ((args: { context: VisitContext; event: EventObject }) => WelcomeNotice | null);

/**
 * The privacy wipe: the citizen has gone, nothing of theirs stays for the next one. Devices,
 * storage and speech go, the slice is replaced whole, then the welcome screen shows `notice`.
 */
function endVisit<P extends NoticeParam>(notice: P) {
  return [
    { type: 'releaseDevices' },
    { type: 'forgetCitizen' },
    { type: 'wipe', params: notice },
    { type: 'visitEnded' },
  ] as const;
}

/**
 * The citizen's visit at the kiosk as a statechart: welcome → code (or a walk-in service) →
 * device check → waiting → call → survey → the privacy wipe, back to welcome. Its timers are
 * delayed transitions: the "still there?" warning and its countdown, the welcome notices, the
 * language reset, the end of a code-entry lock. What it does to the world (requests, devices, the call) is named here and
 * provided by KioskVisit; tests provide their own.
 */
export const visitMachine = setup({
  types: {
    context: {} as VisitContext,
    events: {} as VisitEvent,
    input: {} as VisitInput,
  },
  actors: {
    checkIn: fromPromise<{ waiting: WaitingStatus }, { code: string }>(async () => {
      throw new AppError('UNAVAILABLE', 'not provided');
    }),
    joinWalkIn: fromPromise<{ waiting: WaitingStatus }, { serviceId: string }>(async () => {
      throw new AppError('UNAVAILABLE', 'not provided');
    }),
    cancelWaiting: fromPromise<void, void>(async () => undefined),
    submitSurvey: fromPromise<void, { callId: string; rating: number; badQuality: boolean }>(
      async () => undefined,
    ),
    /** Runs the call's PartyCall while the visit is in the call; closes it when it leaves. */
    partyCall: fromCallback<EventObject, { call: CallStarted }>(() => () => undefined),
  },
  actions: {
    /** Camera and microphone on: the waiting room shows them, the call starts at once with them. */
    openDevices: () => undefined,
    releaseDevices: () => undefined,
    /** What the browser keeps beside the slice: session storage, speech, print frames. */
    forgetCitizen: () => undefined,
    /** Read-aloud switched off: stop speaking now. */
    silence: () => undefined,
    /** The site's services may have changed (a walk-in slot closed). */
    refreshHome: () => undefined,
    /** The citizen has gone: a reload a technician asked for may happen now. */
    visitEnded: () => undefined,
    /** Checked in (by code, walk-in, or as the server tells): the waiting room, announced. */
    enterWaitingRoom: assign(({ context }, status: WaitingStatus) => ({
      visit: withVisit(context, {
        waiting: status,
        codeProblem: null,
        walkInProblem: null,
        announcement: announcement(context, 'announce.waiting', { service: status.serviceName }),
      }),
    })),
    /** Back in the waiting room after an outage or a reload: no announcement, the same place. */
    rejoinWaitingRoom: assign(({ context }, status: WaitingStatus) => ({
      visit: withVisit(context, { waiting: status }),
    })),
    clearWelcomeProblems: assign(({ context }) => ({
      visit: withVisit(context, { notice: null, walkInProblem: null }),
    })),
    /** The slice replaced whole, then the welcome notice if any (see `endVisit`). */
    wipe: assign((_, notice: WelcomeNotice | null) => ({ visit: { ...createVisit(), notice } })),
  },
  guards: {
    online: ({ context }) => context.kiosk.access === 'granted' && context.kiosk.online,
    inService: ({ context }) => !context.kiosk.outOfService,
    /** Something of the citizen shows on the welcome screen (their language, a notice…). */
    personal: ({ context }) =>
      context.visit.language !== DEFAULT_LANGUAGE ||
      context.visit.readAloud ||
      context.visit.notice !== null,
    otherLanguage: ({ context }) => context.visit.language !== DEFAULT_LANGUAGE,
    hasNotice: ({ context }) => context.visit.notice !== null,
    codeUnlocked: ({ context }) => context.codeLockedUntil === null,
    lastSecond: ({ context }) => (context.countdown ?? 0) <= 1,
    accessLost: ({ context, event }) =>
      event.type === 'kiosk.status' &&
      event.status.access !== 'granted' &&
      context.kiosk.access === 'granted',
    homeKnowsWaiting: ({ event }) => event.type === 'server.home' && event.waiting !== null,
    anotherCall: ({ context, event }) =>
      event.type === 'server.callStarted' && event.call.callId !== context.visit.call?.callId,
    /**
     * The advisor did not come back within the grace, or the call's picture and sound never got
     * through: the citizen is not sent home but back to the head of their service's queue.
     */
    handedBack: ({ event }) =>
      event.type === 'call.ended' &&
      event.end.by === 'server' &&
      (event.end.reason === 'advisor_disconnected' || event.end.reason === 'media_unreachable'),
    /** A screen where a citizen who walked away would leave something behind. */
    onWatchedScreen: or([
      stateIn('#visit.step.survey'),
      stateIn('#visit.step.waiting.screen.deviceCheck'),
      and([stateIn('#visit.step.code'), 'online']),
      and([stateIn('#visit.step.welcome'), 'online', 'inService', 'personal']),
    ]),
  },
  delays: {
    idle: ({ context }) => context.timings.idleMs,
    notice: NOTICE_MS,
    languageReset: LANGUAGE_RESET_MS,
    codeLock: ({ context }) => Math.max(0, (context.codeLockedUntil ?? 0) - Date.now()),
  },
}).createMachine({
  id: 'visit',
  type: 'parallel',
  context: ({ input }) => ({
    visit: createVisit(),
    kiosk: INITIAL_KIOSK_STATUS,
    codeLockedUntil: null,
    countdown: null,
    timings: input.timings ?? DEFAULT_TIMINGS,
    seq: 0,
  }),
  on: {
    'language.set': {
      actions: assign({
        visit: ({ context, event }) => withVisit(context, { language: event.language }),
      }),
    },
    'readAloud.set': {
      actions: [
        assign({ visit: ({ context, event }) => withVisit(context, { readAloud: event.on }) }),
        { type: 'silence' },
      ],
    },
    'output.set': {
      actions: assign({
        visit: ({ context, event }) => withVisit(context, { outputDeviceId: event.deviceId }),
      }),
    },
    'kiosk.status': { actions: assign({ kiosk: ({ event }) => event.status }) },
  },
  states: {
    step: {
      initial: 'welcome',
      // Here rather than on the machine: a transition of the machine itself would restart the
      // timers of the other regions too.
      on: {
        // A kiosk refused (or not enrolled) serves nobody: whoever was there is forgotten.
        'kiosk.status': {
          guard: 'accessLost',
          target: '.welcome',
          reenter: true,
          // No home to refresh nor reload to do: the kiosk itself is out of the game.
          actions: [
            assign({ kiosk: ({ event }) => event.status }),
            { type: 'releaseDevices' },
            { type: 'forgetCitizen' },
            { type: 'wipe', params: null },
          ],
        },
        // A call reaches the citizen wherever they are (the advisor calls back after the
        // survey, the page reloaded mid-call…).
        'server.callStarted': {
          guard: 'anotherCall',
          target: '.call',
          actions: assign({
            visit: ({ context, event }) =>
              withVisit(context, {
                call: event.call,
                waiting: null,
                requeued: null,
                notice: null,
                surveyCallId: null,
                noticeAfterSurvey: null,
              }),
          }),
        },
      },
      states: {
        welcome: {
          initial: 'plain',
          on: {
            // The waiting room knows the citizen (checked in from elsewhere, or before a reload).
            'server.waitingStatus': {
              target: 'waiting',
              actions: { type: 'enterWaitingRoom', params: ({ event }) => event.status },
            },
            'server.home': {
              guard: 'homeKnowsWaiting',
              target: 'waiting',
              actions: { type: 'rejoinWaitingRoom', params: ({ event }) => event.waiting! },
            },
            'visit.idle': {
              target: 'welcome',
              reenter: true,
              actions: endVisit(null),
            },
            // One request at a time: the buttons wait while a walk-in is being asked for.
            'code.open': {
              guard: not(stateIn('#visit.step.welcome.joining')),
              target: 'code',
              actions: [
                'clearWelcomeProblems',
                assign({
                  visit: ({ context, event }) =>
                    withVisit(context, { codeEntry: event.entry ?? 'keypad' }),
                }),
              ],
            },
            'walkIn.join': {
              guard: not(stateIn('#visit.step.welcome.joining')),
              target: '.joining',
              actions: 'clearWelcomeProblems',
            },
          },
          states: {
            plain: {
              always: { guard: 'hasNotice', target: 'notice' },
            },
            notice: {
              after: { notice: { target: 'plain', actions: 'clearWelcomeProblems' } },
            },
            walkInRefused: {
              after: { notice: { target: 'plain', actions: 'clearWelcomeProblems' } },
            },
            joining: {
              invoke: {
                src: 'joinWalkIn',
                input: ({ event }) => {
                  assertEvent(event, 'walkIn.join');
                  return { serviceId: event.serviceId };
                },
                onDone: {
                  target: '#visit.step.waiting',
                  actions: {
                    type: 'enterWaitingRoom',
                    params: ({ event }) => event.output.waiting,
                  },
                },
                onError: {
                  target: 'walkInRefused',
                  actions: [
                    assign(({ context, event }) => ({
                      seq: context.seq + 1,
                      visit: withVisit(context, {
                        walkInProblem: requestProblem(event.error, context.seq + 1),
                      }),
                    })),
                    // The slot may have just closed, or the kiosk been taken out of service.
                    { type: 'refreshHome' },
                  ],
                },
              },
            },
          },
        },

        code: {
          initial: 'entering',
          on: {
            'code.back': {
              target: 'welcome',
              actions: assign({
                visit: ({ context }) =>
                  withVisit(context, { codeProblem: null, codeEntry: 'keypad' }),
              }),
            },
            // Keypad or QR code: the citizen may switch at any time but while a code is checked.
            'code.entry': {
              guard: not(stateIn('#visit.step.code.checking')),
              actions: assign({
                visit: ({ context, event }) =>
                  withVisit(context, { codeEntry: event.entry, codeProblem: null }),
              }),
            },
            'server.waitingStatus': {
              target: 'waiting',
              actions: { type: 'enterWaitingRoom', params: ({ event }) => event.status },
            },
            'server.home': {
              guard: 'homeKnowsWaiting',
              target: 'waiting',
              actions: { type: 'rejoinWaitingRoom', params: ({ event }) => event.waiting! },
            },
            'visit.idle': { target: 'welcome', actions: endVisit(null) },
          },
          states: {
            entering: {
              on: {
                'code.submit': {
                  guard: 'codeUnlocked',
                  target: 'checking',
                  // Read from the QR code, the code appeared by itself: say so.
                  actions: assign(({ context, event }) =>
                    event.via === 'scan'
                      ? {
                          visit: withVisit(context, {
                            announcement: announcement(context, 'announce.codeScanned'),
                          }),
                        }
                      : {},
                  ),
                },
              },
            },
            checking: {
              invoke: {
                src: 'checkIn',
                input: ({ event }) => {
                  assertEvent(event, 'code.submit');
                  return { code: event.code };
                },
                onDone: {
                  target: '#visit.step.waiting',
                  actions: [
                    assign({ codeLockedUntil: null }),
                    { type: 'enterWaitingRoom', params: ({ event }) => event.output.waiting },
                  ],
                },
                onError: {
                  target: 'entering',
                  actions: assign(({ context, event }) => {
                    const problem = requestProblem(event.error, context.seq + 1);
                    const wait =
                      event.error instanceof AppError ? event.error.retryAfterSeconds : undefined;
                    return {
                      seq: context.seq + 1,
                      codeLockedUntil:
                        problem.code === 'RATE_LIMITED'
                          ? Date.now() + (wait ?? LOCK_WITHOUT_WAIT_S) * 1000
                          : null,
                      visit: withVisit(context, {
                        codeProblem: problem,
                        // A refused code is never read again by itself: the scanner stops, and
                        // the citizen chooses to scan again or to type (each try counts).
                        codeEntry: 'keypad',
                        announcement: announcement(context, 'announce.codeRefused'),
                      }),
                    };
                  }),
                },
              },
            },
          },
        },

        // Checked in: the citizen tries their devices, then waits for the advisor.
        waiting: {
          type: 'parallel',
          entry: { type: 'openDevices' },
          on: {
            'server.waitingStatus': {
              actions: assign({
                visit: ({ context, event }) => withVisit(context, { waiting: event.status }),
              }),
            },
            'server.home': [
              {
                guard: 'homeKnowsWaiting',
                actions: [
                  { type: 'rejoinWaitingRoom', params: ({ event }) => event.waiting! },
                  { type: 'openDevices' },
                ],
              },
              // The server knows nobody waiting here (e.g. the place expired during an outage).
              {
                target: 'welcome',
                actions: endVisit('welcome.waitingEnded.expired'),
              },
            ],
            'server.waitingEnded': {
              target: 'welcome',
              actions: endVisit(
                ({ event }) => `welcome.waitingEnded.${(event as WaitingEnded).reason}` as const,
              ),
            },
            'visit.idle': '.leaving.cancelling',
          },
          states: {
            screen: {
              initial: 'deviceCheck',
              states: {
                deviceCheck: { on: { 'deviceCheck.done': 'room' } },
                room: {},
              },
            },
            leaving: {
              initial: 'staying',
              states: {
                staying: { on: { 'waiting.cancel': 'cancelling' } },
                cancelling: {
                  invoke: {
                    src: 'cancelWaiting',
                    // A failure (e.g. nobody waits any more) leaves all the same.
                    onDone: {
                      target: '#visit.step.welcome',
                      actions: endVisit('welcome.left'),
                    },
                    onError: {
                      target: '#visit.step.welcome',
                      actions: endVisit('welcome.left'),
                    },
                  },
                },
              },
            },
          },
        },

        call: {
          invoke: {
            src: 'partyCall',
            input: ({ context }) => ({ call: context.visit.call! }),
          },
          on: {
            // A newer call replaces this one (its PartyCall closes as the state is left).
            'server.callStarted': {
              guard: 'anotherCall',
              target: 'call',
              reenter: true,
              actions: assign({
                visit: ({ context, event }) => withVisit(context, { call: event.call }),
              }),
            },
            'call.ready': {
              actions: assign({
                visit: ({ context, event }) => withVisit(context, { partyCall: event.partyCall }),
              }),
            },
            'server.handover': {
              guard: ({ context, event }) => event.handover.callId === context.visit.call?.callId,
              actions: assign({
                visit: ({ context, event }) =>
                  withVisit(context, afterHandover(context, event.handover)),
              }),
            },
            'call.announce': {
              actions: assign({
                visit: ({ context, event }) =>
                  withVisit(context, {
                    announcement: announcement(
                      context,
                      event.announcement.key,
                      event.announcement.params,
                    ),
                  }),
              }),
            },
            // The server may tell the waiting place of a citizen it requeues before the end.
            'server.waitingStatus': {
              actions: assign({
                visit: ({ context, event }) => withVisit(context, { waiting: event.status }),
              }),
            },
            'call.ended': [
              // The same citizen waits again at the head of the queue: no survey and no wipe,
              // the devices stay open so that a colleague's call starts at once (the server
              // follows with the waiting room's status).
              {
                guard: 'handedBack',
                target: '#visit.step.waiting.screen.room',
                actions: assign({
                  visit: ({ context, event }) => {
                    const reason =
                      event.end.by === 'server' && event.end.reason === 'media_unreachable'
                        ? 'media_unreachable'
                        : 'advisor_disconnected';
                    return withVisit(context, {
                      call: null,
                      partyCall: null,
                      requeued: reason,
                      announcement: announcement(context, `announce.requeued.${reason}`),
                    });
                  },
                }),
              },
              // Camera, microphone, text and documents go at once; the survey comes next.
              {
                target: 'survey',
                actions: [
                  { type: 'releaseDevices' },
                  assign({
                    visit: ({ context, event }) =>
                      withVisit(context, {
                        surveyCallId: context.visit.call?.callId ?? null,
                        noticeAfterSurvey: NOTICE_AFTER_CALL[event.end.by],
                        call: null,
                        partyCall: null,
                        announcement: announcement(context, 'announce.callEnded'),
                      }),
                  }),
                ],
              },
            ],
          },
          exit: assign({ visit: ({ context }) => withVisit(context, { partyCall: null }) }),
        },

        survey: {
          initial: 'answering',
          on: {
            'visit.idle': {
              target: 'welcome',
              actions: endVisit(({ context }) => context.visit.noticeAfterSurvey),
            },
          },
          states: {
            answering: {
              on: {
                'survey.submit': 'sending',
                'survey.skip': {
                  target: '#visit.step.welcome',
                  actions: endVisit(({ context }) => context.visit.noticeAfterSurvey),
                },
              },
            },
            sending: {
              invoke: {
                src: 'submitSurvey',
                input: ({ context, event }) => {
                  assertEvent(event, 'survey.submit');
                  return {
                    callId: context.visit.surveyCallId ?? '',
                    rating: event.rating,
                    badQuality: event.badQuality,
                  };
                },
                // The answer is a courtesy: the citizen leaves at once either way.
                onDone: {
                  target: '#visit.step.welcome',
                  actions: endVisit(({ context }) => context.visit.noticeAfterSurvey),
                },
                onError: {
                  target: '#visit.step.welcome',
                  actions: endVisit(({ context }) => context.visit.noticeAfterSurvey),
                },
              },
            },
          },
        },
      },
    },

    // "Still there?": on a screen where a citizen left something behind, a while without a
    // touch brings a warning with a countdown; when it runs out the visit is reset. The waiting
    // room and the call are not watched: waiting without touching anything is normal.
    inactivity: {
      initial: 'off',
      states: {
        off: { always: { guard: 'onWatchedScreen', target: 'watching' } },
        watching: {
          always: { guard: not('onWatchedScreen'), target: 'off' },
          after: { idle: 'warning' },
          on: { touch: { target: 'watching', reenter: true } },
        },
        warning: {
          entry: assign({ countdown: ({ context }) => context.timings.warningSeconds }),
          exit: assign({ countdown: null }),
          always: { guard: not('onWatchedScreen'), target: 'off' },
          on: { touch: 'watching' },
          initial: 'counting',
          states: {
            counting: {
              after: {
                1000: [
                  {
                    guard: 'lastSecond',
                    target: '#visit.inactivity.watching',
                    actions: raise({ type: 'visit.idle' }),
                  },
                  {
                    target: 'counting',
                    reenter: true,
                    actions: assign({ countdown: ({ context }) => (context.countdown ?? 1) - 1 }),
                  },
                ],
              },
            },
          },
        },
      },
    },

    // The language chosen goes back to the default at the welcome screen after a while.
    languageReset: {
      initial: 'off',
      states: {
        off: { always: { guard: 'otherLanguage', target: 'armed' } },
        armed: {
          always: { guard: not('otherLanguage'), target: 'off' },
          on: { 'language.set': { target: 'armed', reenter: true } },
          after: {
            languageReset: [
              {
                guard: stateIn('#visit.step.welcome'),
                target: 'off',
                actions: assign({
                  visit: ({ context }) => withVisit(context, { language: DEFAULT_LANGUAGE }),
                }),
              },
              // In the middle of something: the wipe at the end of the visit will do it.
              { target: 'armed', reenter: true },
            ],
          },
        },
      },
    },

    // After too many wrong codes the server locks code entry on this kiosk for a while; the
    // keypad comes back by itself when the wait is over, whoever stands there by then.
    codeLock: {
      initial: 'open',
      states: {
        open: { always: { guard: not('codeUnlocked'), target: 'locked' } },
        locked: {
          after: {
            codeLock: {
              target: 'open',
              actions: assign({
                codeLockedUntil: null,
                visit: ({ context }) => withVisit(context, { codeProblem: null }),
              }),
            },
          },
        },
      },
    },
  },
});
