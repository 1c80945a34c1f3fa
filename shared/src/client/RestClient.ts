import { AppError, ErrorBodySchema, REQUEST_TIMEOUT_MS, type ErrorCode } from '../protocol';
import { appErrorFromBody } from '../protocol';

/** Anything that validates an answer the zod way (every shared schema qualifies). */
export interface ResponseParser<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

export interface RestRequest<T> {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Added to the path as a query string; undefined values are left out. */
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** Validates a successful answer; without it, the answer is ignored (e.g. 204). */
  readonly response?: ResponseParser<T>;
  readonly timeoutMs?: number;
}

/** What an HTTP status stands for when the body carries no error of ours (e.g. a proxy page). */
const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'INVALID_INPUT',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
  504: 'TIMEOUT',
};

/**
 * One call to the server's REST API on the page's own origin, with the page's cookies. A failed
 * answer becomes an AppError carrying the server's code, reason and wait, exactly like a failed
 * socket acknowledgement, so the apps translate both the same way.
 */
export async function restRequest<T = undefined>(
  path: string,
  request: RestRequest<T> = {},
): Promise<T> {
  const query = Object.entries(request.query ?? {}).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  const url = query.length > 0 ? `${path}?${new URLSearchParams(query).toString()}` : path;
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method ?? 'GET',
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json',
        ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: AbortSignal.timeout(request.timeoutMs ?? REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError')
      throw new AppError('TIMEOUT', `No answer from ${path} in time`);
    throw new AppError('UNAVAILABLE', `The server cannot be reached (${path})`);
  }
  const body: unknown = await readJson(response);
  if (!response.ok) throw errorOf(response, body);
  if (!request.response) return undefined as T;
  const parsed = request.response.safeParse(body);
  if (!parsed.success) throw new AppError('INTERNAL', `Malformed answer from ${path}`);
  return parsed.data;
}

/** A parser for `{ [key]: value }` answers whose value has a shared schema. */
export function fieldOf<K extends string, T>(
  key: K,
  parser: ResponseParser<T>,
): ResponseParser<Record<K, T>> {
  return {
    safeParse(value) {
      if (typeof value !== 'object' || value === null) return { success: false };
      const inner = parser.safeParse((value as Record<string, unknown>)[key]);
      return inner.success
        ? { success: true, data: { [key]: inner.data } as Record<K, T> }
        : { success: false };
    },
  };
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function errorOf(response: Response, body: unknown): AppError {
  const parsed = ErrorBodySchema.safeParse((body as { error?: unknown } | undefined)?.error);
  if (parsed.success) return appErrorFromBody(parsed.data);
  const code = STATUS_CODES[response.status] ?? 'INTERNAL';
  const retryAfter = Number(response.headers.get('Retry-After'));
  return new AppError(
    code,
    `HTTP ${response.status}`,
    undefined,
    code === 'RATE_LIMITED' && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {},
  );
}
