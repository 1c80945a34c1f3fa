import type { SignallingClient } from '@visio/shared/client';
import {
  AppError,
  staffLinkTestRequests,
  staffMonitoringEvents,
  staffMonitoringRequests,
  staffNightlyTestRequests,
  type Alert,
  type CallHistoryEntry,
  type ErrorCode,
  type HealthSnapshot,
  type Id,
  type KioskFleetStatus,
  type CallMediaState,
  type LinkTestResult,
  type LiveCall,
  type QualitySample,
  type QualityVerdict,
} from '@visio/shared/protocol';
import { Store } from '@visio/shared/ui';

/** Samples kept per live call for its charts (a few minutes at the server's sampling rate). */
const MAX_SAMPLES = 60;

export type ConsoleAction =
  | { readonly kind: 'end'; readonly callId: Id; readonly name: string }
  | { readonly kind: 'reload'; readonly kioskId: Id; readonly name: string }
  | { readonly kind: 'nightly'; readonly kioskId: Id; readonly name: string }
  | {
      readonly kind: 'oos';
      readonly kioskId: Id;
      readonly name: string;
      readonly outOfService: boolean;
    };

export interface TechConsoleState {
  readonly loaded: boolean;
  readonly failed: boolean;
  readonly fleet: readonly KioskFleetStatus[];
  readonly alerts: readonly Alert[];
  readonly calls: readonly LiveCall[];
  readonly samples: Readonly<Record<Id, readonly QualitySample[]>>;
  readonly history: readonly CallHistoryEntry[];
  readonly historyQuality: QualityVerdict | null;
  readonly health: HealthSnapshot | null;
  readonly acting: boolean;
  readonly actionProblem: ErrorCode | null;
}

export interface TechConsoleCallbacks {
  readonly onAlertRaised: (alert: Alert, kioskName: string) => void;
  readonly onAlertCleared: (alert: Alert, kioskName: string) => void;
  readonly onActionDone: (action: ConsoleAction, delivered: boolean) => void;
  /** A live call's media changed state (`before`: its previous one). */
  readonly onCallMediaChanged: (call: LiveCall, before: CallMediaState) => void;
}

/**
 * The technician's live view of the service: kiosks, alerts, calls with their quality figures,
 * past calls and the server's health, kept current by the `/staff` monitoring events. Figures
 * only: nothing here carries media. `attach()` when the console opens, `detach()` when it closes.
 */
export class TechConsole {
  readonly store = new Store<TechConsoleState>({
    loaded: false,
    failed: false,
    fleet: [],
    alerts: [],
    calls: [],
    samples: {},
    history: [],
    historyQuality: null,
    health: null,
    acting: false,
    actionProblem: null,
  });
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly signalling: SignallingClient,
    private readonly callbacks: TechConsoleCallbacks,
  ) {}

  attach(): void {
    const s = this.signalling;
    this.offs.push(
      s.on(staffMonitoringEvents.fleetChanged, (kiosk) =>
        this.store.set((st) => ({ fleet: upsert(st.fleet, kiosk, (k) => k.kioskId) })),
      ),
      s.on(staffMonitoringEvents.alertRaised, (alert) => {
        this.store.set((st) => ({ alerts: upsert(st.alerts, alert, (a) => a.id) }));
        this.callbacks.onAlertRaised(alert, this.kioskName(alert.kioskId));
      }),
      s.on(staffMonitoringEvents.alertCleared, (alert) => {
        const wasActive = this.store.get().alerts.some((a) => a.id === alert.id);
        this.store.set((st) => ({ alerts: st.alerts.filter((a) => a.id !== alert.id) }));
        if (wasActive) this.callbacks.onAlertCleared(alert, this.kioskName(alert.kioskId));
      }),
      s.on(staffMonitoringEvents.callsChanged, ({ callId, status, call }) => {
        if (status === 'ended') {
          this.store.set((st) => {
            const samples = { ...st.samples };
            delete samples[callId];
            return { calls: st.calls.filter((c) => c.callId !== callId), samples };
          });
          void this.loadHistory();
        } else {
          const known = this.store.get().calls.find((c) => c.callId === callId);
          this.store.set((st) => ({ calls: upsert(st.calls, call, (c) => c.callId) }));
          if (!known) void this.loadSamples(callId);
          else if (known.media.state !== call.media.state)
            this.callbacks.onCallMediaChanged(call, known.media.state);
        }
      }),
      s.on(staffMonitoringEvents.callQuality, ({ callId, sample }) =>
        this.store.set((st) => {
          if (!st.calls.some((c) => c.callId === callId)) return {};
          return {
            calls: st.calls.map((c) => (c.callId === callId ? { ...c, latest: sample } : c)),
            samples: {
              ...st.samples,
              [callId]: [...(st.samples[callId] ?? []), sample].slice(-MAX_SAMPLES),
            },
          };
        }),
      ),
      s.on(staffMonitoringEvents.healthChanged, (health) => this.store.set({ health })),
    );
    const onConnect = () => void this.load();
    s.socket.on('connect', onConnect);
    this.offs.push(() => s.socket.off('connect', onConnect));
    void this.load();
  }

  detach(): void {
    for (const off of this.offs.splice(0)) off();
  }

  async load(): Promise<void> {
    const s = this.signalling;
    try {
      const [{ kiosks }, { active }, { calls }, health] = await Promise.all([
        s.request(staffMonitoringRequests.fleetList, {}),
        s.request(staffMonitoringRequests.alertsList, {}),
        s.request(staffMonitoringRequests.callsLive, {}),
        s.request(staffMonitoringRequests.healthGet, {}),
      ]);
      this.store.set({
        fleet: [...kiosks].sort((a, b) => a.name.localeCompare(b.name)),
        alerts: active,
        calls,
        health,
        loaded: true,
        failed: false,
      });
      await Promise.all([...calls.map((c) => this.loadSamples(c.callId)), this.loadHistory()]);
    } catch {
      this.store.set({ loaded: true, failed: true });
    }
  }

  setHistoryQuality(quality: QualityVerdict | null): void {
    this.store.set({ historyQuality: quality });
    void this.loadHistory();
  }

  /** Runs a technician action with its reason; resolves true when done. */
  async act(action: ConsoleAction, reason: string): Promise<boolean> {
    if (this.store.get().acting) return false;
    this.store.set({ acting: true, actionProblem: null });
    const s = this.signalling;
    try {
      let delivered = true;
      if (action.kind === 'end') {
        await s.request(staffMonitoringRequests.endCall, { callId: action.callId, reason });
      } else if (action.kind === 'reload') {
        ({ delivered } = await s.request(staffMonitoringRequests.reloadKiosk, {
          kioskId: action.kioskId,
          reason,
        }));
      } else if (action.kind === 'nightly') {
        ({ delivered } = await s.request(staffNightlyTestRequests.run, {
          kioskId: action.kioskId,
          reason,
        }));
      } else {
        const { kiosk } = await s.request(staffMonitoringRequests.setKioskOutOfService, {
          kioskId: action.kioskId,
          outOfService: action.outOfService,
          reason,
        });
        this.store.set((st) => ({ fleet: upsert(st.fleet, kiosk, (k) => k.kioskId) }));
      }
      this.store.set({ acting: false });
      this.callbacks.onActionDone(action, delivered);
      return true;
    } catch (error) {
      this.store.set({
        acting: false,
        actionProblem: error instanceof AppError ? error.code : 'INTERNAL',
      });
      return false;
    }
  }

  clearActionProblem(): void {
    this.store.set({ actionProblem: null });
  }

  private async loadSamples(callId: Id): Promise<void> {
    try {
      const { samples } = await this.signalling.request(staffMonitoringRequests.callSamples, {
        callId,
      });
      this.store.set((st) => {
        if (!st.calls.some((c) => c.callId === callId)) return {};
        // Samples pushed while the request was in flight are newer than the answer's.
        const pushed = (st.samples[callId] ?? []).filter(
          (p) => !samples.some((q) => q.at === p.at),
        );
        return {
          samples: { ...st.samples, [callId]: [...samples, ...pushed].slice(-MAX_SAMPLES) },
        };
      });
    } catch {
      // The chart fills from the live samples.
    }
  }

  private async loadHistory(): Promise<void> {
    const quality = this.store.get().historyQuality;
    try {
      const { calls } = await this.signalling.request(staffMonitoringRequests.callsHistory, {
        ...(quality ? { quality } : {}),
        limit: 50,
      });
      if (this.store.get().historyQuality === quality) this.store.set({ history: calls });
    } catch {
      // Kept as it was.
    }
  }

  /** A kiosk's last link tests, newest first (for its history view). */
  async linkTestHistory(kioskId: Id): Promise<readonly LinkTestResult[]> {
    const { results } = await this.signalling.request(staffLinkTestRequests.history, {
      kioskId,
      limit: 20,
    });
    return results;
  }

  private kioskName(kioskId: Id): string {
    return this.store.get().fleet.find((k) => k.kioskId === kioskId)?.name ?? kioskId;
  }
}

function upsert<T>(list: readonly T[], item: T, key: (t: T) => string): T[] {
  const id = key(item);
  return list.some((x) => key(x) === id)
    ? list.map((x) => (key(x) === id ? item : x))
    : [...list, item];
}
