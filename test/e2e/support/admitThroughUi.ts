import type { TestServer } from '../../support/testServer';
import type { AdvisorPage } from '../pages/AdvisorPage';
import type { KioskPage } from '../pages/KioskPage';
import { bookAppointment } from './booking';

/**
 * A call as it starts every day, through the real UI: an appointment booked for the test kiosk
 * and advisor, both apps opened, the citizen checks in with their code, the advisor admits them,
 * and both show the call. Returns the appointment and the call the advisor's view runs.
 */
export async function admitThroughUi(
  t: TestServer,
  kiosk: KioskPage,
  advisor: AdvisorPage,
): Promise<{ appointmentId: string; callId: string }> {
  const { appointmentId, code } = await bookAppointment(t, {
    kioskId: t.kiosk.id,
    advisorId: t.advisor.id,
    serviceId: t.serviceA,
  });
  await kiosk.open(t.url, t.kiosk.token);
  await kiosk.screen('welcome').waitFor();
  await advisor.open(t.url, t.advisor.token);
  await advisor.agenda().waitFor();
  await kiosk.checkIn(code);
  await kiosk.screen('waiting').waitFor();
  await advisor.admit(appointmentId);
  await kiosk.screen('call').waitFor();
  await advisor.callView().waitFor();
  const callId = (await advisor.callView().getAttribute('data-call-id')) ?? '';
  return { appointmentId, callId };
}
