import {
  CallSession,
  SignallingClient,
  acquireLocalMedia,
  connectSignalling,
  isUnauthorizedConnectError,
  LocalMediaError,
  stopLocalMedia,
  type CallSessionState,
  type LocalMediaErrorReason,
} from '@visio/shared/client';
import {
  AppError,
  callEvents,
  callRequests,
  inCallRequests,
  kioskMonitoringEvents,
  kioskMonitoringRequests,
  kioskSchedulingEvents,
  kioskSchedulingRequests,
  mediaRequests,
  type KioskCommand,
  type KioskHeartbeat,
  type CallStarted,
  type ErrorCode,
  type ResponseOf,
  type WaitingStatus,
} from '@visio/shared/protocol';
import { enrol } from '../api';
import {
  DEFAULT_LANGUAGE,
  type Language,
  type MessageKey,
  type MessageParams,
} from '../i18n/translate';
import { saveDeviceToken, type KioskCredentials } from './deviceToken';
import { InCallDesk } from './InCallDesk';
import { readKioskHealth } from './kioskHealth';
import {
  initialKioskMachine,
  kioskTransition,
  screenOf,
  type KioskEvent,
  type KioskMachineState,
  type KioskScreen,
} from './kioskMachine';
import { Store } from '@visio/shared/ui';

export interface Announcement {
  readonly key: MessageKey;
  readonly params?: MessageParams;
  /** Bumped on every announcement so the same sentence is spoken again. */
  readonly seq: number;
}

export type WelcomeNotice =
  | 'welcome.callEnded'
  | 'welcome.callFailed'
  | 'welcome.left'
  | 'welcome.waitingEnded.no_show'
  | 'welcome.waitingEnded.cancelled'
  | 'welcome.waitingEnded.expired';

type Home = ResponseOf<typeof kioskSchedulingRequests.home>;

/** A refused request, kept as values: the screens translate them. */
export interface RequestProblem {
  readonly code: ErrorCode;
  readonly reason: string | null;
  /** Bumped on every failure so that the same error is announced again. */
  readonly seq: number;
}

export interface KioskState {
  readonly machine: KioskMachineState;
  readonly language: Language;
  /** The kiosk, its site and the site's services, from `kiosk:home`. */
  readonly home: Pick<Home, 'kiosk' | 'services'> | null;
  readonly callSession: CallSession | null;
  /** Camera + microphone: opened in the waiting room so that the call starts at once. */
  readonly localStream: MediaStream | null;
  readonly deviceProblem: LocalMediaErrorReason | null;
  readonly notice: WelcomeNotice | null;
  readonly announcement: Announcement | null;
  /** A request to the server in flight (the matching buttons wait for it). */
  readonly pending: 'checkin' | 'walkin' | 'cancel' | null;
  readonly codeProblem: RequestProblem | null;
  readonly walkInProblem: RequestProblem | null;
  /** Code entry is locked on this kiosk until then (ms since the epoch), after too many wrong codes. */
  readonly codeLockedUntil: number | null;
  readonly enrolment: {
    readonly pending: boolean;
    readonly problem: RequestProblem | null;
    /** With RATE_LIMITED: when trying again makes sense (ms since the epoch). */
    readonly retryAt: number | null;
  };
  /** The citizen's choice of loudspeaker or handset (`setSinkId`); null: the default output. */
  readonly outputDeviceId: string | null;
  /** The citizen asked the kiosk to read each screen aloud. */
  readonly readAloud: boolean;
  /** A survey answer is on its way. */
  readonly surveySending: boolean;
}

const NOTICE_MS = 10_000;
const STATS_REPORT_MS = 5_000;

const HEARTBEAT_SCREEN: Record<KioskScreen, KioskHeartbeat['screen']> = {
  enrolling: 'welcome',
  'not-enrolled': 'welcome',
  unauthorized: 'welcome',
  connecting: 'welcome',
  offline: 'welcome',
  'out-of-service': 'out_of_service',
  welcome: 'welcome',
  code: 'code',
  'device-check': 'device_check',
  waiting: 'waiting',
  call: 'call',
  survey: 'survey',
};
const LANGUAGE_IDLE_RESET_MS = 3 * 60_000;
const SERVER_KICK_RETRY_MS = 5_000;
/** Walk-in slots open and close with the clock; the technician may take the kiosk out of service. */
const HOME_REFRESH_MS = 60_000;

const ANNOUNCE_STATE: Partial<Record<CallSessionState, MessageKey>> = {
  connected: 'announce.connected',
  reconnecting: 'announce.reconnecting',
};

/**
 * Everything the kiosk knows about the current citizen and its connection. One instance per
 * page; everything personal (media, code, language, errors) is wiped when the citizen leaves —
 * after a call, a cancelled wait or an idle code screen — so the next one starts afresh.
 */
export class KioskSession {
  readonly store = new Store<KioskState>({
    machine: initialKioskMachine,
    language: DEFAULT_LANGUAGE,
    home: null,
    callSession: null,
    localStream: null,
    deviceProblem: null,
    notice: null,
    announcement: null,
    pending: null,
    codeProblem: null,
    walkInProblem: null,
    codeLockedUntil: null,
    enrolment: { pending: false, problem: null, retryAt: null },
    outputDeviceId: null,
    readAloud: false,
    surveySending: false,
  });
  /** Real-time text and documents of the current call. */
  readonly inCall = new InCallDesk(
    () => this.signalling,
    () => this.token,
  );
  private token: string | null = null;
  /** Where to send the citizen after the survey. */
  private noticeAfterSurvey: WelcomeNotice | null = null;
  /** A technician asked for a reload during a visit: done once the citizen has gone. */
  private reloadPending = false;
  /** Lets a reload asked by a technician through the navigation guard. */
  allowUnload = false;
  private speakerTestedAt: string | null = null;
  private serverRttMs: number | null = null;
  private heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private socket: ReturnType<typeof connectSignalling> | null = null;
  private signalling: SignallingClient | null = null;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;
  private languageTimer: ReturnType<typeof setTimeout> | undefined;
  private mediaRequest: Promise<MediaStream | null> | null = null;
  /** Whether the devices should be open now; a late getUserMedia answer is dropped otherwise. */
  private mediaWanted = false;
  private problemSeq = 0;

  constructor(private readonly credentials: KioskCredentials) {}

  start(): void {
    if (this.socket || this.store.get().enrolment.pending) return;
    if (this.credentials.enrolCode) void this.enrol(this.credentials.enrolCode);
    else if (this.credentials.token) this.connect(this.credentials.token);
    else this.dispatch({ type: 'notEnrolled' });
  }

  /** After a failed enrolment (network, wait elapsed): try the same code again. */
  retryEnrolment(): void {
    const code = this.credentials.enrolCode;
    if (code && !this.socket && !this.store.get().enrolment.pending) void this.enrol(code);
  }

  /** The citizen's choice; it lasts for their visit (see LANGUAGE_IDLE_RESET_MS). */
  setLanguage(language: Language): void {
    this.store.set({ language });
    if (this.languageTimer !== undefined) clearTimeout(this.languageTimer);
    this.languageTimer = undefined;
    if (language === DEFAULT_LANGUAGE) return;
    // Someone who switched language and walked away must not leave it to the next person.
    this.languageTimer = setTimeout(() => {
      this.languageTimer = undefined;
      const { machine } = this.store.get();
      if (!machine.call && machine.step === 'welcome')
        this.store.set({ language: DEFAULT_LANGUAGE });
    }, LANGUAGE_IDLE_RESET_MS);
  }

  // ---- the citizen's path --------------------------------------------------------------

  openCodeEntry(): void {
    this.clearNotice();
    this.store.set({ walkInProblem: null });
    this.dispatch({ type: 'openCode' });
  }

  /** Back from the code screen (the back button, or nobody touched it for a while). */
  leaveCodeEntry(): void {
    this.store.set({ codeProblem: null });
    this.dispatch({ type: 'back' });
  }

  async submitCode(code: string): Promise<void> {
    const signalling = this.signalling;
    const { pending, codeLockedUntil } = this.store.get();
    if (!signalling || pending || (codeLockedUntil !== null && codeLockedUntil > Date.now()))
      return;
    this.store.set({ pending: 'checkin', codeProblem: null });
    try {
      const { waiting } = await signalling.request(kioskSchedulingRequests.checkIn, { code });
      this.store.set({ codeLockedUntil: null });
      this.enterWaiting(waiting);
    } catch (error) {
      const problem = this.problemOf(error);
      const wait = error instanceof AppError ? error.retryAfterSeconds : undefined;
      this.store.set({
        codeProblem: problem,
        codeLockedUntil: problem.code === 'RATE_LIMITED' ? Date.now() + (wait ?? 60) * 1000 : null,
      });
      this.announce('announce.codeRefused');
    } finally {
      this.store.set({ pending: null });
    }
  }

  /** The lock after too many wrong codes is over: the keypad works again. */
  codeLockExpired(): void {
    const { codeLockedUntil } = this.store.get();
    if (codeLockedUntil !== null && codeLockedUntil <= Date.now())
      this.store.set({ codeLockedUntil: null, codeProblem: null });
  }

  async joinWalkIn(serviceId: string): Promise<void> {
    const signalling = this.signalling;
    if (!signalling || this.store.get().pending) return;
    this.clearNotice();
    this.store.set({ pending: 'walkin', walkInProblem: null });
    try {
      const { waiting } = await signalling.request(kioskSchedulingRequests.joinWalkIn, {
        serviceId,
      });
      this.enterWaiting(waiting);
    } catch (error) {
      const problem = this.problemOf(error);
      this.store.set({ walkInProblem: problem });
      setTimeout(() => {
        if (this.store.get().walkInProblem === problem) this.store.set({ walkInProblem: null });
      }, NOTICE_MS);
      // The slot may have just closed, or the kiosk been taken out of service.
      void this.loadHome();
    } finally {
      this.store.set({ pending: null });
    }
  }

  /** The citizen leaves the waiting room (after confirming). */
  async cancelWaiting(): Promise<void> {
    const signalling = this.signalling;
    if (!signalling || this.store.get().pending) return;
    this.store.set({ pending: 'cancel' });
    try {
      await signalling.request(kioskSchedulingRequests.cancelWaiting, {});
    } catch (error) {
      // BAD_STATE: nobody is waiting any more (ended meanwhile): leaving is what we wanted.
      if (!(error instanceof AppError && error.code === 'BAD_STATE')) {
        console.warn('waiting:cancel failed', error);
      }
    } finally {
      this.store.set({ pending: null });
    }
    if (this.store.get().machine.call) return;
    this.endVisit('welcome.left');
  }

  // ---- connection ----------------------------------------------------------------------

  private async enrol(code: string): Promise<void> {
    this.dispatch({ type: 'enrolling' });
    this.store.set({ enrolment: { pending: true, problem: null, retryAt: null } });
    try {
      const { deviceToken } = await enrol(code);
      saveDeviceToken(deviceToken);
      this.store.set({ enrolment: { pending: false, problem: null, retryAt: null } });
      this.dispatch({ type: 'enrolled' });
      this.connect(deviceToken);
    } catch (error) {
      const wait = error instanceof AppError ? error.retryAfterSeconds : undefined;
      this.store.set({
        enrolment: {
          pending: false,
          problem: this.problemOf(error),
          retryAt: wait === undefined ? null : Date.now() + wait * 1000,
        },
      });
    }
  }

  private connect(token: string): void {
    this.token = token;
    const socket = connectSignalling('/kiosk', token);
    this.socket = socket;
    const signalling = new SignallingClient(socket);
    this.signalling = signalling;
    socket.on('connect', () => {
      this.dispatch({ type: 'connected' });
      void this.loadHome();
      void this.checkCallStillOn();
      this.scheduleHeartbeat(0);
    });
    this.inCall.listen(signalling);
    signalling.on(kioskMonitoringEvents.command, ({ command }) => this.onCommand(command));
    socket.on('disconnect', (reason) => {
      this.dispatch({ type: 'disconnected' });
      // The server closed this socket on purpose: socket.io will not retry on its own. A kiosk
      // must come back by itself; if its token was revoked, the retry ends on 'unauthorized'.
      if (reason === 'io server disconnect')
        setTimeout(() => socket.connect(), SERVER_KICK_RETRY_MS);
    });
    socket.on('connect_error', (error) => {
      if (isUnauthorizedConnectError(error)) {
        socket.disconnect();
        this.endCallLocally(null);
        this.releaseMedia();
        this.dispatch({ type: 'unauthorized' });
      } else {
        this.dispatch({ type: 'disconnected' });
      }
    });
    signalling.on(callEvents.started, (call) => void this.onCallStarted(call));
    signalling.on(callEvents.ended, ({ callId }) => {
      if (this.currentCall()?.callId === callId) this.endCallLocally('welcome.callEnded');
    });
    signalling.on(kioskSchedulingEvents.waitingStatus, (status) => {
      if (!this.currentCall()) this.enterWaiting(status);
    });
    signalling.on(kioskSchedulingEvents.waitingEnded, ({ reason }) => {
      const { machine } = this.store.get();
      if (machine.step === 'waiting' && !machine.call)
        this.endVisit(`welcome.waitingEnded.${reason}`);
    });
    setInterval(() => {
      const { machine } = this.store.get();
      if (machine.online && machine.step === 'welcome' && !machine.call) void this.loadHome();
    }, HOME_REFRESH_MS);
  }

  private async loadHome(): Promise<void> {
    const signalling = this.signalling;
    if (!signalling) return;
    try {
      const { kiosk, services, waiting } = await signalling.request(
        kioskSchedulingRequests.home,
        {},
      );
      this.store.set({ home: { kiosk, services } });
      const wasWaiting = this.store.get().machine.step === 'waiting';
      this.dispatch({ type: 'home', outOfService: kiosk.outOfService, waiting });
      if (waiting) this.wantMedia();
      else if (wasWaiting && !this.currentCall()) this.endVisit('welcome.waitingEnded.expired');
    } catch (error) {
      console.warn('kiosk:home failed', error);
    }
  }

  private enterWaiting(status: WaitingStatus): void {
    const before = this.store.get().machine;
    this.dispatch({ type: 'waiting', status });
    this.store.set({ codeProblem: null, walkInProblem: null });
    if (before.step !== 'waiting') {
      this.announce('announce.waiting', { service: status.serviceName });
      this.wantMedia();
    }
  }

  /** The citizen's visit is over: back to welcome with nothing of theirs left behind. */
  private endVisit(notice: WelcomeNotice | null): void {
    this.dispatch({ type: 'waitingEnded' });
    this.wipeCitizen();
    if (notice) this.showNotice(notice);
    if (this.reloadPending) {
      this.allowUnload = true;
      window.location.reload();
      return;
    }
    void this.loadHome();
  }

  /** Privacy by default: nothing of this citizen is left for the next one. */
  private wipeCitizen(): void {
    this.releaseMedia();
    this.inCall.wipe();
    this.noticeAfterSurvey = null;
    this.store.set({
      codeProblem: null,
      walkInProblem: null,
      outputDeviceId: null,
      readAloud: false,
      surveySending: false,
    });
    window.speechSynthesis?.cancel();
    try {
      window.sessionStorage.clear();
    } catch {
      // Storage can be disabled: then there is nothing in it either.
    }
    this.setLanguage(DEFAULT_LANGUAGE);
  }

  // ---- device check, survey, inactivity ------------------------------------------------

  /** The citizen tried their devices: on to the waiting room (the devices stay open). */
  finishDeviceCheck(): void {
    this.dispatch({ type: 'deviceCheckDone' });
  }

  speakerTested(): void {
    this.speakerTestedAt = new Date().toISOString();
  }

  setOutputDevice(deviceId: string | null): void {
    this.store.set({ outputDeviceId: deviceId });
  }

  setReadAloud(on: boolean): void {
    if (!on) window.speechSynthesis?.cancel();
    this.store.set({ readAloud: on });
  }

  async submitSurvey(rating: number, badQuality: boolean): Promise<void> {
    const survey = this.store.get().machine.survey;
    if (!survey || this.store.get().surveySending) return;
    this.store.set({ surveySending: true });
    try {
      await this.signalling?.request(inCallRequests.submitSurvey, {
        callId: survey.callId,
        rating,
        badQuality,
      });
    } catch (error) {
      // The answer is a courtesy: the citizen still leaves at once.
      console.warn('survey:submit failed', error);
    }
    this.finishSurvey();
  }

  finishSurvey(): void {
    if (!this.store.get().machine.survey) return;
    const notice = this.noticeAfterSurvey;
    this.dispatch({ type: 'surveyDone' });
    this.endVisit(notice);
  }

  /** Nobody touched the screen (and nobody answered "I'm still here"): start afresh. */
  idleReset(): void {
    const screen = screenOf(this.store.get().machine);
    if (screen === 'survey') this.finishSurvey();
    else if (screen === 'device-check' || screen === 'waiting') void this.cancelWaiting();
    else if (screen === 'code') {
      this.leaveCodeEntry();
      this.endVisit(null);
    } else if (screen === 'welcome') {
      this.clearNotice();
      this.wipeCitizen();
    }
  }

  /** Whether a citizen is in the middle of something a navigation would break. */
  holdsCitizen(): boolean {
    const { machine } = this.store.get();
    return Boolean(machine.call || machine.survey || machine.step === 'waiting');
  }

  // ---- fleet reporting -----------------------------------------------------------------

  private scheduleHeartbeat(delayMs: number): void {
    if (this.heartbeatTimer !== undefined) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => void this.sendHeartbeat(), delayMs);
  }

  private async sendHeartbeat(): Promise<void> {
    const signalling = this.signalling;
    let nextMs = 10_000;
    try {
      if (signalling?.socket.connected) {
        const health = await readKioskHealth();
        const heartbeat: KioskHeartbeat = {
          appVersion: __APP_VERSION__,
          screen: HEARTBEAT_SCREEN[screenOf(this.store.get().machine)],
          camera: health.camera,
          microphone: health.microphone,
          speakerTestedAt: this.speakerTestedAt,
          network: { effectiveType: health.effectiveType, serverRttMs: this.serverRttMs },
          userAgent: navigator.userAgent.slice(0, 400),
        };
        const sentAt = performance.now();
        const { intervalMs } = await signalling.request(
          kioskMonitoringRequests.heartbeat,
          heartbeat,
        );
        this.serverRttMs = Math.round(performance.now() - sentAt);
        nextMs = intervalMs;
      }
    } catch (error) {
      console.warn('kiosk:heartbeat failed', error);
    }
    this.scheduleHeartbeat(nextMs);
  }

  private startStatsReports(session: CallSession): void {
    this.stopStatsReports();
    this.statsTimer = setInterval(() => {
      if (session.isClosed) return this.stopStatsReports();
      session
        .getStats()
        .then((stats) =>
          this.signalling?.request(kioskMonitoringRequests.statsReport, {
            callId: session.callId,
            stats,
          }),
        )
        .catch(() => undefined);
    }, STATS_REPORT_MS);
  }

  private stopStatsReports(): void {
    if (this.statsTimer !== undefined) clearInterval(this.statsTimer);
    this.statsTimer = undefined;
  }

  private onCommand(command: KioskCommand): void {
    if (command === 'reload') {
      if (this.holdsCitizen()) {
        this.reloadPending = true;
        return;
      }
      this.allowUnload = true;
      window.location.reload();
    } else {
      this.dispatch({ type: 'serviceState', outOfService: command === 'out_of_service' });
    }
  }

  // ---- call ----------------------------------------------------------------------------

  setMicrophoneMuted(muted: boolean): void {
    const session = this.store.get().callSession;
    if (!session) return;
    this.announce(muted ? 'announce.micMuted' : 'announce.micOn');
    session.setMicrophoneMuted(muted).catch((error: unknown) => console.warn('mute failed', error));
  }

  setCameraOff(off: boolean): void {
    const session = this.store.get().callSession;
    if (!session) return;
    this.announce(off ? 'announce.cameraOff' : 'announce.cameraOn');
    session
      .setCameraOff(off)
      .catch((error: unknown) => console.warn('camera toggle failed', error));
  }

  /** The citizen hangs up: media stops at once, then the server is told. */
  hangup(): void {
    const call = this.currentCall();
    if (!call) return;
    this.endCallLocally('welcome.callEnded');
    this.signalling
      ?.request(callRequests.hangup, { callId: call.callId })
      .catch((error: unknown) => console.warn('call:hangup failed', error));
  }

  private async onCallStarted(call: CallStarted): Promise<void> {
    const current = this.currentCall();
    if (current?.callId === call.callId) return; // announced again after a reconnect
    if (current) this.endCallLocally(null);
    const signalling = this.signalling;
    if (!signalling) return;

    this.clearNotice();
    this.dispatch({ type: 'callStarted', call });
    this.announce('announce.callStarted', { name: call.peerName });

    const localStream = (await this.wantMedia()) ?? new MediaStream();
    if (this.currentCall()?.callId !== call.callId) return; // ended while the camera opened
    const session = new CallSession({
      signalling,
      callId: call.callId,
      localStream,
      routerRtpCapabilities: call.rtpCapabilities,
    });
    session.on('state', (state) => {
      const key = ANNOUNCE_STATE[state];
      if (key) this.announce(key);
      if (state === 'failed') this.onCallFailed(call.callId);
    });
    this.store.set({ callSession: session });
    this.inCall.begin(call.callId);
    this.startStatsReports(session);
    session.start().catch((error: unknown) => console.warn('call media setup failed', error));
  }

  private onCallFailed(callId: string): void {
    if (this.currentCall()?.callId !== callId) return;
    this.endCallLocally('welcome.callFailed');
    this.signalling?.request(callRequests.hangup, { callId }).catch(() => {
      // The server ends the call by itself when it cannot reach us either.
    });
  }

  /** Stop media and wipe what belonged to this citizen; show `notice` on the welcome screen. */
  private endCallLocally(notice: WelcomeNotice | null): void {
    const { callSession, machine } = this.store.get();
    callSession?.close();
    this.stopStatsReports();
    this.store.set({ callSession: null });
    if (!machine.call) return;
    // Camera, microphone, text and documents go at once; the survey comes next, then the wipe.
    this.releaseMedia();
    this.inCall.wipe();
    this.noticeAfterSurvey = notice;
    this.dispatch({ type: 'callEnded', callId: machine.call.callId });
    this.announce('announce.callEnded');
  }

  /**
   * After a signalling outage the call may have ended without us hearing call:ended. The server
   * answers NOT_FOUND for a call we are no longer part of.
   */
  private async checkCallStillOn(): Promise<void> {
    const call = this.currentCall();
    if (!call || !this.signalling) return;
    try {
      await this.signalling.request(mediaRequests.routerCapabilities, { callId: call.callId });
    } catch (error) {
      const gone = error instanceof AppError && error.code === 'NOT_FOUND';
      if (gone && this.currentCall()?.callId === call.callId)
        this.endCallLocally('welcome.callEnded');
    }
  }

  private currentCall(): CallStarted | null {
    return this.store.get().machine.call;
  }

  // ---- devices -------------------------------------------------------------------------

  /** Opens camera + microphone (once); a later call retries if they were missing. */
  private wantMedia(): Promise<MediaStream | null> {
    this.mediaWanted = true;
    const existing = this.store.get().localStream;
    if (existing?.getTracks().some((t) => t.readyState === 'live'))
      return Promise.resolve(existing);
    this.mediaRequest ??= acquireLocalMedia()
      .then((stream) => {
        if (!this.mediaWanted) {
          // The citizen left while the camera was opening.
          stopLocalMedia(stream);
          return null;
        }
        for (const track of stream.getTracks()) {
          track.addEventListener('ended', () => this.store.set({ deviceProblem: 'NOT_FOUND' }));
        }
        this.store.set({ localStream: stream, deviceProblem: null });
        return stream;
      })
      .catch((error: unknown) => {
        const reason = error instanceof LocalMediaError ? error.reason : 'UNKNOWN';
        this.store.set({ deviceProblem: reason });
        return null;
      })
      .finally(() => {
        this.mediaRequest = null;
      });
    return this.mediaRequest;
  }

  /** Between citizens the camera and microphone are off. */
  private releaseMedia(): void {
    this.mediaWanted = false;
    stopLocalMedia(this.store.get().localStream);
    this.store.set({ localStream: null, deviceProblem: null });
  }

  // ---- feedback ------------------------------------------------------------------------

  private dispatch(event: KioskEvent): void {
    const before = screenOf(this.store.get().machine);
    this.store.set((state) => ({ machine: kioskTransition(state.machine, event) }));
    // The technician console shows the kiosk's screen: a change is reported at once, not at the
    // next periodic heartbeat.
    if (this.heartbeatTimer !== undefined && screenOf(this.store.get().machine) !== before)
      this.scheduleHeartbeat(0);
  }

  private problemOf(error: unknown): RequestProblem {
    this.problemSeq += 1;
    return error instanceof AppError
      ? { code: error.code, reason: error.reason ?? null, seq: this.problemSeq }
      : { code: 'INTERNAL', reason: null, seq: this.problemSeq };
  }

  private announce(key: MessageKey, params?: MessageParams): void {
    this.store.set((state) => ({
      announcement: { key, params, seq: (state.announcement?.seq ?? 0) + 1 },
    }));
  }

  private showNotice(notice: WelcomeNotice): void {
    this.clearNotice();
    this.store.set({ notice });
    this.noticeTimer = setTimeout(() => this.store.set({ notice: null }), NOTICE_MS);
  }

  private clearNotice(): void {
    if (this.noticeTimer !== undefined) clearTimeout(this.noticeTimer);
    this.noticeTimer = undefined;
    if (this.store.get().notice) this.store.set({ notice: null });
  }
}
