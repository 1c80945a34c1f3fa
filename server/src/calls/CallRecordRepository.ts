import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store';
import type { Call, CallIncident } from './Call';

/** Metadata of calls (times, parties, outcome): never media, never content. */
export class CallRecordRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async started(call: Call): Promise<void> {
    await this.db
      .insertInto('call_records')
      .values({
        id: call.id,
        appointment_id: call.appointmentId ?? null,
        kiosk_id: call.kioskId,
        advisor_id: call.advisorId,
        service_id: call.serviceId ?? null,
        started_at: call.startedAt.toISOString(),
        ended_at: null,
        end_reason: null,
        ended_by: null,
        quality: null,
      })
      .execute();
  }

  async ended(call: Call): Promise<void> {
    await this.db
      .updateTable('call_records')
      .set({
        ended_at: call.endedAt?.toISOString() ?? null,
        end_reason: call.endReason ?? null,
        ended_by: call.endedBy ?? null,
        media_failure: call.mediaFailure ? JSON.stringify(call.mediaFailure) : null,
      })
      .where('id', '=', call.id)
      .execute();
  }

  /** An interpreter took part in the call: the interpretation (a role, never a name). */
  async interpreted(callId: string, interpretation: string): Promise<void> {
    await this.db
      .updateTable('call_records')
      .set({ interpreter: interpretation })
      .where('id', '=', callId)
      .execute();
  }

  /** Real-time text went in the call (the impact report counts such calls; the text dies). */
  async textUsed(callId: string): Promise<void> {
    await this.db
      .updateTable('call_records')
      .set({ text_used: 1 })
      .where('id', '=', callId)
      .where('text_used', '=', 0)
      .execute();
  }

  /**
   * The kiosk's accessibility settings during the call: read-aloud stays on once it was on (it
   * was used), the language is the last one said.
   */
  async accessibility(
    callId: string,
    kioskId: string,
    settings: { readAloud: boolean; language: 'fr' | 'en' },
  ): Promise<void> {
    await this.db
      .updateTable('call_records')
      .set((eb) => ({
        read_aloud: settings.readAloud ? 1 : eb.ref('read_aloud'),
        kiosk_language: settings.language,
      }))
      .where('id', '=', callId)
      .where('kiosk_id', '=', kioskId)
      .execute();
  }

  /**
   * Records the kiosk's survey for a call it took part in that ended less than `withinMs` ago.
   * Returns false when there is no such call, or its survey was already given.
   */
  async recordSurvey(
    callId: string,
    kioskId: string,
    survey: { rating: number; badQuality: boolean },
    now: Date,
    withinMs: number,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('call_records')
      .set({
        survey_rating: survey.rating,
        survey_bad_quality: survey.badQuality ? 1 : 0,
        survey_at: now.toISOString(),
      })
      .where('id', '=', callId)
      .where('kiosk_id', '=', kioskId)
      .where('ended_at', 'is not', null)
      .where('ended_at', '>=', new Date(now.getTime() - withinMs).toISOString())
      .where('survey_at', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** An interruption of the call, once over: cause, start and duration only. */
  async incident(callId: string, incident: CallIncident): Promise<void> {
    await this.db
      .insertInto('call_incidents')
      .values({
        id: randomUUID(),
        call_id: callId,
        cause: incident.cause,
        started_at: incident.startedAt.toISOString(),
        duration_ms: incident.durationMs ?? null,
      })
      .execute();
  }

  /**
   * Calls the process did not see end and that were not restored (it stopped, and their media
   * could not be brought back): closed as such at the next start. `onlyIds`: those calls only
   * (calls adopted from a node that died, whose media found no worker).
   */
  async closeDangling(
    at: Date,
    restoredIds: readonly string[] = [],
    onlyIds?: readonly string[],
  ): Promise<void> {
    if (onlyIds?.length === 0) return;
    let q = this.db
      .updateTable('call_records')
      .set({ ended_at: at.toISOString(), end_reason: 'server_restart', ended_by: 'system' })
      .where('ended_at', 'is', null);
    if (restoredIds.length > 0) q = q.where('id', 'not in', [...restoredIds]);
    if (onlyIds) q = q.where('id', 'in', [...onlyIds]);
    await q.execute();
  }
}
