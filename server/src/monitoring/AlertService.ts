import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Alert, AlertType } from '@visio/shared/protocol';

export interface AlertServiceEvents {
  raised: [Alert];
  cleared: [Alert];
}

/** Cleared alerts kept in memory for the console's history. */
const HISTORY_SIZE = 500;

/**
 * Active alerts (at most one per type and kiosk) and the history of cleared ones, in memory: an
 * alert describes the fleet as this process sees it, and is raised again after a restart if the
 * fault persists.
 */
export class AlertService extends EventEmitter<AlertServiceEvents> {
  private readonly active = new Map<string, Alert>();
  private readonly history: Alert[] = [];

  constructor(private readonly now: () => number = Date.now) {
    super();
  }

  /** Raises the alert unless it is already active. Returns the active alert. */
  raise(
    type: AlertType,
    kioskId: string,
    details: Pick<Alert, 'mediaFailure' | 'nightly'> = {},
  ): Alert {
    const key = `${type}:${kioskId}`;
    const existing = this.active.get(key);
    if (existing) return existing;
    const alert: Alert = {
      id: randomUUID(),
      type,
      kioskId,
      raisedAt: new Date(this.now()).toISOString(),
      clearedAt: null,
      ...(details.mediaFailure ? { mediaFailure: details.mediaFailure } : {}),
      ...(details.nightly ? { nightly: details.nightly } : {}),
    };
    this.active.set(key, alert);
    this.emit('raised', alert);
    return alert;
  }

  /** Clears the alert if it is active. */
  clear(type: AlertType, kioskId: string): void {
    const key = `${type}:${kioskId}`;
    const alert = this.active.get(key);
    if (!alert) return;
    this.active.delete(key);
    const cleared = { ...alert, clearedAt: new Date(this.now()).toISOString() };
    this.history.push(cleared);
    if (this.history.length > HISTORY_SIZE) this.history.shift();
    this.emit('cleared', cleared);
  }

  /** Raises or clears, as `condition` says. */
  set(type: AlertType, kioskId: string, condition: boolean): void {
    if (condition) this.raise(type, kioskId);
    else this.clear(type, kioskId);
  }

  clearAllOf(kioskId: string): void {
    for (const alert of [...this.active.values()])
      if (alert.kioskId === kioskId) this.clear(alert.type, kioskId);
  }

  isActive(type: AlertType, kioskId: string): boolean {
    return this.active.has(`${type}:${kioskId}`);
  }

  /** Active alerts, oldest first. */
  list(): Alert[] {
    return [...this.active.values()];
  }

  activeOf(kioskId: string): Alert[] {
    return this.list().filter((a) => a.kioskId === kioskId);
  }

  countsByType(): Map<AlertType, number> {
    const counts = new Map<AlertType, number>();
    for (const a of this.active.values()) counts.set(a.type, (counts.get(a.type) ?? 0) + 1);
    return counts;
  }

  /** Cleared alerts, newest first. */
  recentlyCleared(limit: number): Alert[] {
    return this.history.slice(-limit).reverse();
  }
}
