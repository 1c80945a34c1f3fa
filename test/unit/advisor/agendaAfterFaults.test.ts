import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SignallingClient } from '@visio/shared/client';
import {
  AppError,
  staffSchedulingRequests,
  type AppointmentView,
  type ResponseOf,
  type CallStarted,
} from '@visio/shared/protocol';
import { Agenda } from '../../../advisor-client/src/features/agenda/Agenda';
import { agendaProblemKey } from '../../../advisor-client/src/features/agenda/agendaProblemKey';
import { appointmentView } from './appointmentView';
import { en } from '../../../advisor-client/src/i18n/en';
import { fr } from '../../../advisor-client/src/i18n/fr';

const staffId = randomUUID();

function appointmentInCall(kioskId: string): AppointmentView {
  return appointmentView(staffId, {
    status: 'in_call',
    kiosk: { id: kioskId, name: 'Borne 1', siteName: 'Mairie' },
    checkedInAt: new Date().toISOString(),
  });
}

/** A day from now (the span's bounds do not matter here). */
/** The server's answer to agenda:today, its day around the (fake) clock's now. */
function agendaAnswer(
  appointments: AppointmentView[],
): ResponseOf<typeof staffSchedulingRequests.agenda> {
  const now = Date.now();
  return {
    appointments,
    availability: 'available',
    span: {
      from: new Date(now - 12 * 3_600_000).toISOString(),
      to: new Date(now + 12 * 3_600_000).toISOString(),
    },
    now: new Date(now).toISOString(),
  };
}

function callOf(appointment: AppointmentView): CallStarted {
  return {
    callId: randomUUID(),
    kioskId: appointment.kiosk.id,
    advisorId: staffId,
    peerName: 'Borne 1',
    appointmentId: appointment.id,
    rtpCapabilities: { codecs: [], headerExtensions: [] },
    mediaEpoch: 0,
  };
}

/**
 * The agenda over a signalling stand-in: `admit` answers what `refuseAdmit` says, the day's
 * lists answer the appointments given (the server is the outside world here).
 */
function agendaWith(appointments: AppointmentView[], refuseAdmit: AppError | null = null) {
  const signalling = {
    socket: { connected: false, on: () => undefined, off: () => undefined },
    on: () => () => undefined,
    request: async (definition: { name: string }) => {
      if (definition.name === staffSchedulingRequests.admit.name && refuseAdmit) throw refuseAdmit;
      if (definition.name === staffSchedulingRequests.agenda.name)
        return agendaAnswer(appointments);
      if (definition.name === staffSchedulingRequests.queue.name) return { entries: [] };
      throw new AppError('NOT_FOUND', `unexpected ${definition.name}`);
    },
  } as unknown as SignallingClient;
  const agenda = new Agenda(signalling, staffId, {
    onArrival: () => undefined,
    onOutcomeRecorded: () => undefined,
  });
  agenda.store.set({ appointments, loaded: true });
  return agenda;
}

describe('the agenda after a call that did not end normally', () => {
  it('asks no outcome when the citizen went back to the queue because this advisor was disconnected', () => {
    const appointment = appointmentInCall(randomUUID());
    const agenda = agendaWith([appointment]);
    agenda.callEnded(callOf(appointment), 'advisor_disconnected');
    expect(agenda.store.get().outcomeFor).toBeNull();
  });

  it('still asks the outcome of a call that was hung up', () => {
    const appointment = appointmentInCall(randomUUID());
    const agenda = agendaWith([appointment]);
    agenda.callEnded(callOf(appointment), 'hangup');
    expect(agenda.store.get().outcomeFor?.id).toBe(appointment.id);
  });

  it('says the server is restarting for maintenance when it refuses an admission while draining', async () => {
    const appointment = { ...appointmentInCall(randomUUID()), status: 'checked_in' as const };
    const draining = AppError.withReason('UNAVAILABLE', 'draining', 'draining');
    const agenda = agendaWith([appointment], draining);
    await agenda.admit(appointment.id);
    const problem = agenda.store.get().problem;
    expect(problem).toMatchObject({ context: 'admit', code: 'UNAVAILABLE', reason: 'draining' });
    const key = agendaProblemKey(problem!);
    expect(key).toBe('agenda.error.admit.draining');
    expect(fr[key]).toContain('maintenance');
    expect(en[key]).toBe('The server is restarting for maintenance: try again in a minute.');
    // Every media worker at capacity: said as such, and the citizen keeps their place.
    const busy = agendaWith(
      [appointment],
      AppError.withReason('UNAVAILABLE', 'server_busy', 'busy'),
    );
    await busy.admit(appointment.id);
    const busyKey = agendaProblemKey(busy.store.get().problem!);
    expect(busyKey).toBe('agenda.error.admit.server_busy');
    expect(fr[busyKey]).toContain('pleine capacité');
    expect(en[busyKey]).toContain('full capacity');
    // Unavailable for another reason: the kiosk cannot be reached, as before.
    const other = agendaWith([appointment], new AppError('UNAVAILABLE', 'down'));
    await other.admit(appointment.id);
    expect(agendaProblemKey(other.store.get().problem!)).toBe('agenda.error.admit.offline');
  });
});
