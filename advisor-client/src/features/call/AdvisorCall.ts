import {
  CallTabMemory,
  type CallSession,
  type PartyCall,
  type ResponseParser,
} from '@visio/shared/client';
import { AppError, inCallRequests, type CallStarted } from '@visio/shared/protocol';
import { Store } from '@visio/shared/ui';
import type { MessageKey } from '../../i18n/translate';
import { NetworkQuality, UNKNOWN_QUALITY, type SideQuality } from './NetworkQuality';

export interface AdvisorCallState {
  /** The advisor's private notes: this tab's memory only (a reload keeps them), gone when the call ends. */
  readonly notes: string;
  readonly self: SideQuality;
  readonly citizen: SideQuality;
  /** A scan was asked for and no document has come from the kiosk since. */
  readonly scanRequested: boolean;
  /** The screen being shared (from getDisplayMedia), ours to stop. */
  readonly screenTrack: MediaStreamTrack | null;
}

export interface AdvisorCallHost {
  announce(key: MessageKey): void;
  /** A media request failed while the call goes on. */
  mediaFailed(error: unknown): void;
}

/** The notes read back from the tab's storage are text, or nothing. */
const NOTES: ResponseParser<string> = {
  safeParse: (value) =>
    typeof value === 'string' ? { success: true, data: value } : { success: false },
};

/** How often the quality bars are refreshed (the server still gets a report every 5 s). */
export const QUALITY_SAMPLE_MS = 2_000;

/**
 * The advisor's side of a call: the shared PartyCall (media, text, documents) and what only the
 * desk offers on top of it: screen sharing, asking the citizen for a scan, network quality for
 * both sides, private notes. Ends with the call; nothing of it outlives it.
 */
export class AdvisorCall {
  readonly store: Store<AdvisorCallState>;
  /** The notes in this tab's storage, for a reload of the tab mid-call; never sent anywhere. */
  private readonly savedNotes: CallTabMemory<string>;
  private readonly quality = new NetworkQuality();
  private readonly cleanups: (() => void)[] = [];
  private watchedMedia: CallSession | null = null;
  private closed = false;

  constructor(
    readonly party: PartyCall,
    private readonly host: AdvisorCallHost,
  ) {
    this.savedNotes = new CallTabMemory('notes', party.call.callId, NOTES);
    this.store = new Store<AdvisorCallState>({
      notes: this.savedNotes.read() ?? '',
      self: UNKNOWN_QUALITY,
      citizen: UNKNOWN_QUALITY,
      scanRequested: false,
      screenTrack: null,
    });
    this.cleanups.push(
      party.on('stats', (summary) => this.store.set(this.quality.read(summary))),
      party.desk.on('documentAdded', (document) => {
        if (document.from === 'kiosk') this.store.set({ scanRequested: false });
      }),
      party.store.subscribe(() => this.watchMedia(party.media)),
      party.on('ended', () => this.close()),
    );
    this.watchMedia(party.media);
  }

  get call(): CallStarted {
    return this.party.call;
  }

  setNotes(notes: string): void {
    if (this.closed) return;
    this.store.set({ notes });
    this.savedNotes.write(notes);
  }

  async requestScan(): Promise<void> {
    try {
      await this.party.signalling.request(inCallRequests.requestScan, { callId: this.call.callId });
      if (!this.closed) this.store.set({ scanRequested: true });
    } catch (error) {
      this.party.desk.report('scan', error instanceof AppError ? error.code : 'INTERNAL');
    }
  }

  /** Share a screen, window or tab (the browser asks which), or stop sharing it. */
  async toggleScreenShare(): Promise<void> {
    const media = this.party.media;
    if (!media || this.closed) return;
    if (this.store.get().screenTrack) {
      await media.stopScreenShare();
      this.stopScreenTrack();
      return;
    }
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch {
      return; // The advisor cancelled the browser's picker, or the browser refused.
    }
    const track = stream.getVideoTracks()[0];
    if (!track) return;
    if (this.party.media !== media || media.isClosed) {
      track.stop();
      return;
    }
    track.contentHint = 'detail';
    // The browser's own "Stop sharing" ends the track: end the share with it.
    track.addEventListener('ended', () => {
      if (this.store.get().screenTrack === track) void media.stopScreenShare();
    });
    this.store.set({ screenTrack: track });
    this.host.announce('announce.screenShareOn');
    try {
      await media.startScreenShare(track);
    } catch (error) {
      this.stopScreenTrack();
      this.host.mediaFailed(error);
    }
  }

  /** The call is over (or the page goes): the shared screen stops, notes and readings go. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopScreenTrack();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.watchedMedia = null;
    this.savedNotes.forget();
    this.store.set({
      notes: '',
      self: UNKNOWN_QUALITY,
      citizen: UNKNOWN_QUALITY,
      scanRequested: false,
    });
    this.party.close();
  }

  /** The media appears once the devices are open: follow the end of its screen share. */
  private watchMedia(media: CallSession | null): void {
    if (!media || media === this.watchedMedia || this.closed) return;
    this.watchedMedia = media;
    this.cleanups.push(
      media.on('screenSharing', (sharing) => {
        if (!sharing) this.stopScreenTrack();
      }),
    );
  }

  private stopScreenTrack(): void {
    const track = this.store.get().screenTrack;
    if (!track) return;
    track.stop();
    this.store.set({ screenTrack: null });
    if (!this.closed && !this.party.isEnded) this.host.announce('announce.screenShareOff');
  }
}
