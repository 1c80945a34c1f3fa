import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { StaffRole } from '@visio/shared/protocol';
import type { Directory, KioskRecord } from './Directory';
import type { KioskPrincipal, StaffPrincipal } from './Principal';

/** Tokens are kept only as SHA-256 hashes, even in memory: a dump never reveals a credential. */
function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Kiosks and staff held in memory: the demo pairing of the foundation, and tests. Replaced by the
 * store-backed directory when accounts land; keep the `Directory` seam.
 */
export class InMemoryDirectory implements Directory {
  private readonly kiosks = new Map<string, { record: KioskRecord; tokenHash: Buffer }>();
  private readonly staff = new Map<string, { principal: StaffPrincipal; tokenHash: Buffer }>();

  /** Adds a kiosk and returns its device token (shown once). */
  addKiosk(name: string, token = newToken()): { kioskId: string; token: string } {
    const kioskId = randomUUID();
    this.kiosks.set(kioskId, { record: { kioskId, name }, tokenHash: hashToken(token) });
    return { kioskId, token };
  }

  /** Adds a staff member and returns their session token (shown once). */
  addStaff(
    name: string,
    roles: StaffRole[],
    token = newToken(),
  ): { staffId: string; token: string } {
    const staffId = randomUUID();
    this.staff.set(staffId, {
      principal: { kind: 'staff', staffId, name, roles },
      tokenHash: hashToken(token),
    });
    return { staffId, token };
  }

  async authenticateKiosk(token: string): Promise<KioskPrincipal | undefined> {
    const hash = hashToken(token);
    for (const { record, tokenHash } of this.kiosks.values()) {
      if (timingSafeEqual(hash, tokenHash))
        return { kind: 'kiosk', kioskId: record.kioskId, name: record.name };
    }
    return undefined;
  }

  async authenticateStaff(token: string): Promise<StaffPrincipal | undefined> {
    const hash = hashToken(token);
    for (const { principal, tokenHash } of this.staff.values()) {
      if (timingSafeEqual(hash, tokenHash)) return principal;
    }
    return undefined;
  }

  async listKiosks(): Promise<KioskRecord[]> {
    return [...this.kiosks.values()].map((k) => k.record);
  }

  async getKiosk(kioskId: string): Promise<KioskRecord | undefined> {
    return this.kiosks.get(kioskId)?.record;
  }
}
