import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  staffSchedulingEvents,
  staffSchedulingRequests,
  type ResponseOf,
} from '@visio/shared/protocol';
import { Agenda } from '../../../advisor-client/src/features/agenda/Agenda';
import { FakeServer, callStarted } from '../client/PartyCall.fakes';

const { agenda: today, queue: queueList } = staffSchedulingRequests;

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** An advisor's agenda over an in-memory server; `inCall` says whether they are in a call. */
function agendaOverServer() {
  const server = new FakeServer();
  server.answer(today.name, () => {
    const data: ResponseOf<typeof today> = {
      appointments: [],
      availability: 'available',
      span: { from: new Date().toISOString(), to: new Date(Date.now() + 86_400_000).toISOString() },
      now: new Date().toISOString(),
    };
    return { ok: true, data };
  });
  server.answer(queueList.name, () => ({ ok: true, data: { entries: [] } }));
  const state = { inCall: false };
  const agenda = new Agenda(server.signalling, randomUUID(), {
    onArrival: () => undefined,
    onOutcomeRecorded: () => undefined,
    inCall: () => state.inCall,
  });
  agenda.attach();
  const fetched = () => ({
    agenda: server.sent(today.name).length,
    queue: server.sent(queueList.name).length,
  });
  const queueChanged = () =>
    server.emit(staffSchedulingEvents.queueChanged.name, { serviceId: randomUUID() });
  return { agenda, state, fetched, queueChanged };
}

describe('the agenda of an advisor in a call', () => {
  it('follows queue changes at once out of a call, and catches up once when a call ends', async () => {
    const { agenda, state, fetched, queueChanged } = agendaOverServer();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetched()).toEqual({ agenda: 1, queue: 1 });
    // Out of a call: a change (several in a burst) is fetched once, shortly after.
    queueChanged();
    queueChanged();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fetched()).toEqual({ agenda: 2, queue: 2 });

    // In a call the agenda is not on screen: changes wait for the call's end.
    state.inCall = true;
    for (let i = 0; i < 5; i += 1) {
      queueChanged();
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(fetched()).toEqual({ agenda: 2, queue: 2 });
    state.inCall = false;
    agenda.callEnded(callStarted(), 'hangup');
    await vi.advanceTimersByTimeAsync(0);
    expect(fetched()).toEqual({ agenda: 3, queue: 3 });

    // A call during which nothing changed costs nothing at its end.
    state.inCall = true;
    await vi.advanceTimersByTimeAsync(1_000);
    state.inCall = false;
    agenda.callEnded(callStarted(), 'hangup');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fetched()).toEqual({ agenda: 3, queue: 3 });
    agenda.detach();
  });
});
