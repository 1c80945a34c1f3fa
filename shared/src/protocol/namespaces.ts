import { callEvents, callRequests } from './calls';
import type { AnyEventDef, AnyRequestDef } from './envelope';
import { mediaEvents, mediaRequests } from './media';
import { kioskDirectoryEvents, kioskDirectoryRequests, sessionRequests } from './session';

export interface NamespaceDef {
  readonly path: '/kiosk' | '/staff';
  readonly auth: string;
  readonly requests: readonly AnyRequestDef[];
  readonly events: readonly AnyEventDef[];
}

const media = Object.values(mediaRequests);

/** The citizen's kiosk. Authenticated by its device token. */
export const kioskNamespace: NamespaceDef = {
  path: '/kiosk',
  auth: 'handshake auth `{ token }`: the kiosk device token',
  requests: [sessionRequests.whoami, callRequests.hangup, ...media],
  events: [callEvents.started, callEvents.ended, ...Object.values(mediaEvents)],
};

/** Advisors, schedulers and technicians. Authenticated by a staff session; roles checked per request. */
export const staffNamespace: NamespaceDef = {
  path: '/staff',
  auth: 'handshake auth `{ token }`: the staff session token',
  requests: [
    sessionRequests.whoami,
    kioskDirectoryRequests.list,
    callRequests.start,
    callRequests.hangup,
    ...media,
  ],
  events: [
    kioskDirectoryEvents.changed,
    callEvents.started,
    callEvents.ended,
    ...Object.values(mediaEvents),
  ],
};

export const namespaces = [kioskNamespace, staffNamespace] as const;
