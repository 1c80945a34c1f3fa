import { z } from 'zod';
import { defineEvent, defineRequest } from './envelope';
import { IdSchema } from './ids';

/** `coordinator`: the region's or a partner's coordinator; sees the impact report only (aggregates). */
export const StaffRoleSchema = z.enum([
  'advisor',
  'scheduler',
  'technician',
  'admin',
  'coordinator',
  // joins calls it is invited to (with a code) as their interpreter; sees nothing else
  'interpreter',
]);
export type StaffRole = z.infer<typeof StaffRoleSchema>;

export const PrincipalSummarySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('kiosk'), kioskId: IdSchema, name: z.string() }),
  z.object({
    kind: z.literal('staff'),
    staffId: IdSchema,
    name: z.string(),
    roles: z.array(StaffRoleSchema),
  }),
]);
export type PrincipalSummary = z.infer<typeof PrincipalSummarySchema>;

export const KioskStatusSchema = z.object({
  kioskId: IdSchema,
  name: z.string(),
  online: z.boolean(),
  /** The call the kiosk is in, if any (advisors see only whether it is busy). */
  busy: z.boolean(),
});
export type KioskStatus = z.infer<typeof KioskStatusSchema>;

export const sessionRequests = {
  whoami: defineRequest(
    'session:whoami',
    z.object({}).strict(),
    z.object({ principal: PrincipalSummarySchema }),
    'Who this socket is authenticated as.',
  ),
} as const;

export const kioskDirectoryRequests = {
  list: defineRequest(
    'kiosks:list',
    z.object({}).strict(),
    z.object({ kiosks: z.array(KioskStatusSchema) }),
    'Staff: the kiosks and whether each is online and busy.',
  ),
} as const;

export const kioskDirectoryEvents = {
  changed: defineEvent(
    'kiosks:changed',
    KioskStatusSchema,
    'Staff: a kiosk came online, went offline, or became busy or free.',
  ),
} as const;
