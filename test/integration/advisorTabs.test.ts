import { SignallingClient } from '@visio/shared/client';
import {
  callEvents,
  callRequests,
  kioskSchedulingRequests,
  staffSchedulingRequests,
} from '@visio/shared/protocol';
import { book, inMinutes } from '../support/appointments';
import { describe, expect, test as integrationTest } from '../support/integrationTest';
import { nextEvent, recordEvents } from '../support/socketClient';
import { startDirectCall } from '../support/testServer';

// An advisor may have the app open in several tabs. A call runs in one of them: the tab that
// admitted the citizen. Other tabs are not told to set up media (their media:join would cut the
// call's tab off); if the call's tab goes, the newest other tab takes the call over.

/** Advisor one's tabs and citizen, on the file's server. */
const test = integrationTest
  /** A tab of advisor one, recording every event it hears from its very first. */
  .extend('tab', ({ t, socket }) => async () => {
    let heard: string[] = [];
    const opened = await socket('/staff', t.advisor.token, {
      beforeConnect: (s) => (heard = recordEvents(s)),
    });
    return { client: new SignallingClient(opened, 5_000), heard };
  })
  /** Advisor one's citizen checked in at kiosk one, admitted from `from`. */
  .extend('admittedFrom', ({ t, client }) => async (from: SignallingClient) => {
    const kiosk = await client('/kiosk', t.kiosk.token);
    const { appointment, checkInCode } = await book(t, { startsAt: inMinutes(5) });
    await kiosk.request(kioskSchedulingRequests.checkIn, { code: checkInCode });
    const started = nextEvent(from, callEvents.started);
    const { callId } = await from.request(staffSchedulingRequests.admit, {
      appointmentId: appointment.id,
    });
    expect(await started).toMatchObject({ callId });
    return { callId, kiosk };
  });
test.override({
  serverEnv: { CALL_RECONNECT_GRACE_MS: '300' },
  afterEachTest: 'no appointments',
});

/** Whatever the server sent this tab before now has arrived (a request is answered after it). */
const settled = (c: SignallingClient) => c.request(staffSchedulingRequests.queue, {});

describe('an advisor with several tabs', () => {
  test('runs the call in the tab that admitted; other tabs, even opened later, are not told', async ({
    t,
    tab,
    admittedFrom,
  }) => {
    const a = await tab();
    const b = await tab();
    const { callId } = await admittedFrom(a.client);
    await settled(b.client);
    expect(b.heard).not.toContain(callEvents.started.name);

    const c = await tab();
    await settled(c.client);
    expect(c.heard).not.toContain(callEvents.started.name);
    expect(t.server.calls.activeCalls.map((call) => call.id)).toEqual([callId]);
    await a.client.request(callRequests.hangup, { callId });
  });

  test('moves the call to the newest other tab when its tab goes', async ({
    t,
    client,
    tab,
    admittedFrom,
  }) => {
    const a = await tab();
    const b = await tab();
    const { callId } = await admittedFrom(a.client);
    await settled(b.client);
    expect(b.heard).not.toContain(callEvents.started.name);
    // Another call, whose kiosk leaves just after tab A: when the grace ends that call, it has
    // run out for any timer tab A's departure could have started.
    const otherKiosk = await client('/kiosk', t.kiosk2.token);
    const otherAdvisor = await client('/staff', t.advisor2.token);
    const other = await startDirectCall(t, t.advisor2.token, t.kiosk2.id);
    const otherEnded = nextEvent(otherAdvisor, callEvents.ended);
    const takenOver = nextEvent(b.client, callEvents.started);
    a.client.socket.close();
    expect(await takenOver).toMatchObject({ callId });
    otherKiosk.socket.close();
    expect(await otherEnded).toMatchObject({ callId: other.callId, reason: 'peer_disconnected' });
    // Past the reconnect grace, the call still runs: tab B has it.
    expect(t.server.calls.activeCalls.map((call) => call.id)).toEqual([callId]);
    await b.client.request(callRequests.hangup, { callId });
  });

  test('gives the call back to the same tab after a reload when it was the only one', async ({
    t,
    socket,
    tab,
    admittedFrom,
  }) => {
    const a = await tab();
    const { callId } = await admittedFrom(a.client);
    a.client.socket.close();
    let again!: Promise<unknown>;
    const reloaded = await socket('/staff', t.advisor.token, {
      beforeConnect: (s) => (again = nextEvent(new SignallingClient(s), callEvents.started)),
    });
    expect(await again).toMatchObject({ callId });
    await new SignallingClient(reloaded, 5_000).request(callRequests.hangup, { callId });
  });
});
