import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { dayOf } from '@visio/shared/time';
import { isOpenAt, parseWeeklyHours } from '../scheduling/WeeklyHours';
import type { Database } from '../store';

/** Whether a kiosk holds a signalling connection to this node now. */
export type KioskOnline = (kioskId: string) => boolean;

/**
 * Records kiosk availability for the impact report: once a minute, every enrolled kiosk whose
 * site is open counts that minute in its site's local day, as usable (online and in service) or
 * not (a row with 0 then,
 * so that the day is known to have been watched). Several nodes each count the kiosks connected
 * to them and add 0 for the others: the sum is each kiosk's own (the report caps a day at its
 * opening minutes should a kiosk briefly hold sockets on two nodes).
 */
export class KioskAvailabilityRecorder {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly isOnline: KioskOnline,
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Counts a minute every `everyMs` (tests shorten it; each tick counts one minute). */
  start(everyMs = 60_000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.tick()
        .catch((err: unknown) => this.logger.warn({ err }, 'kiosk availability not recorded'))
        .finally(() => (this.running = undefined));
    }, everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Counts the current minute for every enrolled kiosk whose site is open now. */
  async tick(): Promise<void> {
    const now = new Date(this.clock());
    const kiosks = await this.db
      .selectFrom('kiosks')
      .innerJoin('sites', 'sites.id', 'kiosks.site_id')
      .select([
        'kiosks.id as id',
        'kiosks.out_of_service as outOfService',
        'sites.timezone as timezone',
        'sites.opening_hours as hours',
      ])
      .where('kiosks.enrolment_state', '=', 'enrolled')
      .execute();
    const rows = kiosks
      .filter((k) => isOpenAt(parseWeeklyHours(k.hours), k.timezone, now))
      .map((k) => ({
        kiosk_id: k.id,
        day: dayOf(now, k.timezone),
        online_minutes: this.isOnline(k.id) && !k.outOfService ? 1 : 0,
      }));
    if (rows.length === 0) return;
    await this.db
      .insertInto('kiosk_availability')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['kiosk_id', 'day']).doUpdateSet({
          online_minutes: sql<number>`kiosk_availability.online_minutes + excluded.online_minutes`,
        }),
      )
      .execute();
  }
}
