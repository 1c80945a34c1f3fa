import type { ErrorBody } from '@visio/shared/protocol';

/**
 * The answer to a request body that body-parser (express.json, express.raw) would not read:
 * what the client got wrong, with its HTTP status and our error body, never a 500 or a stack.
 * `undefined` when the error is not a body refusal (a bug, answered 500 by the caller).
 */
export function bodyRefusal(error: unknown): { status: number; error: ErrorBody } | undefined {
  const { type, status, expose } = (error ?? {}) as {
    type?: unknown;
    status?: unknown;
    expose?: unknown;
  };
  switch (type) {
    case 'entity.too.large':
      return refusal(413, 'PAYLOAD_TOO_LARGE', undefined, 'Request body too large');
    case 'charset.unsupported':
      return refusal(415, 'INVALID_INPUT', 'unsupported_charset', 'Send JSON bodies in UTF-8');
    case 'encoding.unsupported':
      return refusal(
        415,
        'INVALID_INPUT',
        'unsupported_encoding',
        'Content-Encoding is not accepted: send the body as it is',
      );
    case 'entity.parse.failed':
      return refusal(400, 'INVALID_INPUT', undefined, 'Malformed request body');
  }
  // Other refusals of body-parser (aborted, size mismatch, too many parameters) are the client's.
  if (expose === true && typeof status === 'number' && status >= 400 && status < 500)
    return refusal(
      status,
      status === 413 ? 'PAYLOAD_TOO_LARGE' : 'INVALID_INPUT',
      undefined,
      'Unreadable request body',
    );
  return undefined;
}

function refusal(
  status: number,
  code: ErrorBody['code'],
  reason: string | undefined,
  message: string,
): { status: number; error: ErrorBody } {
  return { status, error: reason ? { code, message, reason } : { code, message } };
}
