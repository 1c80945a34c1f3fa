import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../store';
import {
  CallIncidentSchema,
  MediaStartFailureSchema,
  QualitySummarySchema,
  type CallHistoryEntry,
  type CallIncidentEntry,
  type QualitySummary,
  type QualityVerdict,
} from '@visio/shared/protocol';
import { parseInterpretation } from '../calls/InterpreterInvitations';

export interface HistoryQuery {
  quality?: QualityVerdict | undefined;
  limit: number;
  before?: string | undefined;
}

/**
 * Monitoring's side of `call_records`: the quality summary written when a call ends, and past
 * calls for the console with the names of the kiosk, site, advisor and service (never a citizen's).
 */
export class CallHistoryRepository {
  private readonly serviceNames = new Map<string, string | null>();

  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Stores the summary. The call's row is inserted when the call starts, without waiting; a very
   * short call may end first, so a missing row is retried briefly. Returns whether it was stored.
   */
  async saveQuality(callId: string, summary: QualitySummary, retries = 5): Promise<boolean> {
    const json = JSON.stringify(summary);
    for (let attempt = 0; ; attempt += 1) {
      const result = await this.db
        .updateTable('call_records')
        .set({ quality: json })
        .where('id', '=', callId)
        .executeTakeFirst();
      if (result.numUpdatedRows > 0n) return true;
      if (attempt >= retries) return false;
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
    }
  }

  /** Newest first. The verdict filter matches the JSON text we write (portable SQL). */
  async history(query: HistoryQuery): Promise<CallHistoryEntry[]> {
    let q = this.db
      .selectFrom('call_records as c')
      .leftJoin('kiosks as k', 'k.id', 'c.kiosk_id')
      .leftJoin('sites as si', 'si.id', 'k.site_id')
      .leftJoin('staff as st', 'st.id', 'c.advisor_id')
      .leftJoin('services as sv', 'sv.id', 'c.service_id')
      .select([
        'c.id',
        'c.kiosk_id',
        'k.name as kiosk_name',
        'si.name as site_name',
        'c.advisor_id',
        'st.name as advisor_name',
        'c.service_id',
        'sv.name as service_name',
        'c.started_at',
        'c.ended_at',
        'c.end_reason',
        'c.ended_by',
        'c.quality',
        'c.media_failure',
        'c.interpreter',
      ])
      .orderBy('c.started_at', 'desc')
      .orderBy('c.id')
      .limit(query.limit);
    if (query.before) q = q.where('c.started_at', '<', new Date(query.before).toISOString());
    if (query.quality) q = q.where('c.quality', 'like', `%"verdict":"${query.quality}"%`);
    const rows = await q.execute();
    const incidents = await this.incidentsOf(rows.map((r) => r.id));
    return rows.map((r) => ({
      callId: r.id,
      kioskId: r.kiosk_id,
      kioskName: r.kiosk_name,
      siteName: r.site_name,
      advisorId: r.advisor_id,
      advisorName: r.advisor_name,
      serviceId: r.service_id,
      serviceName: r.service_name,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      durationSeconds: r.ended_at
        ? Math.max(0, Math.round((Date.parse(r.ended_at) - Date.parse(r.started_at)) / 1000))
        : null,
      endReason: r.end_reason,
      endedBy: r.ended_by,
      quality: parseJson(r.quality, QualitySummarySchema),
      incidents: incidents.get(r.id) ?? [],
      mediaFailure: parseJson(r.media_failure, MediaStartFailureSchema),
      interpreter: r.interpreter ? parseInterpretation(r.interpreter) : null,
    }));
  }

  /** The incidents of these calls, by call, oldest first (one query). */
  private async incidentsOf(callIds: readonly string[]): Promise<Map<string, CallIncidentEntry[]>> {
    const byCall = new Map<string, CallIncidentEntry[]>();
    if (callIds.length === 0) return byCall;
    const rows = await this.db
      .selectFrom('call_incidents')
      .select(['call_id', 'cause', 'started_at', 'duration_ms'])
      .where('call_id', 'in', [...callIds])
      .orderBy('started_at')
      .execute();
    for (const row of rows) {
      const cause = CallIncidentSchema.shape.cause.safeParse(row.cause);
      if (!cause.success) continue;
      const list = byCall.get(row.call_id) ?? [];
      list.push({ cause: cause.data, startedAt: row.started_at, durationMs: row.duration_ms });
      byCall.set(row.call_id, list);
    }
    return byCall;
  }

  /** A service's name, cached (services are renamed rarely; a stale name only affects display). */
  async serviceName(serviceId: string): Promise<string | null> {
    if (this.serviceNames.has(serviceId)) return this.serviceNames.get(serviceId)!;
    const row = await this.db
      .selectFrom('services')
      .select('name')
      .where('id', '=', serviceId)
      .executeTakeFirst();
    const name = row?.name ?? null;
    this.serviceNames.set(serviceId, name);
    return name;
  }
}

/** A JSON column as its schema reads it; null when absent or not what we wrote. */
function parseJson<T>(json: string | null, schema: z.ZodType<T>): T | null {
  if (!json) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
