import { AppError, type StaffRole } from '@visio/shared/protocol';

/** Roles that book for everyone: the booking desk's own job. */
const SCHEDULING_ROLES: readonly StaffRole[] = ['scheduler', 'admin'];

/**
 * Which appointments a staff member may see and act on through the booking API. Schedulers and
 * admins: all of them. An advisor: those of the services they serve, and they never hand one to
 * another advisor, which is a scheduler's act (moving a colleague's citizen to oneself would
 * sidestep the waiting room's "not yours to take yet").
 */
export class AppointmentRights {
  private constructor(
    /** undefined: every service. */
    private readonly serviceIds: ReadonlySet<string> | undefined,
  ) {}

  /** `serviceIds` is asked only of staff who are not schedulers or admins. */
  static async of(
    roles: readonly StaffRole[],
    serviceIds: () => Promise<readonly string[]>,
  ): Promise<AppointmentRights> {
    if (roles.some((r) => SCHEDULING_ROLES.includes(r))) return new AppointmentRights(undefined);
    return new AppointmentRights(new Set(await serviceIds()));
  }

  get mayReassign(): boolean {
    return this.serviceIds === undefined;
  }

  sees(serviceId: string): boolean {
    return this.serviceIds === undefined || this.serviceIds.has(serviceId);
  }

  /** FORBIDDEN (not_your_service) unless the appointment's service is one of theirs. */
  assertMayActOn(serviceId: string): void {
    if (!this.sees(serviceId))
      throw AppError.withReason(
        'FORBIDDEN',
        'not_your_service',
        'This appointment belongs to a service you do not serve',
      );
  }

  /** FORBIDDEN (reassign_needs_scheduler) if an advisor would give it to another advisor. */
  assertMayAssign(fromAdvisorId: string | null, toAdvisorId: string): void {
    if (fromAdvisorId !== toAdvisorId && !this.mayReassign)
      throw AppError.withReason(
        'FORBIDDEN',
        'reassign_needs_scheduler',
        'Only a scheduler may give an appointment to another advisor',
      );
  }
}
