import { kioskNightlyTestRequests, staffNightlyTestRequests } from '@visio/shared/protocol';
import type { KioskPrincipal, StaffPrincipal } from '../auth/Principal';
import { CONSOLE_ROLES, type MonitoringModule } from '../monitoring/MonitoringModule';
import type { RequestRouter } from './RequestRouter';

/** The kiosk's nightly test call: each request acts on this kiosk's own test only. */
export function registerKioskNightlyTest(
  router: RequestRouter<KioskPrincipal>,
  monitoring: MonitoringModule,
): void {
  const r = kioskNightlyTestRequests;
  const tests = monitoring.nightlyTests;
  router
    .on(r.start, (_data, { principal }) => tests.start(principal.kioskId))
    .on(r.decline, ({ reason }, { principal }) => {
      tests.decline(principal.kioskId, reason);
      return {};
    })
    .on(r.connect, async ({ testId, path, direction, dtlsParameters }, { principal }) => {
      await tests.loopOf(principal.kioskId, testId).connect(path, direction, dtlsParameters);
      return {};
    })
    .on(r.produce, ({ testId, path, kind, rtpParameters }, { principal }) =>
      tests.loopOf(principal.kioskId, testId).produce(path, kind, rtpParameters),
    )
    .on(r.consume, ({ testId, path, kind, rtpCapabilities }, { principal }) =>
      tests.loopOf(principal.kioskId, testId).consume(path, kind, rtpCapabilities),
    )
    .on(r.finish, async (report, { principal }) => ({
      result: await tests.finish(principal.kioskId, report),
    }));
}

/** The console runs a kiosk's test and reads its results. */
export function registerStaffNightlyTest(
  router: RequestRouter<StaffPrincipal>,
  monitoring: MonitoringModule,
): void {
  const consoleOnly = { roles: CONSOLE_ROLES };
  router
    .on(
      staffNightlyTestRequests.run,
      async ({ kioskId, reason }, { principal }) => ({
        delivered: await monitoring.actions.runNightlyTest(principal, kioskId, reason),
      }),
      consoleOnly,
    )
    .on(
      staffNightlyTestRequests.history,
      async ({ kioskId, limit }) => ({
        results: await monitoring.nightlyTestResults.history(kioskId, limit ?? 20),
      }),
      consoleOnly,
    );
}
