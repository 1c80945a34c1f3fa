import type { SignallingClient } from '@visio/shared/client';
import {
  AppError,
  kioskDirectoryEvents,
  kioskDirectoryRequests,
  type ErrorCode,
  type KioskStatus,
} from '@visio/shared/protocol';
import { Store } from '@visio/shared/ui';

export interface KioskDirectoryState {
  readonly kiosks: readonly KioskStatus[];
  readonly loaded: boolean;
  readonly error: ErrorCode | null;
}

/**
 * Which kiosks are online and which are in a call, kept live from `kiosks:changed` and reloaded
 * on every (re)connection. The kiosks page joins it to the kiosks' set-up data from REST.
 */
export class KioskDirectory {
  readonly store = new Store<KioskDirectoryState>({ kiosks: [], loaded: false, error: null });
  private readonly unsubscribers: (() => void)[] = [];

  constructor(private readonly signalling: SignallingClient) {}

  /** Listen for changes and (re)load the whole list on every (re)connection. */
  attach(): void {
    this.unsubscribers.push(
      this.signalling.on(kioskDirectoryEvents.changed, (kiosk) => this.upsert(kiosk)),
    );
    const reload = () => void this.refresh();
    this.signalling.socket.on('connect', reload);
    this.unsubscribers.push(() => this.signalling.socket.off('connect', reload));
    if (this.signalling.socket.connected) reload();
  }

  detach(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
  }

  async refresh(): Promise<void> {
    try {
      const { kiosks } = await this.signalling.request(kioskDirectoryRequests.list, {});
      this.store.set({ kiosks: sortByName(kiosks), loaded: true, error: null });
    } catch (error) {
      this.store.set({ error: error instanceof AppError ? error.code : 'INTERNAL' });
    }
  }

  private upsert(kiosk: KioskStatus): void {
    this.store.set((state) => ({
      kiosks: sortByName([...state.kiosks.filter((k) => k.kioskId !== kiosk.kioskId), kiosk]),
    }));
  }
}

function sortByName(kiosks: readonly KioskStatus[]): KioskStatus[] {
  return [...kiosks].sort((a, b) => a.name.localeCompare(b.name));
}
