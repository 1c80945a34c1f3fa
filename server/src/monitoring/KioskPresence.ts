import { EventEmitter } from 'node:events';

/**
 * Which kiosks have a live signalling connection. A kiosk may briefly hold two sockets (a reload
 * racing the old socket's close); it is online while it holds at least one.
 */
export class KioskPresence extends EventEmitter<{
  changed: [{ kioskId: string; online: boolean }];
}> {
  private readonly sockets = new Map<string, number>();

  connected(kioskId: string): void {
    const count = (this.sockets.get(kioskId) ?? 0) + 1;
    this.sockets.set(kioskId, count);
    if (count === 1) this.emit('changed', { kioskId, online: true });
  }

  /** Returns true when that was the kiosk's last connection. */
  disconnected(kioskId: string): boolean {
    const count = (this.sockets.get(kioskId) ?? 0) - 1;
    if (count > 0) {
      this.sockets.set(kioskId, count);
      return false;
    }
    this.sockets.delete(kioskId);
    this.emit('changed', { kioskId, online: false });
    return true;
  }

  isOnline(kioskId: string): boolean {
    return this.sockets.has(kioskId);
  }

  get onlineCount(): number {
    return this.sockets.size;
  }
}
