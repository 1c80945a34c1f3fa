import type { Kysely } from 'kysely';
import type { ChatMessage, DocumentInfo } from '@visio/shared/protocol';
import type { Database } from '../store';
import type { Call, CallInterpreterParty, CallParties } from './Call';
import { interpretationLabel, parseInterpretation } from './InterpreterInvitations';

/** A call that was running when the process stopped, as the store kept it. */
export interface LiveCallState {
  parties: CallParties & { startedAt: Date };
  mediaEpoch: number;
  /** The interpreter taking part when the process stopped, if any. */
  interpreter: CallInterpreterParty | undefined;
  messages: ChatMessage[];
  documents: DocumentInfo[];
  /** Documents' bytes kept in the store (nodes sharing it), by document id. */
  contents: Map<string, Buffer>;
}

/**
 * Running calls in the store, so that a crash or a restart loses none: written as they happen
 * (start, media epoch, each message, each document shared), deleted when the call ends. Read
 * once at start to restore them.
 */
export class LiveCallRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** `nodeId`: the node incarnation carrying the call, when nodes share the store. */
  async started(call: Call, nodeId?: string): Promise<void> {
    await this.db
      .insertInto('live_calls')
      .values({
        id: call.id,
        kiosk_id: call.kioskId,
        advisor_id: call.advisorId,
        appointment_id: call.appointmentId ?? null,
        service_id: call.serviceId ?? null,
        kiosk_name: call.names.kiosk,
        advisor_name: call.names.advisor,
        started_at: call.startedAt.toISOString(),
        media_epoch: call.mediaEpoch,
        node_id: nodeId ?? null,
      })
      .execute();
  }

  /** The advisor's seat changed hands (warm transfer): a restart restores the colleague's call. */
  async handedOver(call: Call): Promise<void> {
    await this.db
      .updateTable('live_calls')
      .set({
        advisor_id: call.advisorId,
        advisor_name: call.names.advisor,
        appointment_id: call.appointmentId ?? null,
        service_id: call.serviceId ?? null,
      })
      .where('id', '=', call.id)
      .execute();
  }

  /** The node incarnations carrying running calls (null: a call of a single node). */
  async carriers(): Promise<(string | null)[]> {
    const rows = await this.db.selectFrom('live_calls').select('node_id').distinct().execute();
    return rows.map((row) => row.node_id);
  }

  /**
   * Takes over the calls carried by `from` (a node that died, or null: a single node's): one
   * update, so that of several nodes adopting at once each call goes to exactly one. Answers
   * the ids taken.
   */
  async adopt(from: string | null, to: string): Promise<string[]> {
    const rows = await this.db
      .updateTable('live_calls')
      .set({ node_id: to })
      .where('node_id', from === null ? 'is' : '=', from)
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  /** The appointments of every running call in the store, whichever node carries it. */
  async appointmentIds(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('live_calls')
      .select('appointment_id')
      .where('appointment_id', 'is not', null)
      .execute();
    return rows.flatMap((row) => (row.appointment_id ? [row.appointment_id] : []));
  }

  /** Of these calls, those the store says another node carries now (it adopted them). */
  async carriedElsewhere(callIds: readonly string[], nodeId: string): Promise<string[]> {
    if (callIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('live_calls')
      .select('id')
      .where('id', 'in', [...callIds])
      .where('node_id', '<>', nodeId)
      .execute();
    return rows.map((row) => row.id);
  }

  /** The ids of every running call in the store, whichever node carries it. */
  async ids(): Promise<string[]> {
    return (await this.db.selectFrom('live_calls').select('id').execute()).map((row) => row.id);
  }

  /** The call's media moved to epoch `call.mediaEpoch`; an older epoch never overwrites it. */
  async mediaMoved(call: Call): Promise<void> {
    await this.db
      .updateTable('live_calls')
      .set({ media_epoch: call.mediaEpoch })
      .where('id', '=', call.id)
      .where('media_epoch', '<', call.mediaEpoch)
      .execute();
  }

  /** The call's interpreter joined or left (`call.interpreter`). */
  async interpreterChanged(call: Call): Promise<void> {
    const interpreter = call.interpreter;
    await this.db
      .updateTable('live_calls')
      .set({
        interpreter_id: interpreter?.id ?? null,
        interpretation: interpreter ? interpretationLabel(interpreter) : null,
      })
      .where('id', '=', call.id)
      .execute();
  }

  async messageSent(callId: string, message: ChatMessage): Promise<void> {
    await this.db
      .insertInto('live_call_messages')
      .values({
        id: message.id,
        call_id: callId,
        from_party: message.from,
        text: message.text,
        at: message.at,
      })
      .execute();
  }

  /** `bytes`: kept with the row when nodes share the store (another may adopt the call). */
  async documentShared(callId: string, document: DocumentInfo, bytes?: Buffer): Promise<void> {
    await this.db
      .insertInto('live_call_documents')
      .values({
        id: document.id,
        call_id: callId,
        name: document.name,
        type: document.type,
        size: document.size,
        from_party: document.from,
        at: document.at,
        content: bytes ? bytes.toString('base64') : null,
      })
      .execute();
  }

  /** The call ended: nothing of its content stays in the store. */
  async ended(callId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('live_call_messages').where('call_id', '=', callId).execute();
      await trx.deleteFrom('live_call_documents').where('call_id', '=', callId).execute();
      await trx.deleteFrom('live_calls').where('id', '=', callId).execute();
    });
  }

  /** At start: forgets every running call but those restored (their content with them). */
  async forgetAllBut(callIds: readonly string[]): Promise<void> {
    const stale = (await this.db.selectFrom('live_calls').select('id').execute())
      .map((row) => row.id)
      .filter((id) => !callIds.includes(id));
    for (const id of stale) await this.ended(id);
  }

  /** Every call the store holds as running (or those of `ids`), with chat (in order) and documents. */
  async all(ids?: readonly string[]): Promise<LiveCallState[]> {
    if (ids?.length === 0) return [];
    let query = this.db.selectFrom('live_calls').selectAll();
    if (ids) query = query.where('id', 'in', [...ids]);
    const calls = await query.execute();
    const states: LiveCallState[] = [];
    for (const row of calls) {
      const messages = await this.db
        .selectFrom('live_call_messages')
        .selectAll()
        .where('call_id', '=', row.id)
        .orderBy('at')
        .execute();
      const documents = await this.db
        .selectFrom('live_call_documents')
        .selectAll()
        .where('call_id', '=', row.id)
        .orderBy('at')
        .execute();
      states.push({
        parties: {
          id: row.id,
          kioskId: row.kiosk_id,
          advisorId: row.advisor_id,
          names: { kiosk: row.kiosk_name, advisor: row.advisor_name },
          appointmentId: row.appointment_id ?? undefined,
          serviceId: row.service_id ?? undefined,
          startedAt: new Date(row.started_at),
        },
        mediaEpoch: row.media_epoch,
        interpreter:
          row.interpreter_id && row.interpretation
            ? { id: row.interpreter_id, ...parseInterpretation(row.interpretation) }
            : undefined,
        messages: messages.map((m) => ({ id: m.id, from: m.from_party, text: m.text, at: m.at })),
        documents: documents.map((d) => ({
          id: d.id,
          name: d.name,
          type: d.type,
          size: d.size,
          from: d.from_party,
          at: d.at,
        })),
        contents: new Map(
          documents.flatMap((d) => (d.content ? [[d.id, Buffer.from(d.content, 'base64')]] : [])),
        ),
      });
    }
    return states;
  }
}
