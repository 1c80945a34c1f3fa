import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fr as staffWords } from '../../advisor-client/src/i18n/fr';
import { fr as kioskWords } from '../../kiosk-client/src/i18n/fr';
import { pollUntil } from '../e2e/support/browser';
import { CallRig, type RigCall } from '../faults/CallRig';
import { readPage } from '../faults/pageProbes';
import { readSelectedPaths, type PathReading } from './SelectedPath';
import { SiteFirewall } from './SiteFirewall';

/** Short, so that the test does not wait the default 20 s. */
const MEDIA_START_TIMEOUT_S = 8;
/**
 * After the deadline: the server's next look at the call's traffic (every 250 ms), its end told
 * over the socket, the kiosk's screen drawn; generous for a loaded two-core machine.
 */
const END_MARGIN_MS = 5_000;

/**
 * The historic failure (issue 11 item 5): a kiosk behind a town hall's firewall that lets the web
 * port through and nothing else (no UDP, no TCP to the media ports), and no TURN relay configured.
 * The call is admitted through the real UIs, its media can never flow, and it must end as a
 * failed call (`media_unreachable`) within MEDIA_START_TIMEOUT_S: both sides told in plain words,
 * the citizen back at the head of the queue, the console alerted with the kiosk and its path,
 * never "the citizen hung up", never completed.
 */
describe('a kiosk whose media cannot get through (web port only, no TURN)', () => {
  let rig: CallRig | undefined;
  let call: RigCall | undefined;

  beforeAll(async () => {
    rig = await CallRig.open({
      serverEnv: { MEDIA_START_TIMEOUT_S: String(MEDIA_START_TIMEOUT_S) },
    });
    // The town hall's firewall: the web port out, nothing else.
    const firewall = await SiteFirewall.install(rig.network);
    await firewall.onlyTcpTo([rig.server.port]);
  });

  afterAll(async () => {
    await rig?.endTrial(call);
    await rig?.close();
  });

  it('fails as media_unreachable: both told in plain words, the citizen requeued, the console alerted', async () => {
    call = await rig!.admitCall();
    const { kiosk, advisor, appointmentId, callId } = call;
    const admittedAt = Date.now();

    // While the kiosk shows its call screen, what its browser's ICE makes of the paths it has.
    const duringCall: PathReading[] = [];
    const left = await pollUntil(
      async () => {
        const [paths, page] = await Promise.all([
          readSelectedPaths(kiosk.page),
          readPage(kiosk.page, appointmentId),
        ]);
        if (page?.kioskScreen === 'call' && paths.iceStates.length > 0) duringCall.push(paths);
        return page?.kioskScreen ?? null;
      },
      (screen) => screen !== null && screen !== 'call',
      MEDIA_START_TIMEOUT_S * 1_000 + END_MARGIN_MS,
    );
    const endedAfterMs = Date.now() - admittedAt;

    // 2. Media never flowed: no pair ever succeeded, none selected, no relay to fall back to.
    expect(duringCall.length, 'readings of the kiosk during the call').toBeGreaterThan(0);
    for (const paths of duringCall) {
      expect(paths, "the kiosk's ICE during the call").toMatchObject({
        selected: [],
        succeededPairs: 0,
      });
      expect(paths.offeredRelays.every((urls) => urls.length === 0)).toBe(true);
      for (const state of paths.iceStates) expect(['new', 'checking', 'failed']).toContain(state);
    }

    // 3. Within the timeout and a bounded margin the kiosk says so in plain words, back in the
    // waiting room (not the end-of-call survey).
    expect(left, `the kiosk's screen ${endedAfterMs} ms after admission`).toBe('waiting');
    expect(endedAfterMs).toBeLessThanOrEqual(MEDIA_START_TIMEOUT_S * 1_000 + END_MARGIN_MS);
    const requeued = kiosk.byId('waiting-requeued');
    expect(await requeued.getAttribute('data-reason')).toBe('media_unreachable');
    expect(await requeued.textContent()).toBe(kioskWords['waiting.requeued.media_unreachable']);
    expect(await kiosk.screen('survey').count()).toBe(0);
    // The server's waiting status follows the end: first in the queue again.
    await kiosk.page.locator('[data-testid="kiosk-screen-waiting"][data-position="1"]').waitFor();

    // 4. The advisor reads that the kiosk's connection could not be established.
    const notice = advisor.page.getByTestId('call-ended-notice');
    await notice.waitFor();
    expect(await notice.textContent()).toBe(staffWords['call.ended.media_unreachable.kiosk']);
    expect(await notice.textContent()).not.toBe(staffWords['call.ended.kiosk']);
    expect(await advisor.callView().count()).toBe(0);
    // Their agenda shows the citizen waiting again, to be taken once more.
    await advisor.page
      .locator(`[data-testid="appointment-${appointmentId}"][data-status="checked_in"]`)
      .waitFor();

    // 5. The record: a failed call, never completed; the appointment waits again.
    expect(rig!.appointmentStatus(appointmentId)).toBe('checked_in');
    const history = await pollUntil(
      () => rig!.callHistory(),
      (calls) => calls?.some((c) => c.callId === callId && c.endedAt !== null) ?? false,
      5_000,
    );
    const record = history?.find((c) => c.callId === callId);
    expect(record, 'the call in the REST history').toMatchObject({
      kioskId: rig!.fixtures.kiosk.id,
      endReason: 'media_unreachable',
      endedBy: 'system',
    });

    // 6. The console's alert names the kiosk, whose path carried nothing (its transports never
    // got a connectivity check through), while the advisor's carried its media over UDP.
    const alert = (await rig!.alerts())?.find(
      (a) => a.type === 'media_unreachable' && a.kioskId === rig!.fixtures.kiosk.id,
    );
    expect(alert, 'a media_unreachable alert for the kiosk').toMatchObject({ clearedAt: null });
    const failure = alert!.mediaFailure!;
    expect(failure).toMatchObject({
      missing: ['kiosk_to_advisor', 'advisor_to_kiosk'],
      unreachable: ['kiosk'],
      kiosk: {
        send: { ice: 'new', dtls: 'new' },
        recv: { ice: 'new', dtls: 'new' },
        protocol: null,
        packetsReceived: 0,
        packetsSent: 0,
      },
      advisor: { protocol: 'udp' },
    });
    expect(failure.advisor.packetsReceived).toBeGreaterThan(0);
    expect(failure.waitedSeconds).toBeGreaterThanOrEqual(MEDIA_START_TIMEOUT_S);
    expect(record!.mediaFailure).toEqual(failure);
    const iceStates = [...new Set(duringCall.flatMap((paths) => paths.iceStates))];
    console.log(JSON.stringify({ endedAfterMs, readings: duringCall.length, iceStates, failure }));
  });
});
