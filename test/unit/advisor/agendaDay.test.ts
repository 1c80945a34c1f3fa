import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  staffSchedulingEvents,
  staffSchedulingRequests,
  type AppointmentView,
  type ResponseOf,
} from '@visio/shared/protocol';
import { Agenda } from '../../../advisor-client/src/features/agenda/Agenda';
import { FakeServer } from '../client/PartyCall.fakes';
import { appointmentView } from './appointmentView';

// "Today" is the server's (the organisation's time zone, widened to open check-ins), never the
// browser's: this runs in UTC, where 23:30 UTC is still "today" while in Paris it is tomorrow.

const { agenda: today, queue: queueList } = staffSchedulingRequests;
const staffId = randomUUID();
const HOUR = 3_600_000;

// 2026-12-05 22:30 UTC is 23:30 in Paris; Paris's day is [12-04 23:00 UTC, 12-05 23:00 UTC).
const NOW = Date.parse('2026-12-05T22:30:00Z');
const PARIS_DAY = { from: '2026-12-04T23:00:00.000Z', to: '2026-12-05T23:00:00.000Z' };

beforeEach(() => {
  vi.useFakeTimers({ now: NOW });
});

afterEach(() => {
  vi.useRealTimers();
});

function appointment(startsAt: string, patch: Partial<AppointmentView> = {}): AppointmentView {
  return appointmentView(staffId, { startsAt, ...patch });
}

/**
 * An agenda over a fake server answering `listed` in `span`; the server's clock runs `skewMs`
 * ahead of the browser's (behind when negative).
 */
async function agendaOver(listed: AppointmentView[], span = PARIS_DAY, skewMs = 0) {
  const server = new FakeServer();
  const answer = { appointments: listed, span };
  server.answer(today.name, () => {
    const data: ResponseOf<typeof today> = {
      ...answer,
      availability: 'available',
      now: new Date(Date.now() + skewMs).toISOString(),
    };
    return { ok: true, data };
  });
  server.answer(queueList.name, () => ({ ok: true, data: { entries: [] } }));
  const agenda = new Agenda(server.signalling, staffId, {
    onArrival: () => undefined,
    onOutcomeRecorded: () => undefined,
  });
  agenda.attach();
  await vi.advanceTimersByTimeAsync(0);
  const changed = async (view: AppointmentView) => {
    server.emit(staffSchedulingEvents.appointmentChanged.name, view);
    await vi.advanceTimersByTimeAsync(0);
  };
  const ids = () => agenda.store.get().appointments.map((a) => a.id);
  return { agenda, server, answer, changed, ids };
}

describe("the advisor's agenda keeps to the server's day", () => {
  it('takes in a booking of the day it spans and leaves out one of the next day, whatever the browser says', async () => {
    const { agenda, changed, ids } = await agendaOver([]);
    const tonight = appointment('2026-12-05T22:50:00Z');
    // 00:30 in Paris tomorrow, though still the 5th in this browser's zone.
    const tomorrow = appointment('2026-12-05T23:30:00Z');
    await changed(tonight);
    await changed(tomorrow);
    expect(ids()).toEqual([tonight.id]);
    agenda.detach();
  });

  it('takes in a citizen who checked in, whatever the day, and keeps what it lists until it moves', async () => {
    const listed = appointment('2026-12-05T22:40:00Z', { status: 'in_call' });
    const { agenda, changed, ids } = await agendaOver([listed]);
    const early = appointment('2026-12-05T23:10:00Z', { status: 'checked_in' });
    await changed(early);
    expect(ids()).toEqual([listed.id, early.id]);
    // Its outcome recorded after the span ends: still on the agenda, completed.
    vi.setSystemTime(Date.parse('2026-12-05T23:20:00Z'));
    await changed({ ...listed, status: 'completed', outcome: 'resolved' });
    expect(agenda.store.get().appointments[0]).toMatchObject({
      id: listed.id,
      status: 'completed',
    });
    // Moved to another day, or taken by a colleague: gone.
    await changed({ ...early, status: 'scheduled', startsAt: '2026-12-07T09:00:00Z' });
    await changed({ ...listed, advisor: { id: randomUUID(), name: 'Paul' } });
    expect(ids()).toEqual([]);
    agenda.detach();
  });

  it('asks for the next day when the span ends, with the agenda left open overnight', async () => {
    const { agenda, server, answer } = await agendaOver([appointment('2026-12-05T22:50:00Z')]);
    const asked = () => server.sent(today.name).length;
    expect(asked()).toBe(1);
    const nextDay = { from: '2026-12-05T23:00:00.000Z', to: '2026-12-06T23:00:00.000Z' };
    answer.span = nextDay;
    answer.appointments = [];
    await vi.advanceTimersByTimeAsync(30 * 60_000 - 1);
    expect(asked()).toBe(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(asked()).toBe(2);
    expect(agenda.store.get().appointments).toEqual([]);
    // The next day ends (2 s after, for the answer's way): asked again, once.
    answer.span = { from: '2026-12-06T23:00:00.000Z', to: '2026-12-07T23:00:00.000Z' };
    await vi.advanceTimersByTimeAsync(Date.parse(nextDay.to) + 1_999 - Date.now());
    expect(asked()).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(asked()).toBe(3);
    await vi.advanceTimersByTimeAsync(23 * HOUR);
    expect(asked()).toBe(3);
    agenda.detach();
  });

  it("times the span's end on the server's clock, not on a browser clock set wrong", async () => {
    // This browser's clock runs 10 minutes ahead of the server's: at 22:30 here it is 22:20 on
    // the server, whose day ends in 40 minutes, not in 30 as the browser's clock would say.
    const { agenda, server, answer } = await agendaOver([], PARIS_DAY, -10 * 60_000);
    const asked = () => server.sent(today.name).length;
    answer.span = { from: '2026-12-05T23:00:00.000Z', to: '2026-12-06T23:00:00.000Z' };
    await vi.advanceTimersByTimeAsync(40 * 60_000 + 1_999);
    expect(asked()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(asked()).toBe(2);
    // A span already over when answered (a server bug): asked again in a while, not in a loop.
    answer.span = PARIS_DAY;
    await vi.advanceTimersByTimeAsync(24 * HOUR);
    expect(asked()).toBe(3);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(asked()).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(asked()).toBe(4);
    agenda.detach();
  });
});
