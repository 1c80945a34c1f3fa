import { Router } from 'express';
import { InterpreterGuestBodySchema } from '@visio/shared/protocol';
import { rest } from './rest';

/** What the route needs of the calls: a guest pass for an invitation code. */
export interface InterpreterGuestPasses {
  interpreterGuestPass(code: string): string;
}

/**
 * `POST /api/interpreter/guest`: an interpreter without an account opened an invitation link; the
 * code (not spent) exchanges for a pass that joins that call only (see CallService). The code's
 * own refusals: NOT_FOUND, CONFLICT, BAD_STATE with their reasons.
 */
export function interpreterRoutes(calls: InterpreterGuestPasses): Router {
  const router = Router();
  router.post(
    '/interpreter/guest',
    rest({ body: InterpreterGuestBodySchema }, ({ body }) => ({
      token: calls.interpreterGuestPass(body.code),
    })),
  );
  return router;
}
