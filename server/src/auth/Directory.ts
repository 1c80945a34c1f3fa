import type { KioskPrincipal, StaffPrincipal } from './Principal';

export interface KioskRecord {
  kioskId: string;
  name: string;
}

/**
 * What the rest of the server asks of accounts and devices. The foundation uses the in-memory
 * demo directory; the store-backed one (accounts, enrolment, sessions) implements the same seam.
 */
export interface Directory {
  authenticateKiosk(token: string): Promise<KioskPrincipal | undefined>;
  authenticateStaff(token: string): Promise<StaffPrincipal | undefined>;
  listKiosks(): Promise<KioskRecord[]>;
  getKiosk(kioskId: string): Promise<KioskRecord | undefined>;
}
