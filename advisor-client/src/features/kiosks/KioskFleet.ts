import {
  AppError,
  type EnrolmentCodeResponse,
  type ErrorCode,
  type KioskSummary,
  type StaffRole,
} from '@visio/shared/protocol';
import { api } from '../../api';
import { Store } from '@visio/shared/ui';

export interface FleetProblem {
  readonly code: ErrorCode;
  readonly reason: string | null;
  readonly seq: number;
}

export interface KioskFleetState {
  readonly kiosks: readonly KioskSummary[];
  readonly sites: readonly { readonly id: string; readonly name: string }[];
  readonly loaded: boolean;
  /** The kiosk an action is in flight for ('new' while creating one). */
  readonly busy: string | null;
  readonly problem: FleetProblem | null;
  /** A freshly issued enrolment code: shown once, then gone. */
  readonly issued: EnrolmentCodeResponse | null;
}

const READS_REFERENCE: readonly StaffRole[] = ['scheduler', 'advisor', 'admin'];

/** The technician's kiosks: their set-up state, creating them, codes, revoking, out of service. */
export class KioskFleet {
  readonly store = new Store<KioskFleetState>({
    kiosks: [],
    sites: [],
    loaded: false,
    busy: null,
    problem: null,
    issued: null,
  });
  private seq = 0;

  constructor(private readonly roles: readonly StaffRole[]) {}

  async load(): Promise<void> {
    try {
      const { kiosks } = await api.kiosks();
      this.store.set({ kiosks: byName(kiosks), loaded: true, sites: sitesOf(kiosks) });
    } catch (error) {
      this.fail(error);
      this.store.set({ loaded: true });
    }
    // Sites without a kiosk yet are only in the reference data, which technicians may not read.
    if (this.roles.some((r) => READS_REFERENCE.includes(r))) {
      try {
        const { sites } = await api.reference();
        this.store.set({ sites: sites.map(({ id, name }) => ({ id, name })) });
      } catch {
        // The sites of the existing kiosks remain.
      }
    }
  }

  create(name: string, siteId: string): Promise<void> {
    return this.act('new', async () => {
      this.store.set({ issued: await api.createKiosk({ name, siteId }) });
    });
  }

  newCode(kioskId: string): Promise<void> {
    return this.act(kioskId, async () => {
      this.store.set({ issued: await api.newEnrolmentCode(kioskId) });
    });
  }

  revoke(kioskId: string): Promise<void> {
    return this.act(kioskId, () => api.revokeKiosk(kioskId));
  }

  setOutOfService(kioskId: string, outOfService: boolean): Promise<void> {
    return this.act(kioskId, async () => {
      const { kiosk } = await api.setOutOfService(kioskId, outOfService);
      this.store.set((s) => ({
        kiosks: s.kiosks.map((k) => (k.kioskId === kiosk.kioskId ? kiosk : k)),
      }));
    });
  }

  closeIssued(): void {
    this.store.set({ issued: null });
  }

  dismissProblem(): void {
    this.store.set({ problem: null });
  }

  private async act(target: string, run: () => Promise<unknown>): Promise<void> {
    if (this.store.get().busy) return;
    this.store.set({ busy: target, problem: null });
    try {
      await run();
    } catch (error) {
      this.fail(error);
    } finally {
      this.store.set({ busy: null });
      try {
        const { kiosks } = await api.kiosks();
        this.store.set((s) => ({ kiosks: byName(kiosks), sites: mergeSites(s.sites, kiosks) }));
      } catch {
        // Shown as it was; the next action or a refresh will tell.
      }
    }
  }

  private fail(error: unknown): void {
    this.seq += 1;
    this.store.set({
      problem: {
        code: error instanceof AppError ? error.code : 'INTERNAL',
        reason: error instanceof AppError ? (error.reason ?? null) : null,
        seq: this.seq,
      },
    });
  }
}

function byName(kiosks: readonly KioskSummary[]): KioskSummary[] {
  return [...kiosks].sort((a, b) => a.name.localeCompare(b.name));
}

function sitesOf(kiosks: readonly KioskSummary[]) {
  return mergeSites([], kiosks);
}

function mergeSites(
  known: KioskFleetState['sites'],
  kiosks: readonly KioskSummary[],
): KioskFleetState['sites'] {
  const sites = new Map(known.map((s) => [s.id, s]));
  for (const k of kiosks)
    if (!sites.has(k.siteId)) sites.set(k.siteId, { id: k.siteId, name: k.siteName });
  return [...sites.values()].sort((a, b) => a.name.localeCompare(b.name));
}
