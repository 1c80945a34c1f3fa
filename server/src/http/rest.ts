import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import type { z } from 'zod';
import { AppError, type ErrorCode, type StaffRole } from '@visio/shared/protocol';
import { hasRole, type StaffPrincipal } from '../auth/Principal';
import { readBody } from './readBody';

/**
 * JSON bodies are small (no route takes more), never compressed (no client compresses, and
 * inflating is work done for whoever asks), and read only once the route's roles let the
 * sender in.
 */
const readJson = express.json({ limit: '16kb', inflate: false });

/** HTTP status for each stable error code; the body always carries the code itself. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNKNOWN_MESSAGE: 404,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  BAD_STATE: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
  INTERNAL: 500,
};

export interface RestInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  req: Request;
  res: Response;
}

export interface RestRouteOptions<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  body?: B;
  query?: Q;
  params?: P;
  /** Staff roles allowed; omitted = public route (no session needed). */
  roles?: readonly StaffRole[];
}

/**
 * The one way to write a REST handler: checks the staff session and role (UNAUTHORIZED /
 * FORBIDDEN) before anything else, then reads the JSON body (if the route takes one) and
 * validates body, query and params with zod (INVALID_INPUT), runs the handler and answers its
 * result as JSON, or `{ error: { code, message } }` with the matching HTTP status.
 * `res.locals.principal` is set by the session middleware.
 */
export function rest<
  B extends z.ZodType = z.ZodUnknown,
  Q extends z.ZodType = z.ZodUnknown,
  P extends z.ZodType = z.ZodUnknown,
>(
  options: RestRouteOptions<B, Q, P>,
  handler: (
    input: RestInput<z.output<B>, z.output<Q>, z.output<P>>,
    principal: StaffPrincipal,
  ) => Promise<unknown> | unknown,
): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    void (async () => {
      const principal = res.locals.principal as StaffPrincipal | undefined;
      if (options.roles) {
        if (!principal) throw new AppError('UNAUTHORIZED', 'Please sign in');
        if (!hasRole(principal, options.roles))
          throw new AppError('FORBIDDEN', 'Your role may not do this');
      }
      if (options.body) await readBody(readJson, req, res);
      const body = parse(options.body, req.body, 'body');
      const query = parse(options.query, req.query, 'query');
      const params = parse(options.params, req.params, 'params');
      const result = await handler(
        { body, query, params, req, res } as RestInput<z.output<B>, z.output<Q>, z.output<P>>,
        principal as StaffPrincipal,
      );
      if (!res.headersSent) res.status(result === undefined ? 204 : 200).json(result);
    })().catch((error: unknown) => sendError(res, error, next));
  };
}

function parse(schema: z.ZodType | undefined, value: unknown, where: string): unknown {
  if (!schema) return value;
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues
    .slice(0, 10)
    .map((i) => ({ path: [where, ...i.path].join('.'), message: i.message }));
  throw new AppError('INVALID_INPUT', `Invalid request ${where}`, details);
}

export function sendError(res: Response, error: unknown, next: NextFunction): void {
  if (res.headersSent) return next(error);
  if (error instanceof AppError) {
    if (error.code === 'RATE_LIMITED' && error.retryAfterSeconds)
      res.setHeader('Retry-After', String(error.retryAfterSeconds));
    res.status(HTTP_STATUS[error.code]).json({ error: error.toBody() });
    return;
  }
  next(error);
}
