import { randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError, fail, ok, type Ack } from '@visio/shared/protocol';
import type { CallCluster, NodeLoad } from '../calls/CallCluster';
import type { AdvisorPresence, SharedAdvisorPresence } from '../scheduling/WaitingRoom';

/** A node beats this often; one that missed beats for NODE_TTL_MS is dead (its calls adopted). */
const BEAT_MS = 1_000;
const NODE_TTL_MS = 3_000;
/** Where a call runs and who is in it: refreshed by its carrier, lapsing when nobody carries it. */
const CALL_TTL_MS = 20_000;
const CALL_REFRESH_MS = 5_000;
/** A relayed request not answered by then fails (UNAVAILABLE), as a lost connection would. */
const REQUEST_TIMEOUT_MS = 5_000;

const NODES = 'visio:nodes';
/** Where nodes tell each other who is connected to them and who is in the calls they carry. */
const PRESENCE = 'visio:presence';
/** A node's presence keys outlive its heartbeat a while; the others drop them at its lapse. */
const PRESENCE_TTL_MS = 10 * NODE_TTL_MS;
/** Every so many beats, the presence of nodes whose heartbeat lapsed is dropped. */
const PRUNE_EVERY_BEATS = 2;
const nodeKey = (id: string) => `visio:node:${id}`;
const callKey = (id: string) => `visio:call:${id}`;
const partyKey = (id: string) => `visio:party:${id}`;
const busChannel = (id: string) => `visio:bus:${id}`;
const advisorsKey = (node: string) => `visio:node:${node}:advisors`;
const partiesKey = (node: string) => `visio:node:${node}:parties`;

/** Takes both parties for a call, or neither: answers 0, or 1/2 for the party already taken. */
const RESERVE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 1 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 0`;
/** Deletes each key that still holds ARGV[1] (a party now in another call is left alone). */
const RELEASE = `
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 0`;

const LoadSchema = z.object({
  nodeId: z.string(),
  calls: z.number(),
  cpu: z.number().nullable(),
  admitting: z.boolean(),
});
const ErrorBodySchema = z
  .object({ code: z.string(), message: z.string(), reason: z.string().optional() })
  .passthrough();
const BusMessageSchema = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('req'),
    id: z.string(),
    from: z.string(),
    kind: z.string(),
    payload: z.unknown(),
  }),
  z.object({
    t: z.literal('res'),
    id: z.string(),
    ack: z.union([
      z.object({ ok: z.literal(true), data: z.unknown() }),
      z.object({ ok: z.literal(false), error: ErrorBodySchema }),
    ]),
  }),
]);
type BusMessage = z.infer<typeof BusMessageSchema>;
const AdvisorPresenceSchema = z.object({
  sockets: z.number().int().min(0),
  availability: z.enum(['available', 'away']),
});
const PresenceMessageSchema = z.union([
  z.object({ node: z.string(), advisorId: z.string(), presence: AdvisorPresenceSchema }),
  z.object({ node: z.string(), parties: z.array(z.string()), inCall: z.boolean() }),
]);
type PresenceMessage = z.infer<typeof PresenceMessageSchema>;

interface Pending {
  resolve: (ack: Ack<unknown>) => void;
  timer: NodeJS.Timeout;
}

/**
 * This node among the others, through Redis: its heartbeat and load (`visio:node:<id>`, lapsing
 * after NODE_TTL_MS), where each call runs and which parties are in one (`visio:call:*`,
 * `visio:party:*`, refreshed by the carrier), and requests from node to node on a pub/sub channel
 * per node (`visio:bus:<id>`; a PUBLISH nobody receives fails at once).
 *
 * The id is an incarnation, `<NODE_ID>.<random>`, new at every start: a node that restarts finds
 * the calls of its previous incarnation orphaned and adopts them as any other node would.
 */
export class ClusterNode implements CallCluster, SharedAdvisorPresence {
  readonly nodeId: string;
  /** Other nodes' advisors (node → advisor → presence) and parties in their calls. */
  private readonly advisorsElsewhere = new Map<string, Map<string, AdvisorPresence>>();
  private readonly partiesElsewhere = new Map<string, Set<string>>();
  private beats = 0;
  private readonly handlers = new Map<string, (payload: unknown) => Promise<unknown>>();
  private readonly pending = new Map<string, Pending>();
  private readonly carried = new Map<string, readonly string[]>();
  private beatTimer: NodeJS.Timeout | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    baseId: string,
    private readonly load: () => Omit<NodeLoad, 'nodeId'>,
    private readonly logger: Logger,
  ) {
    this.nodeId = `${baseId}.${randomBytes(3).toString('hex')}`;
  }

  /** Subscribes to this node's channel and beats once before answering: others may ask it now. */
  async start(): Promise<void> {
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      const text = message.toString('utf8');
      if (channel.toString('utf8') === PRESENCE) this.onPresence(text);
      else this.onMessage(text);
    });
    await this.subscriber.subscribe(busChannel(this.nodeId), PRESENCE);
    await this.beat();
    await this.loadPresence();
    this.beatTimer = setInterval(() => void this.beat(), BEAT_MS);
    this.beatTimer.unref();
    this.refreshTimer = setInterval(() => void this.refreshCalls(), CALL_REFRESH_MS);
    this.refreshTimer.unref();
    this.logger.info({ nodeId: this.nodeId }, 'node joined the cluster');
  }

  async reserve(
    callId: string,
    kioskId: string,
    advisorId: string,
  ): Promise<'kiosk' | 'advisor' | null> {
    const taken = await this.redis.eval(
      RESERVE,
      2,
      partyKey(kioskId),
      partyKey(advisorId),
      callId,
      CALL_TTL_MS,
    );
    return taken === 1 ? 'kiosk' : taken === 2 ? 'advisor' : null;
  }

  async carry(callId: string, partyIds: readonly string[]): Promise<void> {
    this.carried.set(callId, partyIds);
    const multi = this.redis.multi().set(callKey(callId), this.nodeId, 'PX', CALL_TTL_MS);
    for (const id of partyIds) multi.set(partyKey(id), callId, 'PX', CALL_TTL_MS);
    multi.sadd(partiesKey(this.nodeId), ...partyIds);
    multi.pexpire(partiesKey(this.nodeId), PRESENCE_TTL_MS);
    multi.publish(PRESENCE, this.presenceMessage({ parties: [...partyIds], inCall: true }));
    await multi.exec();
  }

  async release(callId: string, partyIds: readonly string[]): Promise<void> {
    this.carried.delete(callId);
    await this.redis.eval(RELEASE, partyIds.length, ...partyIds.map(partyKey), callId);
    await this.redis.eval(RELEASE, 1, callKey(callId), this.nodeId);
    await this.redis
      .multi()
      .srem(partiesKey(this.nodeId), ...partyIds)
      .publish(PRESENCE, this.presenceMessage({ parties: [...partyIds], inCall: false }))
      .exec();
  }

  /** Whether a party is in a call another node carries (known from that node's messages). */
  inCallElsewhere(partyId: string): boolean {
    for (const parties of this.partiesElsewhere.values()) if (parties.has(partyId)) return true;
    return false;
  }

  report(advisorId: string, presence: AdvisorPresence): void {
    const key = advisorsKey(this.nodeId);
    const multi = this.redis.multi();
    if (presence.sockets === 0 && presence.availability === 'available') multi.hdel(key, advisorId);
    else multi.hset(key, advisorId, JSON.stringify(presence));
    multi.pexpire(key, PRESENCE_TTL_MS);
    multi.publish(PRESENCE, this.presenceMessage({ advisorId, presence: { ...presence } }));
    multi.exec().catch((err: unknown) => {
      this.logger.warn({ err: String(err) }, 'advisor presence not told to the other nodes');
    });
  }

  elsewhere(advisorId: string): AdvisorPresence | undefined {
    let found: AdvisorPresence | undefined;
    for (const advisors of this.advisorsElsewhere.values()) {
      const p = advisors.get(advisorId);
      if (!p) continue;
      found = {
        sockets: (found?.sockets ?? 0) + p.sockets,
        // Away on a node where connected wins over available on one where not.
        availability: p.sockets > 0 || !found ? p.availability : found.availability,
      };
    }
    return found;
  }

  *advisorIds(): Iterable<string> {
    for (const advisors of this.advisorsElsewhere.values()) yield* advisors.keys();
  }

  async nodeOf(callId: string): Promise<string | undefined> {
    return (await this.redis.get(callKey(callId))) ?? undefined;
  }

  async callOf(partyId: string): Promise<string | undefined> {
    return (await this.redis.get(partyKey(partyId))) ?? undefined;
  }

  async isAlive(nodeId: string): Promise<boolean> {
    return nodeId === this.nodeId || (await this.redis.exists(nodeKey(nodeId))) === 1;
  }

  async nodes(): Promise<NodeLoad[]> {
    const ids = await this.redis.smembers(NODES);
    if (ids.length === 0) return [];
    const values = await this.redis.mget(ids.map(nodeKey));
    const live: NodeLoad[] = [];
    const gone: string[] = [];
    values.forEach((value, i) => {
      const parsed = value ? LoadSchema.safeParse(safeJson(value)) : undefined;
      if (parsed?.success) live.push(parsed.data);
      else gone.push(ids[i]!);
    });
    if (gone.length > 0) await this.redis.srem(NODES, ...gone);
    return live;
  }

  serve(kind: string, handler: (payload: unknown) => Promise<unknown>): void {
    if (this.handlers.has(kind)) throw new Error(`Duplicate cluster handler for ${kind}`);
    this.handlers.set(kind, handler);
  }

  async request(nodeId: string, kind: string, payload: unknown): Promise<Ack<unknown>> {
    const id = randomUUID();
    const answer = new Promise<Ack<unknown>>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(unavailable('node_timeout', 'The server carrying this call did not answer'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve, timer });
    });
    const message: BusMessage = { t: 'req', id, from: this.nodeId, kind, payload };
    const receivers = await this.redis
      .publish(busChannel(nodeId), JSON.stringify(message))
      .catch(() => 0);
    if (receivers === 0) this.settle(id, unavailable('node_gone', 'That server is gone'));
    return answer;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.beatTimer);
    clearInterval(this.refreshTimer);
    for (const [id] of this.pending) this.settle(id, unavailable('node_gone', 'Stopping'));
    this.subscriber.disconnect();
    // Said gone at once, rather than after the heartbeat lapses: its calls are adopted sooner.
    await this.redis
      .multi()
      .del(nodeKey(this.nodeId), advisorsKey(this.nodeId), partiesKey(this.nodeId))
      .srem(NODES, this.nodeId)
      .exec()
      .catch(() => undefined);
  }

  private async beat(): Promise<void> {
    if (this.closed) return;
    try {
      const load: NodeLoad = { ...this.load(), nodeId: this.nodeId };
      await this.redis
        .multi()
        .set(nodeKey(this.nodeId), JSON.stringify(load), 'PX', NODE_TTL_MS)
        .sadd(NODES, this.nodeId)
        .pexpire(advisorsKey(this.nodeId), PRESENCE_TTL_MS)
        .pexpire(partiesKey(this.nodeId), PRESENCE_TTL_MS)
        .exec();
      this.beats += 1;
      if (this.beats % PRUNE_EVERY_BEATS === 0) await this.prunePresence();
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'cluster heartbeat not written');
    }
  }

  /** At start: who is connected to the live nodes, and who is in the calls they carry. */
  private async loadPresence(): Promise<void> {
    for (const { nodeId } of await this.nodes()) {
      if (nodeId === this.nodeId) continue;
      const [advisors, parties] = await Promise.all([
        this.redis.hgetall(advisorsKey(nodeId)),
        this.redis.smembers(partiesKey(nodeId)),
      ]);
      const map = new Map<string, AdvisorPresence>();
      for (const [advisorId, json] of Object.entries(advisors)) {
        const parsed = AdvisorPresenceSchema.safeParse(safeJson(json));
        if (parsed.success) map.set(advisorId, parsed.data);
      }
      this.advisorsElsewhere.set(nodeId, map);
      this.partiesElsewhere.set(nodeId, new Set(parties));
    }
  }

  /** A node whose heartbeat lapsed has nobody connected and carries no call any more. */
  private async prunePresence(): Promise<void> {
    const live = new Set((await this.nodes()).map((n) => n.nodeId));
    for (const map of [this.advisorsElsewhere, this.partiesElsewhere])
      for (const node of map.keys()) if (!live.has(node)) map.delete(node);
  }

  private presenceMessage(
    message:
      | Omit<Extract<PresenceMessage, { parties: string[] }>, 'node'>
      | Omit<Extract<PresenceMessage, { advisorId: string }>, 'node'>,
  ): string {
    return JSON.stringify({ ...message, node: this.nodeId });
  }

  private onPresence(text: string): void {
    const parsed = PresenceMessageSchema.safeParse(safeJson(text));
    if (!parsed.success || parsed.data.node === this.nodeId) return;
    const message = parsed.data;
    if ('advisorId' in message) {
      const map = this.advisorsElsewhere.get(message.node) ?? new Map<string, AdvisorPresence>();
      this.advisorsElsewhere.set(message.node, map);
      if (message.presence.sockets === 0 && message.presence.availability === 'available')
        map.delete(message.advisorId);
      else map.set(message.advisorId, message.presence);
      return;
    }
    const set = this.partiesElsewhere.get(message.node) ?? new Set<string>();
    this.partiesElsewhere.set(message.node, set);
    for (const id of message.parties) {
      if (message.inCall) set.add(id);
      else set.delete(id);
    }
  }

  private async refreshCalls(): Promise<void> {
    if (this.closed || this.carried.size === 0) return;
    const multi = this.redis.multi();
    for (const [callId, parties] of this.carried) {
      multi.set(callKey(callId), this.nodeId, 'PX', CALL_TTL_MS);
      for (const id of parties) multi.pexpire(partyKey(id), CALL_TTL_MS);
    }
    await multi.exec().catch((err: unknown) => {
      this.logger.warn({ err: String(err) }, 'call places not refreshed');
    });
  }

  private onMessage(text: string): void {
    const parsed = BusMessageSchema.safeParse(safeJson(text));
    if (!parsed.success) {
      this.logger.warn('malformed cluster message ignored');
      return;
    }
    const message = parsed.data;
    if (message.t === 'res') {
      this.settle(message.id, message.ack as Ack<unknown>);
      return;
    }
    void this.answer(message).then((ack) => {
      const response: BusMessage = { t: 'res', id: message.id, ack };
      this.redis.publish(busChannel(message.from), JSON.stringify(response)).catch(() => {
        // The asking node is gone: nobody waits for this answer.
      });
    });
  }

  private async answer(message: Extract<BusMessage, { t: 'req' }>): Promise<Ack<unknown>> {
    const handler = this.handlers.get(message.kind);
    if (!handler) return fail({ code: 'UNKNOWN_MESSAGE', message: `No ${message.kind} here` });
    try {
      return ok(await handler(message.payload));
    } catch (error) {
      if (error instanceof AppError) return fail(error.toBody());
      this.logger.error({ err: error, kind: message.kind }, 'cluster request failed');
      return fail({ code: 'INTERNAL', message: 'Something went wrong on our side; please retry' });
    }
  }

  private settle(id: string, ack: Ack<unknown>): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending.delete(id);
    pending.resolve(ack);
  }
}

function unavailable(reason: string, message: string): Ack<never> {
  return fail({ code: 'UNAVAILABLE', reason, message });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
