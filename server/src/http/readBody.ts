import type { Request, RequestHandler, Response } from 'express';

/**
 * Runs a body parser (express.json, express.raw) inside a handler, once that handler has let the
 * sender in: no body is read for a request that is refused anyway. Rejects with the parser's
 * error (`bodyRefusal` turns it into an answer).
 */
export function readBody(parser: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    void parser(req, res, (error?: unknown) => (error ? reject(error as Error) : resolve()));
  });
}
