import { randomUUID } from 'node:crypto';
import {
  kioskNightlyTestEvents,
  kioskNightlyTestRequests,
  staffNightlyTestRequests,
  type NightlyPathFigures,
} from '@visio/shared/protocol';
import { describe, expect, test } from '../support/integrationTest';
import { refusal } from '../support/appointments';
import { nextEvent } from '../support/socketClient';
import { enrolKiosk } from '../support/testServer';

// The nightly test call's protocol on a real server, media worker and database (SQLite and
// PostgreSQL): a kiosk runs only a test it was asked for; the server keeps a path reached only if
// it saw it connect, whatever the kiosk claims; bad figures are refused; results are stored and
// read back. Real media over the loop needs a browser: test/e2e/nightlyTest.test.ts.

test.override({ afterEachTest: 'no appointments' });

const claimed = (path: 'udp' | 'tcp'): NightlyPathFigures => ({
  path,
  reached: true,
  timeToFirstFrameMs: 300,
  rttMs: 5,
  jitterMs: 2,
  lossPct: 0,
  videoKbps: 500,
  audioKbps: 40,
});

describe('nightly test call', () => {
  test('only when asked; a path the server never saw connect is stored as not reached', async ({
    t,
    client,
  }) => {
    const party = await enrolKiosk(t.server, `Night ${randomUUID().slice(0, 8)}`, t.site);
    const kiosk = await client('/kiosk', party.token);
    expect(await refusal(kiosk.request(kioskNightlyTestRequests.start, {}))).toMatchObject({
      code: 'BAD_STATE',
      reason: 'not_asked',
    });
    const technician = await client('/staff', t.technician.token);
    const asked = nextEvent(kiosk, kioskNightlyTestEvents.asked);
    await technician.request(staffNightlyTestRequests.run, {
      kioskId: party.id,
      reason: 'integration check',
    });
    expect(await asked).toEqual({ trigger: 'technician' });
    const started = await kiosk.request(kioskNightlyTestRequests.start, {});
    expect(started.paths.map((p) => p.path)).toEqual(['udp', 'tcp']);
    expect(
      await refusal(
        kiosk.request(kioskNightlyTestRequests.finish, {
          testId: started.testId,
          paths: [claimed('udp'), claimed('udp')],
        }),
      ),
    ).toMatchObject({ code: 'INVALID_INPUT' });
    expect(
      await refusal(
        kiosk.request(kioskNightlyTestRequests.finish, {
          testId: started.testId,
          paths: [{ ...claimed('udp'), lossPct: 250 }],
        }),
      ),
    ).toMatchObject({ code: 'INVALID_INPUT' });
    const { result } = await kiosk.request(kioskNightlyTestRequests.finish, {
      testId: started.testId,
      paths: [claimed('udp'), claimed('tcp')],
    });
    expect(result.paths.map((p) => [p.path, p.reached])).toEqual([
      ['udp', false],
      ['tcp', false],
    ]);
    const { results } = await technician.request(staffNightlyTestRequests.history, {
      kioskId: party.id,
    });
    expect(results).toEqual([result]);
    // Closed once finished.
    expect(
      await refusal(
        kiosk.request(kioskNightlyTestRequests.finish, {
          testId: started.testId,
          paths: [claimed('udp')],
        }),
      ),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });
});
