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

  /** Calls the process did not see end (it stopped): closed as such at the next start. */
  async closeDangling(at: Date): Promise<void> {
    await this.db
      .updateTable('call_records')
      .set({ ended_at: at.toISOString(), end_reason: 'server_restart', ended_by: 'system' })
      .where('ended_at', 'is', null)
      .execute();
  }
}
