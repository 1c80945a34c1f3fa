import { PartyCall, type SignallingClient } from '@visio/shared/client';
import {
  AppError,
  callEvents,
  inCallRequests,
  kioskSchedulingEvents,
  kioskSchedulingRequests,
  transferEvents,
  type CallStarted,
} from '@visio/shared/protocol';
import { createActor, fromCallback, fromPromise, type Actor, type EventObject } from 'xstate';
import type { KioskConnection } from '../session/KioskConnection';
import type { CitizenDevices } from './CitizenDevices';
import { visitMachine, type KioskStatus, type VisitEvent } from './visitMachine';
import type { VisitTimings } from './VisitTimings';

/**
 * The visit machine running on this kiosk: its requests go through the kiosk's signalling, its
 * devices are the citizen's camera and microphone, its call a PartyCall; the server's events
 * and the connection's state come in as events.
 */
export class KioskVisit {
  readonly actor: Actor<typeof visitMachine>;
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly connection: KioskConnection,
    private readonly devices: CitizenDevices,
    timings: VisitTimings,
  ) {
    const request = () => {
      const signalling = connection.signalling;
      if (!signalling) throw new AppError('UNAVAILABLE', 'The kiosk is not connected yet');
      return signalling;
    };
    const machine = visitMachine.provide({
      actors: {
        checkIn: fromPromise(({ input }) =>
          request().request(kioskSchedulingRequests.checkIn, { code: input.code }),
        ),
        joinWalkIn: fromPromise(({ input }) =>
          request().request(kioskSchedulingRequests.joinWalkIn, { serviceId: input.serviceId }),
        ),
        cancelWaiting: fromPromise(async () => {
          try {
            await request().request(kioskSchedulingRequests.cancelWaiting, {});
          } catch (error) {
            // BAD_STATE: nobody is waiting any more (ended meanwhile): leaving is what we wanted.
            if (!(error instanceof AppError && error.code === 'BAD_STATE'))
              console.warn('waiting:cancel failed', error);
          }
        }),
        submitSurvey: fromPromise(async ({ input }) => {
          try {
            await request().request(inCallRequests.submitSurvey, input);
          } catch (error) {
            console.warn('survey:submit failed', error);
          }
        }),
        partyCall: fromCallback<EventObject, { call: CallStarted }>(({ input, sendBack }) =>
          this.runCall(input.call, sendBack),
        ),
      },
      actions: {
        openDevices: () => void devices.want(),
        releaseDevices: () => devices.release(),
        forgetCitizen: () => forgetCitizenTraces(),
        silence: ({ context }) => {
          if (!context.visit.readAloud) window.speechSynthesis?.cancel();
        },
        refreshHome: () => void connection.loadHome(),
        visitEnded: () => connection.visitEnded(),
      },
    });
    this.actor = createActor(machine, { input: { timings } });
  }

  start(): void {
    this.actor.start();
    const connection = this.connection;
    let status = statusOf(connection.store.get());
    this.actor.send({ type: 'kiosk.status', status });
    this.cleanups.push(
      connection.store.subscribe(() => {
        const next = statusOf(connection.store.get());
        if (sameStatus(next, status)) return;
        status = next;
        this.actor.send({ type: 'kiosk.status', status });
      }),
      connection.on('home', ({ waiting }) => this.actor.send({ type: 'server.home', waiting })),
      connection.on('signalling', (signalling) => this.listen(signalling)),
    );
    if (connection.signalling) this.listen(connection.signalling);
  }

  send(event: VisitEvent): void {
    this.actor.send(event);
  }

  close(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.actor.stop();
  }

  private listen(signalling: SignallingClient): void {
    this.cleanups.push(
      signalling.on(callEvents.started, (call) => this.send({ type: 'server.callStarted', call })),
      signalling.on(transferEvents.handover, (handover) =>
        this.send({ type: 'server.handover', handover }),
      ),
      signalling.on(kioskSchedulingEvents.waitingStatus, (status) =>
        this.send({ type: 'server.waitingStatus', status }),
      ),
      signalling.on(kioskSchedulingEvents.waitingEnded, ({ reason }) =>
        this.send({ type: 'server.waitingEnded', reason }),
      ),
    );
  }

  /** The call, for as long as the visit is in it: closed when the visit leaves the call. */
  private runCall(call: CallStarted, sendBack: (event: VisitEvent) => void): () => void {
    const signalling = this.connection.signalling;
    if (!signalling) return () => undefined;
    const party = new PartyCall({
      signalling,
      call,
      party: 'kiosk',
      token: this.connection.token,
      localMedia: () => this.devices.live() ?? this.devices.want(),
    });
    const offs = [
      party.on('announce', (announcement) => sendBack({ type: 'call.announce', announcement })),
      party.on('ended', (end) => sendBack({ type: 'call.ended', end })),
      party.on('problem', ({ what, error }) => console.warn(`call ${what} failed`, error)),
      // A camera or microphone that stopped mid-call: the advisor hears it is unavailable (not
      // off), then it comes back or is gone for good: send what there is.
      this.devices.on('trackLost', ({ source }) => party.deviceLost(source)),
      this.devices.on('trackChanged', ({ source, track }) => party.replaceTrack(source, track)),
    ];
    sendBack({ type: 'call.ready', partyCall: party });
    party.start();
    offs.push(this.reportAccessibility(signalling, call.callId));
    return () => {
      for (const off of offs) off();
      party.close();
    };
  }

  /**
   * Tells the server whether read-aloud is on and which language the screen shows, at the call's
   * start and on each change during it: two figures of the impact report, nothing of the citizen.
   */
  private reportAccessibility(signalling: SignallingClient, callId: string): () => void {
    let reported = '';
    const report = () => {
      const { readAloud, language } = this.actor.getSnapshot().context.visit;
      if (`${readAloud}|${language}` === reported) return;
      reported = `${readAloud}|${language}`;
      signalling
        .request(inCallRequests.reportAccessibility, { callId, readAloud, language })
        .catch((error: unknown) => console.warn('call:accessibility failed', error));
    };
    report();
    const subscription = this.actor.subscribe(report);
    return () => subscription.unsubscribe();
  }
}

function statusOf(state: KioskStatus): KioskStatus {
  const { access, online, everOnline, outOfService } = state;
  return { access, online, everOnline, outOfService };
}

function sameStatus(a: KioskStatus, b: KioskStatus): boolean {
  return (
    a.access === b.access &&
    a.online === b.online &&
    a.everOnline === b.everOnline &&
    a.outOfService === b.outOfService
  );
}

/** What the browser keeps of a citizen beside the visit's slice. */
function forgetCitizenTraces(): void {
  window.speechSynthesis?.cancel();
  try {
    window.sessionStorage.clear();
  } catch {
    // Storage can be disabled: then there is nothing in it either.
  }
  // Documents being printed.
  for (const frame of document.querySelectorAll('iframe.print-frame')) frame.remove();
}
