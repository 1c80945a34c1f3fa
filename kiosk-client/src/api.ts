import { restRequest } from '@visio/shared/client';
import { EnrolResponseSchema, type EnrolResponse } from '@visio/shared/protocol';

// The kiosk's only REST call: everything else goes through its socket.

/** Trades the technician's one-time enrolment code for this kiosk's device token. */
export function enrol(code: string): Promise<EnrolResponse> {
  return restRequest('/api/kiosk/enrol', {
    method: 'POST',
    body: { code },
    response: EnrolResponseSchema,
  });
}
