import { dayOf } from '@visio/shared/time';
import { eventually } from '../../support/appointments';
import { describe, expect, test } from '../../support/integrationTest';
import type { TestServer } from '../../support/testServer';

// Kiosk availability for the impact report, as the server records it: once a minute (here a
// tick called by hand, the timer stopped), each enrolled kiosk of an open site counts the minute
// as usable when connected and in service, and as 0 otherwise; a closed site counts nothing.

test.override({ afterEachTest: 'sockets' });

async function minutesOf(t: TestServer, kioskId: string): Promise<number | undefined> {
  const row = await t.server.store.db
    .selectFrom('kiosk_availability')
    .select('online_minutes')
    .where('kiosk_id', '=', kioskId)
    .where('day', '=', dayOf(new Date(), 'Europe/Paris'))
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.online_minutes);
}

describe('kiosk availability', () => {
  test('counts an open minute as usable only for a kiosk online and in service', async ({
    t,
    client,
  }) => {
    const recorder = t.server.monitoring.availability;
    await recorder.stop();
    const db = t.server.store.db;
    const [kiosk, idle] = [t.kiosk.id, t.kiosk2.id];
    const before = {
      kiosk: (await minutesOf(t, kiosk)) ?? 0,
      idle: (await minutesOf(t, idle)) ?? 0,
    };

    await client('/kiosk', t.kiosk.token);
    await eventually(() => t.server.presence.isOnline(kiosk), 'the kiosk online');
    await recorder.tick();
    expect(await minutesOf(t, kiosk)).toBe(before.kiosk + 1);
    // The kiosk not connected is known to have been watched that minute: a row, with 0.
    expect(await minutesOf(t, idle)).toBe(before.idle);

    // Out of service: online, but no citizen can use it.
    await db.updateTable('kiosks').set({ out_of_service: 1 }).where('id', '=', kiosk).execute();
    await recorder.tick();
    expect(await minutesOf(t, kiosk)).toBe(before.kiosk + 1);
    await db.updateTable('kiosks').set({ out_of_service: 0 }).where('id', '=', kiosk).execute();

    // Outside the site's opening hours nothing is counted.
    const site = await db
      .selectFrom('sites')
      .select('opening_hours')
      .where('id', '=', t.site)
      .executeTakeFirstOrThrow();
    await db.updateTable('sites').set({ opening_hours: '{}' }).where('id', '=', t.site).execute();
    await recorder.tick();
    expect(await minutesOf(t, kiosk)).toBe(before.kiosk + 1);
    await db
      .updateTable('sites')
      .set({ opening_hours: site.opening_hours })
      .where('id', '=', t.site)
      .execute();

    await recorder.tick();
    expect(await minutesOf(t, kiosk)).toBe(before.kiosk + 2);
  });
});
