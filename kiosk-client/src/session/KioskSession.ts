import { preloadDevice } from '@visio/shared/client';
import { NightlyTestRunner } from '../features/maintenance/NightlyTestRunner';
import { CitizenDevices } from '../visit/CitizenDevices';
import { KioskVisit } from '../visit/KioskVisit';
import type { VisitTimings } from '../visit/VisitTimings';
import type { KioskCredentials } from './deviceToken';
import { KioskConnection } from './KioskConnection';
import { HEARTBEAT_SCREEN, screenOf, type KioskScreen } from './KioskScreen';

/**
 * One kiosk page: the kiosk's own connection (enrolment, socket, fleet reporting), the citizen's
 * visit (a statechart) and the citizen's camera and microphone. `close()` releases them all.
 */
export class KioskSession {
  readonly devices = new CitizenDevices();
  readonly connection: KioskConnection;
  readonly visit: KioskVisit;
  /** The nightly test call, run when the server asks and nobody uses the kiosk. */
  readonly nightlyTest: NightlyTestRunner;
  private readonly cleanups: (() => void)[] = [];

  constructor(credentials: KioskCredentials, timings: VisitTimings) {
    this.connection = new KioskConnection(credentials, {
      heartbeatScreen: () =>
        this.nightlyTest.running ? 'maintenance_test' : HEARTBEAT_SCREEN[this.screen()],
      failedDevices: () => {
        const { camera, microphone } = this.devices.store.get();
        return { camera: camera !== 'ok', microphone: microphone !== 'ok' };
      },
      holdsCitizen: () => this.holdsCitizen(),
      idle: () => this.visit.actor.getSnapshot().matches({ step: 'welcome' }),
    });
    this.visit = new KioskVisit(this.connection, this.devices, timings);
    this.nightlyTest = new NightlyTestRunner({
      idle: () => this.screen() === 'welcome',
      changed: () => this.connection.reportChange(),
    });
  }

  start(): void {
    this.visit.start();
    let screen = this.screen();
    let devices = this.devices.store.get();
    this.cleanups.push(
      this.connection.on('signalling', (signalling) => {
        this.nightlyTest.listen(signalling);
        // The media Device loaded now: the citizen's first call then starts at once.
        void preloadDevice(signalling);
      }),
      this.visit.actor.subscribe(() => {
        const next = this.screen();
        if (next === screen) return;
        screen = next;
        this.connection.reportChange();
      }).unsubscribe,
      // A device that fails or comes back mid-call: the technician console hears it at once.
      this.devices.store.subscribe(() => {
        const next = this.devices.store.get();
        if (next.camera === devices.camera && next.microphone === devices.microphone) return;
        devices = next;
        this.connection.reportChange();
      }),
    );
    this.connection.start();
  }

  screen(): KioskScreen {
    return screenOf(this.visit.actor.getSnapshot());
  }

  /** Whether a citizen is in the middle of something a navigation would break. */
  holdsCitizen(): boolean {
    const snapshot = this.visit.actor.getSnapshot();
    return (
      snapshot.matches({ step: 'call' }) ||
      snapshot.matches({ step: 'survey' }) ||
      snapshot.matches({ step: 'waiting' })
    );
  }

  close(): void {
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.nightlyTest.close();
    this.visit.close();
    this.connection.close();
    this.devices.release();
  }
}
