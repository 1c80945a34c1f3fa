import { describe, expect, test } from '../../support/integrationTest';
import { kioskSchedulingRequests, staffSchedulingRequests } from '@visio/shared/protocol';
import { insertAppointment } from '../../support/appointments';
import { localDay } from '@visio/shared/time';

// Near midnight the advisor's agenda ("today", in the organisation's time zone) and the waiting
// room (check-in opens 15 minutes before the start and stays open 30 minutes after it) must agree:
// a citizen who may check in is on their advisor's agenda, whichever day the appointment starts.
// The test moves the server's clock to just before tonight's midnight in Paris.

test.override({ afterEachTest: 'no appointments' });

const MINUTE = 60_000;

describe("the advisor's agenda around midnight", () => {
  test('holds every appointment whose check-in is open, on both sides of midnight, and no more', async ({
    t,
    client,
  }) => {
    const midnight = localDay(new Date(), 'Europe/Paris').end.getTime();
    const at = (minutesFromMidnight: number) =>
      new Date(midnight + minutesFromMidnight * MINUTE).toISOString();
    // Connected first: staff sessions would have expired at the clock's new time.
    const advisor = await client('/staff', t.advisor.token);
    const kiosk = await client('/kiosk', t.kiosk.token);
    const offset = midnight - 4 * MINUTE - Date.now();
    t.clock.advance(offset);
    try {
      // 23:54 tonight, 00:05 and 00:30 tomorrow (the first and last at the second kiosk).
      const lastOfToday = await insertAppointment(t, { startsAt: at(-6), kioskId: t.kiosk2.id });
      const justAfter = await insertAppointment(t, { startsAt: at(5), kioskId: t.kiosk.id });
      const later = await insertAppointment(t, { startsAt: at(30), kioskId: t.kiosk2.id });

      const agendaIds = async () => {
        const before = t.clock.now().getTime();
        const answer = await advisor.request(staffSchedulingRequests.agenda, {});
        // The server's clock, which the client times the span's end from.
        expect(Date.parse(answer.now)).toBeGreaterThanOrEqual(before);
        expect(Date.parse(answer.now)).toBeLessThanOrEqual(t.clock.now().getTime());
        return { ids: answer.appointments.map((a) => a.id), span: answer.span };
      };

      // 23:56: the 00:05 citizen may check in already, so they are on tonight's agenda.
      const tonight = await agendaIds();
      expect(tonight.ids).toEqual([lastOfToday.id, justAfter.id]);
      // It ends when the next check-in may open, 15 minutes from now (the clock ran a few ms on).
      const spanEnd = Date.parse(tonight.span.to) - (midnight + 11 * MINUTE);
      expect(spanEnd).toBeGreaterThan(0);
      expect(spanEnd).toBeLessThan(5_000);
      const { waiting } = await kiosk.request(kioskSchedulingRequests.checkIn, {
        code: justAfter.code,
      });
      expect(waiting.appointmentId).toBe(justAfter.id);

      // 00:20: a new day, and the 23:54 citizen may still check in (until 00:24).
      t.clock.advance(24 * MINUTE);
      const tomorrow = await agendaIds();
      expect(tomorrow.ids).toEqual([lastOfToday.id, justAfter.id, later.id]);
      const spanStart = Date.parse(tomorrow.span.from) - (midnight - 10 * MINUTE);
      expect(spanStart).toBeGreaterThanOrEqual(0);
      expect(spanStart).toBeLessThan(5_000);

      // 00:30: its window has closed; the agenda is tomorrow's day alone.
      t.clock.advance(10 * MINUTE);
      const after = await agendaIds();
      expect(after.ids).toEqual([justAfter.id, later.id]);
      expect(Date.parse(after.span.from)).toBe(midnight);
    } finally {
      t.clock.advance(-offset - 34 * MINUTE);
    }
  });
});
