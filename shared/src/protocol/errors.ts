import { z } from 'zod';

/**
 * Stable error codes carried by every failed acknowledgement. Clients map them to translated
 * sentences; never rename one, only add.
 */
export const ERROR_CODES = [
  'INVALID_INPUT', // the payload does not match the message's schema
  'PAYLOAD_TOO_LARGE', // the payload exceeds the per-message size limit
  'UNKNOWN_MESSAGE', // no such request on this namespace
  'UNAUTHORIZED', // no valid credentials (token, session)
  'FORBIDDEN', // authenticated, but this principal may not do this
  'NOT_FOUND', // the object does not exist, or is not visible to this principal
  'CONFLICT', // the object is in use or was taken by someone else
  'BAD_STATE', // out of order: the request does not fit the object's current state
  'RATE_LIMITED', // too many attempts; retry later
  'UNAVAILABLE', // the server cannot serve this now (no media worker, shutting down)
  'TIMEOUT', // client side: no acknowledgement in time
  'INTERNAL', // a bug on our side; details are in the server log, not here
] as const;

export const ErrorCodeSchema = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

export const ErrorBodySchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  /** Optional machine-readable details, e.g. the invalid field paths. Never personal data. */
  details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** A finer machine-readable reason the UI can translate, e.g. `too_early` for a check-in. */
  reason: z.string().optional(),
  /** With RATE_LIMITED: when to try again. */
  retryAfterSeconds: z.number().int().nonnegative().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** An error with a stable code. Thrown by services, turned into a failed ack at the edge. */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorBody['details'],
    readonly extra: { reason?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message);
  }

  get reason(): string | undefined {
    return this.extra.reason;
  }

  get retryAfterSeconds(): number | undefined {
    return this.extra.retryAfterSeconds;
  }

  /** Shorthand for an error with a translatable reason. */
  static withReason(
    code: ErrorCode,
    reason: string,
    message: string,
    retryAfterSeconds?: number,
  ): AppError {
    return new AppError(
      code,
      message,
      undefined,
      retryAfterSeconds === undefined ? { reason } : { reason, retryAfterSeconds },
    );
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.details) body.details = this.details;
    if (this.extra.reason) body.reason = this.extra.reason;
    if (this.extra.retryAfterSeconds !== undefined)
      body.retryAfterSeconds = this.extra.retryAfterSeconds;
    return body;
  }
}

/**
 * The AppError a failed acknowledgement or REST answer stands for, reason and wait included (a
 * client's answer from the server, or a node's from another node).
 */
export function appErrorFromBody(body: ErrorBody): AppError {
  const { code, message, details, reason, retryAfterSeconds } = body;
  return new AppError(code, message, details, {
    ...(reason === undefined ? {} : { reason }),
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
  });
}
