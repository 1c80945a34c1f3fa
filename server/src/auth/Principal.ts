import { z } from 'zod';
import { StaffRoleSchema, type PrincipalSummary, type StaffRole } from '@visio/shared/protocol';

/** Who is acting. Resolved once per socket (or HTTP request) by the auth module. */
export interface KioskPrincipal {
  kind: 'kiosk';
  kioskId: string;
  name: string;
}

export interface StaffPrincipal {
  kind: 'staff';
  staffId: string;
  name: string;
  roles: StaffRole[];
}

export type Principal = KioskPrincipal | StaffPrincipal;

export function hasRole(principal: Principal, roles: readonly StaffRole[]): boolean {
  return principal.kind === 'staff' && principal.roles.some((r) => roles.includes(r));
}

export function summarize(principal: Principal): PrincipalSummary {
  return principal.kind === 'kiosk'
    ? { kind: 'kiosk', kioskId: principal.kioskId, name: principal.name }
    : { kind: 'staff', staffId: principal.staffId, name: principal.name, roles: principal.roles };
}

/** The identity a principal has inside a call and in socket rooms. */
export function principalId(principal: Principal): string {
  return principal.kind === 'kiosk' ? principal.kioskId : principal.staffId;
}

/** A principal as another node relays it (nodes trust each other; the shape is still checked). */
export const PrincipalSchema: z.ZodType<Principal> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('kiosk'), kioskId: z.string(), name: z.string() }),
  z.object({
    kind: z.literal('staff'),
    staffId: z.string(),
    name: z.string(),
    roles: z.array(StaffRoleSchema),
  }),
]);
