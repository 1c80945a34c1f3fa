import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import {
  AppError,
  fail,
  MAX_REQUEST_BYTES,
  ok,
  type Ack,
  type AnyRequestDef,
  type StaffRole,
} from '@visio/shared/protocol';
import { hasRole, principalId, type Principal } from '../auth/Principal';
import { WarningSampler } from './WarningSampler';

export interface RequestContext<P extends Principal = Principal> {
  principal: P;
  /** The asking socket; undefined for a request relayed from another node (`invoke`). */
  socket: Socket | undefined;
  log: Logger;
}

/**
 * Several nodes: a request about a call (its payload has a `callId`) that another node carries is
 * run there, under the asker's identity, and its answer comes back as if run here.
 */
export interface CallRelay {
  /** The node carrying `callId` when another one does; undefined to run the request here. */
  nodeOf(callId: string): Promise<string | undefined>;
  forward(
    node: string,
    event: string,
    principal: Principal,
    payload: unknown,
  ): Promise<Ack<unknown>>;
}

export type Handler<D extends AnyRequestDef, P extends Principal> = (
  data: z.output<D['request']>,
  ctx: RequestContext<P>,
) => Promise<z.input<D['response']>> | z.input<D['response']>;

interface Route<P extends Principal> {
  def: AnyRequestDef;
  roles: readonly StaffRole[] | undefined;
  handler: Handler<AnyRequestDef, P>;
}

export interface RateLimit {
  ratePerSecond: number;
  burst: number;
}

/**
 * The one way to handle a client request. For every message it: rate-limits the socket, checks
 * an ack callback exists and the request is known, bounds the payload size, validates the
 * payload against the shared zod schema, checks the staff role, then runs the handler and
 * acknowledges with the result or an error carrying a stable code. No handler ever sees
 * unvalidated input, nothing a client sends can throw out of here, and a flood of bad messages
 * writes a few sampled warnings, not one line each.
 */
export class RequestRouter<P extends Principal> {
  private readonly routes = new Map<string, Route<P>>();

  constructor(
    private readonly logger: Logger,
    private readonly rateLimit: RateLimit,
    private readonly relay?: CallRelay,
  ) {}

  on<D extends AnyRequestDef>(
    def: D,
    handler: Handler<D, P>,
    options: { roles?: readonly StaffRole[] } = {},
  ): this {
    if (this.routes.has(def.name)) throw new Error(`Duplicate handler for ${def.name}`);
    this.routes.set(def.name, {
      def,
      roles: options.roles,
      handler: handler as Handler<AnyRequestDef, P>,
    });
    return this;
  }

  get names(): string[] {
    return [...this.routes.keys()];
  }

  /**
   * Runs a request another node relayed here (its socket is there): validated and role-checked
   * again, never relayed further.
   */
  async invoke(event: string, principal: P, payload: unknown): Promise<Ack<unknown>> {
    const route = this.routes.get(event);
    if (!route) return fail({ code: 'UNKNOWN_MESSAGE', message: `No such request: ${event}` });
    const logger = this.logger;
    let log: Logger | undefined;
    const ctx: RequestContext<P> = {
      principal,
      socket: undefined,
      get log() {
        return (log ??= logger.child({ principalId: principalId(principal), relayed: true }));
      },
    };
    return this.dispatch(route, [payload], ctx, new WarningSampler(() => ctx.log), false);
  }

  /**
   * One listener per socket for every request (not one per route): thousands of idle kiosks
   * then cost little memory. Logger children (with redaction, not free) are made only when
   * something is logged.
   */
  attach(socket: Socket, principal: P): void {
    let socketLog: Logger | undefined;
    const log = () =>
      (socketLog ??= this.logger.child({
        socketId: socket.id,
        principalId: principalId(principal),
      }));
    const ctx: RequestContext<P> = {
      principal,
      socket,
      get log() {
        return log();
      },
    };
    const { ratePerSecond, burst } = this.rateLimit;
    let tokens = burst;
    let refilledAt = Date.now();
    const takeToken = (): boolean => {
      const now = Date.now();
      tokens = Math.min(burst, tokens + ((now - refilledAt) / 1000) * ratePerSecond);
      refilledAt = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    };

    const warnings = new WarningSampler(log);
    socket.on('disconnect', () => warnings.flush());

    // Every message spends from the budget before anything else is done with it: unknown ones,
    // ones without an acknowledgement and oversized ones too, or they would be a free flood.
    socket.onAny((event: unknown, ...args: unknown[]) => {
      const ack = args[args.length - 1];
      const reply = (answer: Ack<unknown>) => {
        if (typeof ack === 'function' && socket.connected)
          (ack as (a: Ack<unknown>) => void)(answer);
      };
      const name = String(event).slice(0, 64);
      if (!takeToken()) {
        warnings.warn('requests over the rate limit refused', { event: name });
        reply(fail({ code: 'RATE_LIMITED', message: 'Too many requests; slow down' }));
        return;
      }
      if (typeof ack !== 'function') {
        warnings.warn('request without acknowledgement callback ignored', { event: name });
        return;
      }
      const route = typeof event === 'string' ? this.routes.get(event) : undefined;
      if (!route) {
        warnings.warn('unknown message', { event: name });
        reply(fail({ code: 'UNKNOWN_MESSAGE', message: `No such request on ${socket.nsp.name}` }));
        return;
      }
      void this.dispatch(route, args.slice(0, -1), ctx, warnings).then(reply);
    });
  }

  private async dispatch(
    route: Route<P>,
    args: unknown[],
    ctx: RequestContext<P>,
    warnings: WarningSampler,
    mayRelay = true,
  ): Promise<Ack<unknown>> {
    const name = route.def.name;
    let requestLog: Logger | undefined;
    const log = () => (requestLog ??= ctx.log.child({ requestId: randomUUID(), event: name }));
    if (args.length > 1) {
      return fail({ code: 'INVALID_INPUT', message: `${name} takes exactly one payload argument` });
    }
    const payload = args.length === 0 ? undefined : args[0];
    const size = payloadSize(payload);
    if (size > MAX_REQUEST_BYTES) {
      warnings.warn('payload too large', { event: name, size });
      return fail({
        code: 'PAYLOAD_TOO_LARGE',
        message: `Payload exceeds ${MAX_REQUEST_BYTES} bytes`,
      });
    }
    const parsed = route.def.request.safeParse(payload);
    if (!parsed.success) {
      const details = parsed.error.issues
        .slice(0, 10)
        .map((i) => ({ path: i.path.join('.'), message: i.message }));
      log().debug({ details }, 'invalid input');
      return fail({ code: 'INVALID_INPUT', message: `Invalid ${name} payload`, details });
    }
    if (route.roles && !hasRole(ctx.principal, route.roles)) {
      warnings.warn('forbidden', { event: name });
      return fail({ code: 'FORBIDDEN', message: `Your role may not use ${name}` });
    }
    const callId = mayRelay && this.relay ? callIdOf(parsed.data) : undefined;
    if (callId) {
      const node = await this.relay!.nodeOf(callId).catch(() => undefined);
      if (node) return this.relay!.forward(node, name, ctx.principal, payload);
    }
    try {
      const data = await route.handler(parsed.data, {
        principal: ctx.principal,
        socket: ctx.socket,
        get log() {
          return log();
        },
      });
      return ok(data);
    } catch (error) {
      if (error instanceof AppError) {
        log().debug({ code: error.code }, 'request refused');
        return fail(error.toBody());
      }
      log().error({ err: error }, 'request failed');
      return fail({ code: 'INTERNAL', message: 'Something went wrong on our side; please retry' });
    }
  }
}

/** The call a request is about, if its payload names one. */
function callIdOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || !('callId' in data)) return undefined;
  const { callId } = data as { callId: unknown };
  return typeof callId === 'string' ? callId : undefined;
}

/** Serialized size of a payload; binary or circular payloads count as too large. */
function payloadSize(payload: unknown): number {
  if (payload === undefined) return 0;
  try {
    return Buffer.byteLength(JSON.stringify(payload) ?? '', 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
