import { AppError, type ErrorCode } from '../protocol';

/** A refused request, kept as values: the screens translate them. */
export interface RequestProblem {
  readonly code: ErrorCode;
  readonly reason: string | null;
  /** Different on every failure, so that the same error is announced again. */
  readonly seq: number;
}

export function requestProblem(error: unknown, seq: number): RequestProblem {
  return error instanceof AppError
    ? { code: error.code, reason: error.reason ?? null, seq }
    : { code: 'INTERNAL', reason: null, seq };
}
