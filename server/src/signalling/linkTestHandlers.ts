import { kioskLinkTestRequests, staffLinkTestRequests } from '@visio/shared/protocol';
import type { KioskPrincipal, StaffPrincipal } from '../auth/Principal';
import { CONSOLE_ROLES, type MonitoringModule } from '../monitoring/MonitoringModule';
import type { RequestRouter } from './RequestRouter';

/** The kiosk's pre-call link test: each request acts on this kiosk's own test only. */
export function registerKioskLinkTest(
  router: RequestRouter<KioskPrincipal>,
  monitoring: MonitoringModule,
): void {
  const r = kioskLinkTestRequests;
  const tests = monitoring.linkTests;
  router
    .on(r.start, (_data, { principal }) => tests.start(principal.kioskId))
    .on(r.connect, async ({ testId, path, dtlsParameters }, { principal }) => {
      await tests.connect(principal.kioskId, testId, path, dtlsParameters);
      return {};
    })
    .on(r.produceData, ({ testId, path, sctpStreamParameters }, { principal }) =>
      tests.produceData(principal.kioskId, testId, path, sctpStreamParameters),
    )
    .on(r.finish, async (report, { principal }) => ({
      result: await tests.finish(principal.kioskId, report),
    }));
}

/** The console reads a kiosk's link-test history. */
export function registerStaffLinkTest(
  router: RequestRouter<StaffPrincipal>,
  monitoring: MonitoringModule,
): void {
  router.on(
    staffLinkTestRequests.history,
    async ({ kioskId, limit }) => ({
      results: await monitoring.linkTestResults.history(kioskId, limit ?? 20),
    }),
    { roles: CONSOLE_ROLES },
  );
}
