import type { PartyCall } from '@visio/shared/client';
import type { CallHandover, CallStarted, WaitingStatus } from '@visio/shared/protocol';
import {
  DEFAULT_LANGUAGE,
  type Language,
  type MessageKey,
  type MessageParams,
} from '../i18n/translate';
import type { RequestProblem } from '../session/RequestProblem';

/** What the welcome screen says to the citizen who just left (for a few seconds). */
export type WelcomeNotice =
  | 'welcome.callEnded'
  | 'welcome.callFailed'
  | 'welcome.left'
  | 'welcome.waitingEnded.no_show'
  | 'welcome.waitingEnded.cancelled'
  | 'welcome.waitingEnded.expired';

export type CodeEntry = 'keypad' | 'scan';

export interface Announcement {
  readonly key: MessageKey;
  readonly params?: MessageParams;
  /** Bumped on every announcement so the same sentence is spoken again. */
  readonly seq: number;
}

/**
 * Everything of one citizen's visit, in one slice. The privacy wipe replaces it whole with
 * `createVisit()`: a field added here later is cleared between two citizens without anyone
 * having to remember it.
 */
/** Why a citizen waits again at the head of the queue after a call. */
export type RequeueReason = 'advisor_disconnected' | 'media_unreachable';

export interface Visit {
  readonly language: Language;
  /** The citizen asked the kiosk to read each screen aloud. */
  readonly readAloud: boolean;
  /** The citizen's choice of loudspeaker or handset (`setSinkId`); null: the default output. */
  readonly outputDeviceId: string | null;
  readonly notice: WelcomeNotice | null;
  readonly codeProblem: RequestProblem | null;
  /** How the citizen gives their code: typed on the keypad, or read from the convocation's QR code. */
  readonly codeEntry: CodeEntry;
  readonly walkInProblem: RequestProblem | null;
  /** The waiting room as the server last described it. */
  readonly waiting: WaitingStatus | null;
  /**
   * The citizen is back in the waiting room, at the head of the queue, because their advisor was
   * disconnected mid-call or the call's picture and sound never got through: said in the waiting
   * room until the next call starts. Null: not requeued.
   */
  readonly requeued: RequeueReason | null;
  /** The call in progress, as `call:started` announced it; it survives a signalling outage. */
  readonly call: CallStarted | null;
  /**
   * The advisor is putting the citizen through to another service (`offered`), or the new advisor
   * took the call (`done`): a calm notice on the call screen; null otherwise. Never a wipe.
   */
  readonly handover: CallHandover | null;
  /** Its lifecycle (media, text, documents), once set up. */
  readonly partyCall: PartyCall | null;
  /** The call that just ended, until the citizen answers (or skips) the survey. */
  readonly surveyCallId: string | null;
  /** Where the citizen goes after the survey. */
  readonly noticeAfterSurvey: WelcomeNotice | null;
  /** The last sentence for screen readers (the page's status region). */
  readonly announcement: Announcement | null;
}

export function createVisit(): Visit {
  return {
    language: DEFAULT_LANGUAGE,
    readAloud: false,
    outputDeviceId: null,
    notice: null,
    codeProblem: null,
    codeEntry: 'keypad',
    walkInProblem: null,
    waiting: null,
    requeued: null,
    call: null,
    handover: null,
    partyCall: null,
    surveyCallId: null,
    noticeAfterSurvey: null,
    announcement: null,
  };
}
