import type { Kysely } from 'kysely';
import type { Database } from '../store';
import type { Call } from './Call';

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
      })
      .where('id', '=', call.id)
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

  /** Calls the process did not see end (it stopped): closed as such at the next start. */
  async closeDangling(at: Date): Promise<void> {
    await this.db
      .updateTable('call_records')
      .set({ ended_at: at.toISOString(), end_reason: 'server_restart', ended_by: 'system' })
      .where('ended_at', 'is', null)
      .execute();
  }
}
