import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { TransferOutcome } from '@visio/shared/protocol';
import type { Database } from '../store';

/** One decided offer, as kept with its call: ids only, never the private note. */
export interface DecidedTransfer {
  callId: string;
  fromAdvisorId: string;
  toAdvisorId: string;
  toServiceId: string;
  fromAppointmentId: string | undefined;
  toAppointmentId: string | undefined;
  offeredAt: Date;
  decidedAt: Date;
  outcome: TransferOutcome;
}

/** The warm-transfer offers of calls and how each ended: a call's advisors, in order. */
export class CallTransferRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async decided(transfer: DecidedTransfer): Promise<void> {
    await this.db
      .insertInto('call_transfers')
      .values({
        id: randomUUID(),
        call_id: transfer.callId,
        from_advisor_id: transfer.fromAdvisorId,
        to_advisor_id: transfer.toAdvisorId,
        to_service_id: transfer.toServiceId,
        from_appointment_id: transfer.fromAppointmentId ?? null,
        to_appointment_id: transfer.toAppointmentId ?? null,
        offered_at: transfer.offeredAt.toISOString(),
        decided_at: transfer.decidedAt.toISOString(),
        outcome: transfer.outcome,
      })
      .execute();
  }

  /** A call's offers in the order they were made. */
  async ofCall(callId: string) {
    return this.db
      .selectFrom('call_transfers')
      .selectAll()
      .where('call_id', '=', callId)
      .orderBy('offered_at')
      .execute();
  }
}
