import { randomUUID } from 'node:crypto';
import type { AppointmentView } from '@visio/shared/protocol';

/** An appointment of `advisorId` as the server shows it: booked for now, at a kiosk of its own. */
export function appointmentView(
  advisorId: string,
  patch: Partial<AppointmentView> = {},
): AppointmentView {
  return {
    id: randomUUID(),
    kind: 'appointment',
    status: 'scheduled',
    service: { id: randomUUID(), name: 'CAF', colour: '#0b3d91' },
    advisor: { id: advisorId, name: 'Anne' },
    kiosk: { id: randomUUID(), name: 'Borne 1', siteName: 'Mairie' },
    startsAt: new Date().toISOString(),
    durationMin: 30,
    citizenRef: 'ref-1',
    signOrLipReading: false,
    checkedInAt: null,
    outcome: null,
    openToService: false,
    linkGrade: null,
    ...patch,
  };
}
