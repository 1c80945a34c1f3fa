import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { AppError, type KioskSummary } from '@visio/shared/protocol';
import type { StaffPrincipal } from '../auth/Principal';
import type { CallService } from '../calls/CallService';
import type { AuditEntry, AuditLog } from '../store';
import type { FleetService } from './FleetService';
import type { KioskPresence } from './KioskPresence';
import type { KioskCommand, KioskFleetStatus } from '@visio/shared/protocol';

/** What the actions need of kiosk enrolment (the auth module's KioskEnrolment). */
export interface OutOfServiceSwitch {
  setOutOfService(
    kioskId: string,
    outOfService: boolean,
    actor: AuditEntry['actor'],
  ): Promise<KioskSummary>;
}

export interface TechnicianActionsEvents {
  /** To be delivered to the kiosk's screen. */
  kioskCommand: [{ kioskId: string; command: KioskCommand }];
}

/**
 * What a technician (or admin) may do about a fault: end a call, reload a kiosk's app, take a
 * kiosk out of service or back. Each action is written to the audit log with the actor and the
 * reason given; the server log carries ids only (a reason is free text and stays in the audit).
 */
export class TechnicianActions extends EventEmitter<TechnicianActionsEvents> {
  constructor(
    private readonly calls: CallService,
    private readonly enrolment: OutOfServiceSwitch,
    private readonly audit: AuditLog,
    private readonly fleet: FleetService,
    private readonly presence: KioskPresence,
    private readonly logger: Logger,
    private readonly nightly: { ask(kioskId: string, trigger: 'technician'): void },
  ) {
    super();
  }

  /** Asks the kiosk to run the nightly test call now (it runs it if idle). */
  async runNightlyTest(actor: StaffPrincipal, kioskId: string, reason: string): Promise<boolean> {
    if (!(await this.fleet.statusOf(kioskId))) throw new AppError('NOT_FOUND', 'No such kiosk');
    this.nightly.ask(kioskId, 'technician');
    await this.audit.record({
      actor: staff(actor),
      action: 'kiosk.nightly_test',
      target: { type: 'kiosk', id: kioskId },
      details: { reason },
    });
    const delivered = this.presence.isOnline(kioskId);
    this.logger.info({ kioskId, staffId: actor.staffId, delivered }, 'nightly test requested');
    return delivered;
  }

  async endCall(actor: StaffPrincipal, callId: string, reason: string): Promise<void> {
    this.calls.endByStaff(callId);
    await this.audit.record({
      actor: staff(actor),
      action: 'call.end_by_staff',
      target: { type: 'call', id: callId },
      details: { reason },
    });
    this.logger.info({ callId, staffId: actor.staffId }, 'call ended by staff');
  }

  /** Returns whether the kiosk was connected to receive the command. */
  async reloadKiosk(actor: StaffPrincipal, kioskId: string, reason: string): Promise<boolean> {
    if (!(await this.fleet.statusOf(kioskId))) throw new AppError('NOT_FOUND', 'No such kiosk');
    await this.audit.record({
      actor: staff(actor),
      action: 'kiosk.reload',
      target: { type: 'kiosk', id: kioskId },
      details: { reason },
    });
    const delivered = this.presence.isOnline(kioskId);
    this.emit('kioskCommand', { kioskId, command: 'reload' });
    this.logger.info({ kioskId, staffId: actor.staffId, delivered }, 'kiosk reload requested');
    return delivered;
  }

  async setOutOfService(
    actor: StaffPrincipal,
    kioskId: string,
    outOfService: boolean,
    reason: string,
  ): Promise<KioskFleetStatus> {
    // Audits the state change itself (`kiosk.out_of_service`); the reason is recorded beside it.
    await this.enrolment.setOutOfService(kioskId, outOfService, staff(actor));
    await this.audit.record({
      actor: staff(actor),
      action: 'kiosk.out_of_service_reason',
      target: { type: 'kiosk', id: kioskId },
      details: { outOfService, reason },
    });
    const status = await this.fleet.refresh(kioskId);
    if (!status) throw new AppError('NOT_FOUND', 'No such kiosk');
    this.emit('kioskCommand', { kioskId, command: outOfService ? 'out_of_service' : 'in_service' });
    this.logger.info({ kioskId, staffId: actor.staffId, outOfService }, 'kiosk service changed');
    return status;
  }
}

function staff(actor: StaffPrincipal): AuditEntry['actor'] {
  return { kind: 'staff', id: actor.staffId };
}
