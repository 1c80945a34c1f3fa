import type { ErrorCode } from '@visio/shared/protocol';
import type { MessageKey } from './translate';

/** Where an error happened: some codes deserve a more precise sentence in context. */
export type ErrorContext = 'hangup' | 'media';

const GENERIC: Record<ErrorCode, MessageKey> = {
  INVALID_INPUT: 'errors.INVALID_INPUT',
  PAYLOAD_TOO_LARGE: 'errors.PAYLOAD_TOO_LARGE',
  UNKNOWN_MESSAGE: 'errors.UNKNOWN_MESSAGE',
  UNAUTHORIZED: 'errors.UNAUTHORIZED',
  FORBIDDEN: 'errors.FORBIDDEN',
  NOT_FOUND: 'errors.NOT_FOUND',
  CONFLICT: 'errors.CONFLICT',
  BAD_STATE: 'errors.BAD_STATE',
  RATE_LIMITED: 'errors.RATE_LIMITED',
  UNAVAILABLE: 'errors.UNAVAILABLE',
  TIMEOUT: 'errors.TIMEOUT',
  INTERNAL: 'errors.INTERNAL',
};

const IN_CONTEXT: Partial<Record<ErrorContext, Partial<Record<ErrorCode, MessageKey>>>> = {};

/** The sentence to show for a failed request; never the server's raw message. */
export function errorMessageKey(context: ErrorContext, code: ErrorCode): MessageKey {
  return IN_CONTEXT[context]?.[code] ?? GENERIC[code];
}
