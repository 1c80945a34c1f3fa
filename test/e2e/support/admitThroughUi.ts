import type { Party, TestServer } from '../../support/testServer';
import type { AdvisorPage } from '../pages/AdvisorPage';
import type { KioskPage } from '../pages/KioskPage';
import { bookAppointment } from './booking';

/**
 * A call as it starts every day, through the real UI: an appointment booked for the test kiosk
 * and advisor (or the `parties` given, an advisor of service A), both apps opened, the citizen
 * checks in with their code, the advisor admits them, and both show the call. Returns the
 * appointment and the call the advisor's view runs. `opening` is told which app opens next
 * (several nodes: the load balancer sends each to its node).
 */
export async function admitThroughUi(
  t: Pick<TestServer, 'url' | 'scheduler' | 'kiosk' | 'advisor' | 'serviceA'>,
  kiosk: KioskPage,
  advisor: AdvisorPage,
  parties: { kiosk: Party; advisor: Party } = { kiosk: t.kiosk, advisor: t.advisor },
  opening: (app: 'kiosk' | 'advisor') => void = () => undefined,
): Promise<{ appointmentId: string; callId: string }> {
  const { appointmentId, code } = await bookAppointment(t, {
    kioskId: parties.kiosk.id,
    advisorId: parties.advisor.id,
    serviceId: t.serviceA,
  });
  opening('kiosk');
  await kiosk.open(t.url, parties.kiosk.token);
  await kiosk.screen('welcome').waitFor();
  opening('advisor');
  await advisor.open(t.url, parties.advisor.token);
  await advisor.agenda().waitFor();
  await kiosk.checkIn(code);
  await kiosk.screen('waiting').waitFor();
  await advisor.admit(appointmentId);
  await kiosk.screen('call').waitFor();
  await advisor.callView().waitFor();
  const callId = (await advisor.callView().getAttribute('data-call-id')) ?? '';
  return { appointmentId, callId };
}
