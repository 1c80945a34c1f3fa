import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Six-digit check-in codes. Only an HMAC (keyed by the server secret and bound to the appointment
 * id) is stored, so a copy of the database does not reveal codes and a code is useless for any
 * other appointment. Brute force at the kiosk is stopped by the lockout, not by the hash.
 */
export class CheckInCodes {
  constructor(private readonly secret: Buffer) {}

  generate(): string {
    return String(randomInt(0, 1_000_000)).padStart(6, '0');
  }

  hash(appointmentId: string, code: string): string {
    return createHmac('sha256', this.secret).update(`${appointmentId}:${code}`).digest('hex');
  }

  matches(appointmentId: string, code: string, storedHash: string): boolean {
    const a = Buffer.from(this.hash(appointmentId, code), 'hex');
    const b = Buffer.from(storedHash, 'hex');
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
