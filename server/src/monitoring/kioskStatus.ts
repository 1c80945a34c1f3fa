import type { KioskStatus } from '@visio/shared/protocol';
import type { Directory, KioskRecord } from '../auth/Directory';
import type { CallService } from '../calls/CallService';
import type { KioskPresence } from './KioskPresence';

function toStatus(record: KioskRecord, presence: KioskPresence, calls: CallService): KioskStatus {
  return {
    kioskId: record.kioskId,
    name: record.name,
    online: presence.isOnline(record.kioskId),
    busy: calls.activeCallOf(record.kioskId) !== undefined,
  };
}

export async function kioskStatuses(
  directory: Directory,
  presence: KioskPresence,
  calls: CallService,
): Promise<KioskStatus[]> {
  return (await directory.listKiosks()).map((k) => toStatus(k, presence, calls));
}

export async function kioskStatus(
  kioskId: string,
  directory: Directory,
  presence: KioskPresence,
  calls: CallService,
): Promise<KioskStatus | undefined> {
  const record = await directory.getKiosk(kioskId);
  return record && toStatus(record, presence, calls);
}
