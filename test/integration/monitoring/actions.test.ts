import { describe, expect, test } from '../../support/integrationTest';
import { callEvents, kioskSchedulingRequests } from '@visio/shared/protocol';
import {
  kioskMonitoringEvents,
  staffMonitoringEvents,
  staffMonitoringRequests,
} from '@visio/shared/protocol';
import { eventWhere, recordTraffic, refusal } from '../../support/appointments';
import { nextEvent } from '../../support/socketClient';
import { type TestServer, startDirectCall } from '../../support/testServer';

// The technician's actions do what they say, reach only the kiosk concerned, and are audited
// with the actor and the reason.

test.override({ afterEachTest: 'no calls' });

async function auditOf(t: TestServer, action: string, targetId: string) {
  const rows = await t.server.store.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .where('target_id', '=', targetId)
    .execute();
  return rows.map((r) => ({
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    details: r.details ? (JSON.parse(r.details) as unknown) : null,
  }));
}

describe('technician actions', () => {
  test('calls:end ends the call for both sides, and is audited with the actor and the reason', async ({
    t,
    client,
  }) => {
    const tech = await client('/staff', t.technician.token);
    const kiosk = await client('/kiosk', t.kiosk.token);
    const advisor = await client('/staff', t.advisor.token);
    const started = nextEvent(kiosk, callEvents.started);
    const { callId } = await startDirectCall(t, t.advisor.token, t.kiosk.id);
    await started;
    const kioskEnded = nextEvent(kiosk, callEvents.ended);
    const advisorEnded = nextEvent(advisor, callEvents.ended);
    await tech.request(staffMonitoringRequests.endCall, {
      callId,
      reason: 'frozen video for 5 min',
    });
    const expected = { callId, reason: 'ended_by_staff', endedBy: 'system' };
    expect(await kioskEnded).toEqual(expected);
    expect(await advisorEnded).toEqual(expected);
    expect(await auditOf(t, 'call.end_by_staff', callId)).toEqual([
      {
        actorKind: 'staff',
        actorId: t.technician.id,
        details: { reason: 'frozen video for 5 min' },
      },
    ]);
    expect(
      await refusal(tech.request(staffMonitoringRequests.endCall, { callId, reason: 'again' })),
    ).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  test('kiosk:reload tells that kiosk only, and says whether it was connected', async ({
    t,
    client,
  }) => {
    const tech = await client('/staff', t.technician.token);
    const kiosk = await client('/kiosk', t.kiosk.token);
    const heardElsewhere = recordTraffic((await client('/staff', t.advisor.token)).socket);
    const command = nextEvent(kiosk, kioskMonitoringEvents.command);
    expect(
      await tech.request(staffMonitoringRequests.reloadKiosk, {
        kioskId: t.kiosk.id,
        reason: 'stuck on the code screen',
      }),
    ).toEqual({
      delivered: true,
    });
    expect(await command).toEqual({ command: 'reload' });
    expect(
      await tech.request(staffMonitoringRequests.reloadKiosk, {
        kioskId: t.kiosk2.id,
        reason: 'is it alive?',
      }),
    ).toEqual({
      delivered: false,
    });
    expect(await auditOf(t, 'kiosk.reload', t.kiosk.id)).toEqual([
      {
        actorKind: 'staff',
        actorId: t.technician.id,
        details: { reason: 'stuck on the code screen' },
      },
    ]);
    expect(heardElsewhere.filter((h) => h.name === kioskMonitoringEvents.command.name)).toEqual([]);
  });

  test('kiosk:setOutOfService switches the kiosk, tells it and the console, and is audited', async ({
    t,
    client,
  }) => {
    const admin = await client('/staff', t.admin.token);
    const kiosk = await client('/kiosk', t.kiosk.token);
    const otherKiosk = await client('/kiosk', t.kiosk2.token);
    const otherHeard = recordTraffic(otherKiosk.socket);
    const command = nextEvent(kiosk, kioskMonitoringEvents.command);
    const changed = eventWhere(
      admin,
      staffMonitoringEvents.fleetChanged,
      (s) => s.kioskId === t.kiosk.id && s.outOfService,
    );
    const answer = await admin.request(staffMonitoringRequests.setKioskOutOfService, {
      kioskId: t.kiosk.id,
      outOfService: true,
      reason: 'screen cracked',
    });
    expect(answer.kiosk).toMatchObject({ kioskId: t.kiosk.id, outOfService: true });
    expect(await command).toEqual({ command: 'out_of_service' });
    await changed;
    expect((await kiosk.request(kioskSchedulingRequests.home, {})).kiosk.outOfService).toBe(true);

    const back = nextEvent(kiosk, kioskMonitoringEvents.command);
    await admin.request(staffMonitoringRequests.setKioskOutOfService, {
      kioskId: t.kiosk.id,
      outOfService: false,
      reason: 'screen replaced',
    });
    expect(await back).toEqual({ command: 'in_service' });
    expect((await kiosk.request(kioskSchedulingRequests.home, {})).kiosk.outOfService).toBe(false);
    expect(await auditOf(t, 'kiosk.out_of_service_reason', t.kiosk.id)).toEqual(
      expect.arrayContaining([
        {
          actorKind: 'staff',
          actorId: t.admin.id,
          details: { outOfService: true, reason: 'screen cracked' },
        },
        {
          actorKind: 'staff',
          actorId: t.admin.id,
          details: { outOfService: false, reason: 'screen replaced' },
        },
      ]),
    );
    expect(await auditOf(t, 'kiosk.out_of_service', t.kiosk.id)).toHaveLength(2);
    expect(otherHeard.filter((h) => h.name === kioskMonitoringEvents.command.name)).toEqual([]);
  });

  test('refuses an action without a reason, and audits nothing', async ({ t, client }) => {
    const tech = await client('/staff', t.technician.token);
    const before = (await auditOf(t, 'kiosk.reload', t.kiosk.id)).length;
    for (const reason of ['', '  ', 'x'.repeat(201)]) {
      expect(
        await refusal(
          tech.request(staffMonitoringRequests.reloadKiosk, { kioskId: t.kiosk.id, reason }),
        ),
      ).toMatchObject({ code: 'INVALID_INPUT' });
    }
    expect(await auditOf(t, 'kiosk.reload', t.kiosk.id)).toHaveLength(before);
  });
});
