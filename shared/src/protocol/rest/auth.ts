import { z } from 'zod';
import { IdSchema } from '../ids';
import { DisplayNameSchema } from '../names';
import { PrincipalSummarySchema } from '../session';

// REST bodies, params and answers of the accounts, sessions and kiosk-enrolment routes. The server
// validates what arrives with these; the clients validate what they receive with the same schemas.

/** The staff session cookie: httpOnly, so only its name is shared (for documentation and tests). */
export const SESSION_COOKIE_NAME = 'visio_session';

/**
 * Enrolment codes: 8 characters a technician reads out or types without confusion (no 0/O, 1/I).
 * 32 symbols → 40 bits; single use, valid 7 days, and code entry is rate limited.
 */
export const ENROLMENT_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const ENROLMENT_CODE_LENGTH = 8;

// ---- Staff sessions

/** `POST /api/auth/login`. The login is case-insensitive and trimmed by the server. */
export const LoginBodySchema = z
  .object({
    login: z.string().trim().min(1).max(100),
    // Bounded so that hashing an oversized "password" cannot be used to burn CPU.
    password: z.string().min(1).max(256),
  })
  .strict();
export type LoginBody = z.infer<typeof LoginBodySchema>;

/** Answer of `POST /api/auth/login` and `GET /api/auth/me`. */
export const SessionResponseSchema = z.object({ principal: PrincipalSummarySchema });
export type SessionResponse = z.infer<typeof SessionResponseSchema>;

// ---- Kiosks

export const KioskEnrolmentStateSchema = z.enum(['pending', 'enrolled', 'revoked']);
export type KioskEnrolmentState = z.infer<typeof KioskEnrolmentStateSchema>;

/** A kiosk as staff see it: never a hash, a code or a token. */
export const KioskSummarySchema = z.object({
  kioskId: IdSchema,
  name: z.string(),
  siteId: IdSchema,
  siteName: z.string(),
  enrolmentState: KioskEnrolmentStateSchema,
  /** When the outstanding enrolment code expires (ISO time); null when no code is outstanding. */
  enrolmentCodeExpiresAt: z.string().nullable(),
  outOfService: z.boolean(),
});
export type KioskSummary = z.infer<typeof KioskSummarySchema>;

/** `GET /api/kiosks`. */
export const KioskListResponseSchema = z.object({ kiosks: z.array(KioskSummarySchema) });
export type KioskListResponse = z.infer<typeof KioskListResponseSchema>;

/** `POST /api/kiosks` (admin, technician). */
export const CreateKioskBodySchema = z
  .object({
    name: DisplayNameSchema,
    siteId: IdSchema,
  })
  .strict();
export type CreateKioskBody = z.infer<typeof CreateKioskBodySchema>;

/** Params of `/api/kiosks/:kioskId/...`. */
export const KioskParamsSchema = z.object({ kioskId: IdSchema }).strict();
export type KioskParams = z.infer<typeof KioskParamsSchema>;

/**
 * Answer of `POST /api/kiosks` and `POST /api/kiosks/:kioskId/enrolment-code`: the one-time code is
 * shown once and never stored in clear; the kiosk page enrols at `enrolmentPath`.
 */
export const EnrolmentCodeResponseSchema = z.object({
  kiosk: KioskSummarySchema,
  enrolmentCode: z.string().length(ENROLMENT_CODE_LENGTH),
  /** Path of the kiosk page that enrols with this code, e.g. `/kiosk/?enrol=ABCD2345`. */
  enrolmentPath: z.string(),
  expiresAt: z.string(),
});
export type EnrolmentCodeResponse = z.infer<typeof EnrolmentCodeResponseSchema>;

/** `POST /api/kiosks/:kioskId/out-of-service` (admin, technician). */
export const SetOutOfServiceBodySchema = z.object({ outOfService: z.boolean() }).strict();
export type SetOutOfServiceBody = z.infer<typeof SetOutOfServiceBodySchema>;

// ---- Kiosk enrolment (public: the kiosk has no credentials yet)

/**
 * `POST /api/kiosk/enrol`. Case, spaces and dashes are forgiven by the server; any code that does
 * not open a pending enrolment gets the same NOT_FOUND answer.
 */
export const EnrolBodySchema = z.object({ code: z.string().min(1).max(32) }).strict();
export type EnrolBody = z.infer<typeof EnrolBodySchema>;

/** The device token is shown once: the kiosk keeps it and connects to `/kiosk` with it. */
export const EnrolResponseSchema = z.object({
  deviceToken: z.string(),
  kioskId: IdSchema,
  name: z.string(),
});
export type EnrolResponse = z.infer<typeof EnrolResponseSchema>;
