import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { SignallingClient } from '@visio/shared/client';
import {
  callEvents,
  callRequests,
  kioskSchedulingRequests,
  staffSchedulingRequests,
} from '@visio/shared/protocol';
import { book, clearAppointments, inMinutes } from '../support/appointments';
import { connect, connectClient, nextEvent, recordEvents } from '../support/socketClient';
import { startTestServer, type TestServer } from '../support/testServer';

// An advisor may have the app open in several tabs. A call runs in one of them: the tab that
// admitted the citizen. Other tabs are not told to set up media (their media:join would cut the
// call's tab off); if the call's tab goes, the newest other tab takes the call over.

let t: TestServer;
const open: Socket[] = [];

beforeAll(async () => {
  t = await startTestServer({ CALL_RECONNECT_GRACE_MS: '300' });
});
afterAll(async () => {
  await t.stop();
});
afterEach(async () => {
  for (const s of open.splice(0)) s.close();
  await clearAppointments(t);
});

/** A tab of advisor one, recording every event it hears from its very first. */
async function tab() {
  let heard: string[] = [];
  const socket = await connect(t.url, '/staff', t.advisor.token, (s) => {
    heard = recordEvents(s);
  });
  open.push(socket);
  return { client: new SignallingClient(socket, 5_000), heard };
}

/** Whatever the server sent this tab before now has arrived (a request is answered after it). */
const settled = (c: SignallingClient) => c.request(staffSchedulingRequests.queue, {});

/** Advisor one's citizen checked in at kiosk one, admitted from `from`. */
async function admittedFrom(from: SignallingClient) {
  const kiosk = await connectClient(t.url, '/kiosk', t.kiosk.token);
  open.push(kiosk.socket);
  const { appointment, checkInCode } = await book(t, { startsAt: inMinutes(5) });
  await kiosk.request(kioskSchedulingRequests.checkIn, { code: checkInCode });
  const started = nextEvent(from, callEvents.started);
  const { callId } = await from.request(staffSchedulingRequests.admit, {
    appointmentId: appointment.id,
  });
  expect(await started).toMatchObject({ callId });
  return { callId, kiosk };
}

describe('an advisor with several tabs', () => {
  it('runs the call in the tab that admitted; other tabs, even opened later, are not told', async () => {
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

  it('moves the call to the newest other tab when its tab goes', async () => {
    const a = await tab();
    const b = await tab();
    const { callId } = await admittedFrom(a.client);
    await settled(b.client);
    expect(b.heard).not.toContain(callEvents.started.name);
    const takenOver = nextEvent(b.client, callEvents.started);
    a.client.socket.close();
    expect(await takenOver).toMatchObject({ callId });
    // Past the reconnect grace, the call still runs: tab B has it.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(t.server.calls.activeCalls.map((call) => call.id)).toEqual([callId]);
    await b.client.request(callRequests.hangup, { callId });
  });

  it('gives the call back to the same tab after a reload when it was the only one', async () => {
    const a = await tab();
    const { callId } = await admittedFrom(a.client);
    a.client.socket.close();
    let again!: Promise<unknown>;
    const reloaded = await connect(t.url, '/staff', t.advisor.token, (s) => {
      again = nextEvent(new SignallingClient(s), callEvents.started);
    });
    open.push(reloaded);
    expect(await again).toMatchObject({ callId });
    await new SignallingClient(reloaded, 5_000).request(callRequests.hangup, { callId });
  });
});
