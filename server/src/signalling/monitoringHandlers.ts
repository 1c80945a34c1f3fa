import type { Logger } from 'pino';
import type { Namespace, Socket } from 'socket.io';
import { hasRole, type KioskPrincipal, type StaffPrincipal } from '../auth/Principal';
import { CONSOLE_ROLES, type MonitoringModule } from '../monitoring/MonitoringModule';
import {
  kioskMonitoringEvents,
  kioskMonitoringRequests,
  kioskNightlyTestEvents,
  staffLinkTestEvents,
  staffMonitoringEvents,
  staffNightlyTestEvents,
  staffMonitoringRequests,
} from '@visio/shared/protocol';
import { emit } from './emit';
import { registerKioskNightlyTest, registerStaffNightlyTest } from './nightlyTestHandlers';
import type { RequestRouter } from './RequestRouter';
import { partyRoom } from './SchedulingNotifier';

/** The socket room of console staff on `/staff`: fleet, alerts, call quality and health events. */
export const TECHNICIAN_ROOM = 'technicians';

/** The kiosk's side: its heartbeat, and its browser's statistics during a call. */
export function registerKioskMonitoring(
  router: RequestRouter<KioskPrincipal>,
  monitoring: MonitoringModule,
): void {
  router
    .on(kioskMonitoringRequests.heartbeat, (heartbeat, { principal }) =>
      monitoring.fleet.heartbeat(principal.kioskId, heartbeat),
    )
    .on(kioskMonitoringRequests.statsReport, ({ callId, stats }, { principal }) => {
      monitoring.quality.report(principal, callId, stats);
      return {};
    });
  registerKioskNightlyTest(router, monitoring);
}

/**
 * The console (technician, admin) and the advisor's call statistics. A technician is never a
 * party to a call, so `stats:report` is for advisors; its NOT_FOUND covers any other call.
 */
export function registerStaffMonitoring(
  router: RequestRouter<StaffPrincipal>,
  monitoring: MonitoringModule,
): void {
  const consoleOnly = { roles: CONSOLE_ROLES };
  const r = staffMonitoringRequests;
  router
    .on(r.fleetList, async () => ({ kiosks: await monitoring.fleet.list() }), consoleOnly)
    .on(
      r.alertsList,
      ({ limit }) => ({
        active: monitoring.alerts.list(),
        history: monitoring.alerts.recentlyCleared(limit ?? 100),
      }),
      consoleOnly,
    )
    .on(r.callsLive, async () => ({ calls: await monitoring.liveCalls() }), consoleOnly)
    .on(
      r.callSamples,
      ({ callId }) => ({ samples: [...monitoring.quality.samplesOf(callId)] }),
      consoleOnly,
    )
    .on(
      r.callsHistory,
      async ({ quality, limit, before }) => ({
        calls: await monitoring.history.history({ quality, limit: limit ?? 50, before }),
      }),
      consoleOnly,
    )
    .on(r.healthGet, () => monitoring.health.measure(), consoleOnly)
    .on(
      r.endCall,
      async ({ callId, reason }, { principal }) => {
        await monitoring.actions.endCall(principal, callId, reason);
        return {};
      },
      consoleOnly,
    )
    .on(
      r.reloadKiosk,
      async ({ kioskId, reason }, { principal }) => ({
        delivered: await monitoring.actions.reloadKiosk(principal, kioskId, reason),
      }),
      consoleOnly,
    )
    .on(
      r.setKioskOutOfService,
      async ({ kioskId, outOfService, reason }, { principal }) => ({
        kiosk: await monitoring.actions.setOutOfService(principal, kioskId, outOfService, reason),
      }),
      consoleOnly,
    )
    .on(
      r.statsReport,
      ({ callId, stats }, { principal }) => {
        monitoring.quality.report(principal, callId, stats);
        return {};
      },
      { roles: ['advisor'] },
    );
  registerStaffNightlyTest(router, monitoring);
}

/** Console staff join the technician room on connection (call from the `/staff` connection handler). */
export function joinConsoleRoom(socket: Socket, principal: StaffPrincipal): void {
  if (hasRole(principal, CONSOLE_ROLES)) void socket.join(TECHNICIAN_ROOM);
}

/**
 * Turns monitoring events into socket messages: the console's to the technician room only, a
 * kiosk command to that kiosk only. Advisors and schedulers never receive these.
 */
export class MonitoringNotifier {
  constructor(
    private readonly kiosks: Namespace,
    private readonly staff: Namespace,
    private readonly monitoring: MonitoringModule,
    private readonly log: Logger,
  ) {}

  wire(): void {
    const consoleRoom = () => this.staff.to(TECHNICIAN_ROOM);
    const e = staffMonitoringEvents;
    const m = this.monitoring;
    // This node's console sockets (socket.io counts room members; no console, no live sampling).
    m.setConsoleAudience(() => this.staff.adapter.rooms.get(TECHNICIAN_ROOM)?.size ?? 0);
    m.on('fleetChanged', (status) => emit(consoleRoom(), e.fleetChanged, status));
    m.on('alertRaised', (alert) => emit(consoleRoom(), e.alertRaised, alert));
    m.on('alertCleared', (alert) => emit(consoleRoom(), e.alertCleared, alert));
    // Frequent events are not even encoded while no console listens.
    m.on('callQuality', (payload) => {
      if (m.watched) emit(consoleRoom(), e.callQuality, payload);
    });
    m.on('callsChanged', (payload) => emit(consoleRoom(), e.callsChanged, payload));
    m.on('linkTestResult', (payload) => emit(consoleRoom(), staffLinkTestEvents.result, payload));
    m.on('nightlyTestResult', ({ kioskId, view }) =>
      emit(consoleRoom(), staffNightlyTestEvents.result, { kioskId, ...view }),
    );
    m.on('nightlyTestAsked', ({ kioskId, trigger }) => {
      emit(this.kiosks.to(partyRoom(kioskId)), kioskNightlyTestEvents.asked, { trigger });
      this.log.info({ kioskId, trigger }, 'nightly test asked');
    });
    m.on('healthChanged', (snapshot) => {
      if (m.watched) emit(consoleRoom(), e.healthChanged, snapshot);
    });
    m.on('kioskCommand', ({ kioskId, command }) => {
      emit(this.kiosks.to(partyRoom(kioskId)), kioskMonitoringEvents.command, { command });
      this.log.info({ kioskId, command }, 'kiosk command sent');
    });
  }
}
