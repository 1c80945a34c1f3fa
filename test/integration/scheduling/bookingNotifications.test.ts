import { describe, expect, test } from '../../support/integrationTest';
import {
  kioskSchedulingEvents,
  kioskSchedulingRequests,
  staffSchedulingEvents,
} from '@visio/shared/protocol';
import { api, book, eventWhere, inMinutes, inServiceRooms } from '../../support/appointments';
import { nextEvent } from '../../support/socketClient';

// What a scheduler's booking changes tell the advisors and kiosks concerned: moving an
// appointment to a colleague takes it off the first advisor's agenda, and cancelling a waiting
// citizen takes them out of their service's queue for everyone.

test.override({ afterEachTest: 'no appointments' });

describe('booking changes, as the parties hear them', () => {
  test('tells the advisor an appointment was booked with when it is moved to a colleague', async ({
    t,
    client,
  }) => {
    const first = await client('/staff', t.advisor.token);
    const second = await client('/staff', t.advisor2.token);
    const { appointment } = await book(t, { startsAt: inMinutes(60) });

    // The booking's own notice may still be on its way: wait for the one saying it moved.
    const movedAway = (v: { id: string; advisor: { id: string } | null }) =>
      v.id === appointment.id && v.advisor?.id === t.advisor2.id;
    const toldFirst = eventWhere(first, staffSchedulingEvents.appointmentChanged, movedAway);
    const toldSecond = eventWhere(second, staffSchedulingEvents.appointmentChanged, movedAway);
    const moved = await api(t, 'PATCH', `/api/appointments/${appointment.id}`, {
      token: t.scheduler.token,
      body: { advisorId: t.advisor2.id },
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    // Both are told it is now advisor two's: the first drops it from their agenda.
    await Promise.all([toldFirst, toldSecond]);
  });

  test('takes a cancelled waiting citizen out of the queue: colleagues and the kiosk behind are told', async ({
    t,
    client,
  }) => {
    const colleague = await client('/staff', t.advisor2.token);
    await inServiceRooms(t, colleague, [t.serviceA]);
    const kiosk = await client('/kiosk', t.kiosk.token);
    const kiosk2 = await client('/kiosk', t.kiosk2.token);
    const { waiting: ahead } = await kiosk.request(kioskSchedulingRequests.joinWalkIn, {
      serviceId: t.serviceA,
    });
    const { waiting: behind } = await kiosk2.request(kioskSchedulingRequests.joinWalkIn, {
      serviceId: t.serviceA,
    });
    expect([ahead.position, behind.position]).toEqual([1, 2]);

    const ended = nextEvent(kiosk, kioskSchedulingEvents.waitingEnded);
    const movedUp = eventWhere(kiosk2, kioskSchedulingEvents.waitingStatus, (w) => {
      return w.position === 1;
    });
    const queueChanged = nextEvent(colleague, staffSchedulingEvents.queueChanged);
    const cancelled = await api(t, 'POST', `/api/appointments/${ahead.appointmentId}/cancel`, {
      token: t.scheduler.token,
    });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(await ended).toMatchObject({ appointmentId: ahead.appointmentId, reason: 'cancelled' });
    expect(await queueChanged).toEqual({ serviceId: t.serviceA });
    expect(await movedUp).toMatchObject({ appointmentId: behind.appointmentId, position: 1 });
  });
});
