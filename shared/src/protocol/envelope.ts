import { z } from 'zod';
import { ErrorBodySchema, type ErrorBody } from './errors';

/** Every client → server request is acknowledged with exactly one Ack. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export function ok<T>(data: T): Ack<T> {
  return { ok: true, data };
}

export function fail(error: ErrorBody): Ack<never> {
  return { ok: false, error };
}

export function ackSchema<T extends z.ZodType>(data: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: ErrorBodySchema }),
  ]);
}

/**
 * Largest serialized request payload accepted on the signalling sockets. Chrome's RTP
 * capabilities are ~6 KB; documents never travel over signalling.
 */
export const MAX_REQUEST_BYTES = 32 * 1024;

/** How long a client waits for an acknowledgement before failing with TIMEOUT. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** A request: its name on the wire, the schema of its payload and of its successful answer. */
export interface RequestDef<Name extends string, Req extends z.ZodType, Res extends z.ZodType> {
  readonly name: Name;
  readonly request: Req;
  readonly response: Res;
  readonly description: string;
}

export function defineRequest<Name extends string, Req extends z.ZodType, Res extends z.ZodType>(
  name: Name,
  request: Req,
  response: Res,
  description: string,
): RequestDef<Name, Req, Res> {
  return { name, request, response, description };
}

/** A server → client event: its name on the wire and the schema of its payload. */
export interface EventDef<Name extends string, Payload extends z.ZodType> {
  readonly name: Name;
  readonly payload: Payload;
  readonly description: string;
}

export function defineEvent<Name extends string, Payload extends z.ZodType>(
  name: Name,
  payload: Payload,
  description: string,
): EventDef<Name, Payload> {
  return { name, payload, description };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRequestDef = RequestDef<string, z.ZodType, z.ZodType<any>>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEventDef = EventDef<string, z.ZodType<any>>;
export type RequestOf<D extends AnyRequestDef> = z.input<D['request']>;
export type ResponseOf<D extends AnyRequestDef> = z.output<D['response']>;
export type PayloadOf<D extends AnyEventDef> = z.output<D['payload']>;
