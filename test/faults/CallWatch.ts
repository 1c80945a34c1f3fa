import type { CallRig, RigCall } from './CallRig';
import { MediaProgress, type MediaKind } from './MediaProgress';
import { readPage, type PageReading } from './pageProbes';

/** Both pages are read this often while a fault plays out. */
const POLL_MS = 100;
/**
 * Media counts as flowing again once, from its first new frame or packet, at least
 * `RESUME_LEAST` arrives with no pause of `RESUME_MAX_PAUSE_MS`. A call here carries about 20
 * frames/s and 50 audio packets/s each way (the fake camera and microphone, measured through this
 * same probe): that is a quarter second of video, a tenth of audio. The few frames a page decodes
 * from its jitter buffer right after a fault (0–5 seen), or a stats cache a few ms stale, are
 * followed by silence and do not count; a real resumption less than `RESUME_MAX_PAUSE_MS` after
 * them would be dated from them (none here is that fast).
 */
const RESUME_MAX_PAUSE_MS = 500;
const RESUME_LEAST: Record<MediaKind, number> = { video: 5, audio: 5 };
/** A party's sign that the call is over must hold this long to count (screens change in steps). */
const ENDED_FOR_MS = 2_000;

/** A sign, shown by one party, that the call is over for it. */
export interface EndSign {
  party: 'kiosk' | 'advisor' | 'server';
  shows: string;
}

/**
 * Watches one call while a fault plays out: reads both pages (`getStats()` of their peer
 * connections, and their screens) every `POLL_MS`, and the server's record of the appointment.
 * From those: when video frames and audio packets flowed again on both sides, how long media
 * stopped, and whether the call ended for any party.
 */
export class CallWatch {
  readonly kiosk = new MediaProgress();
  readonly advisor = new MediaProgress();
  lastKiosk: PageReading | null = null;
  lastAdvisor: PageReading | null = null;
  private endSince: number | undefined;
  private signs: EndSign[] = [];

  constructor(
    private readonly rig: CallRig,
    private readonly call: RigCall,
  ) {}

  /** Reads until `done()` holds or `until` (a `Date.now()` instant) has passed. */
  async run(until: number, done: () => boolean = () => false): Promise<void> {
    for (;;) {
      await this.sample();
      if (done() || Date.now() >= until) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /**
   * Reads until media flows again both ways after `from`, the call ends, or `boundMs` after
   * `from` (plus a second to confirm a resumption that began just before).
   */
  async untilRecoveredOrEnded(from: number, boundMs: number): Promise<void> {
    await this.run(
      from + boundMs + 1_000,
      () => this.recoveredAt(from) !== undefined || this.ended !== undefined,
    );
  }

  /**
   * When video frames were decoded and audio packets received again on both pages after `from`
   * (the latest of the four resumptions), or undefined.
   */
  recoveredAt(from: number): number | undefined {
    const times = [this.kiosk, this.advisor].flatMap((progress) =>
      (['video', 'audio'] as const).map((kind) =>
        progress.resumedAt(kind, from, RESUME_MAX_PAUSE_MS, RESUME_LEAST[kind]),
      ),
    );
    return times.every((t) => t !== undefined) ? Math.max(...times) : undefined;
  }

  /** The longest time in [from, to] that either page went without video frames or audio packets. */
  longestGap(from: number, to: number): number {
    return Math.max(
      ...[this.kiosk, this.advisor].flatMap((progress) =>
        (['video', 'audio'] as const).map((kind) => progress.longestGap(kind, from, to)),
      ),
    );
  }

  /** What each page received in [from, to], for notes: `kiosk 0 frames/0 packets, advisor …`. */
  describeGain(from: number, to: number): string {
    const of = (progress: MediaProgress) =>
      `${progress.gainedBetween('video', from, to)} frames/${progress.gainedBetween('audio', from, to)} audio packets`;
    return `kiosk ${of(this.kiosk)}, advisor ${of(this.advisor)}`;
  }

  /** The call is over for some party, and has been for `ENDED_FOR_MS`: since when, and the signs. */
  get ended(): { since: number; signs: EndSign[] } | undefined {
    if (this.endSince === undefined || Date.now() - this.endSince < ENDED_FOR_MS) return undefined;
    return { since: this.endSince, signs: this.signs };
  }

  /** One reading of both pages and of the server's record. */
  async sample(): Promise<void> {
    const at = Date.now();
    const [kiosk, advisor] = await Promise.all([
      readPage(this.call.kiosk.page, this.call.appointmentId),
      readPage(this.call.advisor.page, this.call.appointmentId),
    ]);
    this.kiosk.add(at, kiosk?.streams ?? null);
    this.advisor.add(at, advisor?.streams ?? null);
    if (kiosk) this.lastKiosk = kiosk;
    if (advisor) this.lastAdvisor = advisor;
    const signs = endSigns(kiosk, advisor, this.rig.appointmentStatus(this.call.appointmentId));
    if (signs.length === 0) this.endSince = undefined;
    else this.endSince ??= at;
    this.signs = signs;
  }
}

/**
 * The parties' signs that the call is over: the kiosk asks for the survey (it does so only after
 * its call ended), the advisor's agenda shows the appointment out of the call, or the server's
 * record does. A page that cannot answer (reloading) shows nothing.
 */
function endSigns(
  kiosk: PageReading | null,
  advisor: PageReading | null,
  serverStatus: string,
): EndSign[] {
  const signs: EndSign[] = [];
  if (kiosk?.kioskScreen === 'survey') signs.push({ party: 'kiosk', shows: 'survey screen' });
  if (advisor && !advisor.advisorCallView) {
    if (advisor.rowStatus && advisor.rowStatus !== 'in_call')
      signs.push({ party: 'advisor', shows: `agenda row ${advisor.rowStatus}` });
    else if (!advisor.rowStatus && advisor.earlierShown)
      signs.push({ party: 'advisor', shows: 'agenda row folded as over' });
  }
  if (serverStatus !== 'in_call')
    signs.push({ party: 'server', shows: `appointment ${serverStatus}` });
  return signs;
}
