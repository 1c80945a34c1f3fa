import type { TestServer } from '../../support/testServer';

/**
 * Books an appointment through the REST API as the scheduler would, starting a few minutes from
 * now (inside the check-in window), and returns its id and check-in code.
 */
export async function bookAppointment(
  t: Pick<TestServer, 'url' | 'scheduler'>,
  options: { kioskId: string; advisorId: string; serviceId: string; startsInMin?: number },
): Promise<{ appointmentId: string; code: string }> {
  const startsAt = new Date(Date.now() + (options.startsInMin ?? 5) * 60_000).toISOString();
  const res = await fetch(`${t.url}/api/appointments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `visio_session=${t.scheduler.token}` },
    body: JSON.stringify({
      serviceId: options.serviceId,
      advisorId: options.advisorId,
      kioskId: options.kioskId,
      startsAt,
      durationMin: 30,
      citizenRef: 'E2E-001',
    }),
  });
  if (res.status !== 200) throw new Error(`booking failed: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { appointment: { id: string }; checkInCode: string };
  return { appointmentId: body.appointment.id, code: body.checkInCode };
}
