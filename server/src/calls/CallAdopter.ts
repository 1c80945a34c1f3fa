import type { Logger } from 'pino';
import type { WaitingRoom } from '../scheduling/WaitingRoom';
import type { Call } from './Call';
import type { CallCluster } from './CallCluster';
import type { CallRecordRepository } from './CallRecordRepository';
import type { CallService } from './CallService';
import type { LiveCallRepository, LiveCallState } from './LiveCallRepository';

/** How often a node looks for calls whose carrier died. */
export const ADOPT_EVERY_MS = 1_000;

export interface CallAdopterDeps {
  cluster: CallCluster;
  live: LiveCallRepository;
  records: CallRecordRepository;
  waitingRoom: WaitingRoom;
  calls: CallService;
  /** A call restored here gets its chat and documents back. */
  restoreContent(state: LiveCallState): void;
  /** Calls restored here: their parties connected to any node are told at once. */
  announce(calls: readonly Call[]): Promise<void>;
  logger: Logger;
}

/**
 * Several nodes: the calls of a node that died come back on a survivor by themselves. Every
 * second each node reads which node incarnations carry running calls (`live_calls.node_id`);
 * the calls of one whose heartbeat lapsed (or of a single node's past: null) are taken over in
 * one update, so that each goes to exactly one node, and restored there as after a restart
 * (a new room, a new media epoch; both parties rejoin it). A node that restarts is a new
 * incarnation: it adopts its own previous calls the same way.
 *
 * A call that finds no media worker in time is ended as `media_failed` (its citizen goes back to
 * the head of the queue), as a re-homing that fails is. A node that was taken for dead while it
 * lived (a partition) finds its calls carried elsewhere and drops them: one carrier per call.
 */
export class CallAdopter {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly deps: CallAdopterDeps) {}

  /** Adopts what is orphaned now, then keeps looking every ADOPT_EVERY_MS. */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), ADOPT_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One look; never overlapping the previous one, never throwing (a failure is logged). */
  tick(): Promise<unknown> {
    this.running = this.running.then(() =>
      this.stopped
        ? undefined
        : this.dropAdopted()
            .then(() => this.adoptOrphans())
            .catch((err: unknown) => this.deps.logger.error({ err }, 'orphaned calls not adopted')),
    );
    return this.running;
  }

  /**
   * Drops the calls this node runs that the store says another node carries: this node was taken
   * for dead (a partition, a stall past the heartbeat) and they were adopted. One carrier each.
   */
  async dropAdopted(): Promise<string[]> {
    const { cluster, live, calls } = this.deps;
    const lost = await live.carriedElsewhere(
      calls.activeCalls.map((call) => call.id),
      cluster.nodeId,
    );
    for (const callId of lost) calls.relinquish(callId);
    return lost;
  }

  /** Takes over and restores the calls whose carrier is gone; answers those restored. */
  async adoptOrphans(): Promise<Call[]> {
    const { cluster, live, calls, logger } = this.deps;
    const taken: string[] = [];
    for (const carrier of await live.carriers()) {
      if (carrier === cluster.nodeId) continue;
      if (carrier !== null && (await cluster.isAlive(carrier))) continue;
      const ids = await live.adopt(carrier, cluster.nodeId);
      if (ids.length > 0)
        logger.warn({ from: carrier, calls: ids.length }, 'adopting the calls of a node gone');
      taken.push(...ids);
    }
    if (taken.length === 0) return [];
    const states = await live.all(taken);
    const restored = await calls.restore(states);
    const restoredIds = new Set(restored.map((call) => call.id));
    for (const state of states)
      if (restoredIds.has(state.parties.id)) this.deps.restoreContent(state);
    await this.endUnrestored(states.filter((s) => !restoredIds.has(s.parties.id)));
    await this.deps.announce(restored);
    return restored;
  }

  private async endUnrestored(states: readonly LiveCallState[]): Promise<void> {
    const { records, live, waitingRoom, cluster } = this.deps;
    const now = new Date();
    for (const { parties } of states) {
      await records.closeDangling(now, [], [parties.id]);
      await live.ended(parties.id);
      if (parties.appointmentId) await waitingRoom.callEnded(parties.appointmentId, 'media_failed');
      await cluster.release(parties.id, [parties.kioskId, parties.advisorId]);
    }
  }
}
