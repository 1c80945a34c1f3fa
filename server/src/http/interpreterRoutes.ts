import { Router, type Response } from 'express';
import { AppError, InterpreterGuestBodySchema } from '@visio/shared/protocol';
import { AttemptLimiter, clientNetwork } from '../auth/AttemptLimiter';
import { rest } from './rest';

/** What the route needs of the calls: a guest pass for an invitation code. */
export interface InterpreterGuestPasses {
  interpreterGuestPass(code: string): string;
}

/** Unknown codes allowed per client network before it must wait (codes are 31^8, one per call). */
const GUESS_RULE = { max: 10, windowMs: 10 * 60_000 };

/**
 * `POST /api/interpreter/guest`: an interpreter without an account opened an invitation link; the
 * code (not spent) exchanges for a pass that joins that call only (see CallService). The code's
 * own refusals: NOT_FOUND, CONFLICT, BAD_STATE with their reasons; a network that tries too many
 * unknown codes waits (RATE_LIMITED, with retryAfterSeconds).
 */
export function interpreterRoutes(calls: InterpreterGuestPasses): Router {
  const router = Router();
  const guesses = new AttemptLimiter(GUESS_RULE);
  router.post(
    '/interpreter/guest',
    rest({ body: InterpreterGuestBodySchema }, ({ body, req, res }) => {
      const network = clientNetwork(req.ip);
      const wait = guesses.retryAfterSeconds(network);
      if (wait > 0)
        throw AppError.withReason('RATE_LIMITED', 'too_many_codes', 'Too many unknown codes', wait);
      try {
        const token = calls.interpreterGuestPass(body.code);
        noStore(res);
        return { token };
      } catch (error) {
        if (error instanceof AppError && error.reason === 'interpreter_code_unknown')
          guesses.recordFailure(network);
        throw error;
      }
    }),
  );
  return router;
}

/** The answer carries a credential: it must not linger in any cache. */
function noStore(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
}
