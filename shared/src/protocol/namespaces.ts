import { callEvents, callRequests } from './calls';
import type { AnyEventDef, AnyRequestDef } from './envelope';
import { inCallEvents, inCallRequests } from './incall';
import { interpreterEvents, interpreterRequests } from './interpreter';
import { mediaEvents, mediaRequests } from './media';
import { transferEvents, transferRequests } from './transfer';
import {
  kioskMonitoringEvents,
  kioskMonitoringRequests,
  staffMonitoringEvents,
  staffMonitoringRequests,
} from './monitoring';
import {
  kioskSchedulingEvents,
  kioskSchedulingRequests,
  staffSchedulingEvents,
  staffSchedulingRequests,
} from './scheduling';
import { kioskDirectoryEvents, kioskDirectoryRequests, sessionRequests } from './session';
import { kioskLinkTestRequests, staffLinkTestEvents, staffLinkTestRequests } from './linkTest';
import {
  kioskNightlyTestEvents,
  kioskNightlyTestRequests,
  staffNightlyTestEvents,
  staffNightlyTestRequests,
} from './nightlyTest';

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
  requests: [
    sessionRequests.whoami,
    ...Object.values(kioskSchedulingRequests),
    callRequests.hangup,
    callRequests.setMediaMode,
    ...media,
    inCallRequests.chatDraft,
    inCallRequests.chatSend,
    inCallRequests.chatHistory,
    inCallRequests.listDocuments,
    inCallRequests.reportAccessibility,
    inCallRequests.currentSignature,
    inCallRequests.submitSignature,
    inCallRequests.declineSignature,
    inCallRequests.submitSurvey,
    ...Object.values(kioskMonitoringRequests),
    ...Object.values(kioskLinkTestRequests),
    ...Object.values(kioskNightlyTestRequests),
  ],
  events: [
    ...Object.values(kioskSchedulingEvents),
    callEvents.started,
    callEvents.ended,
    callEvents.mediaRestart,
    callEvents.partyStatus,
    callEvents.mediaMode,
    transferEvents.handover,
    ...Object.values(interpreterEvents),
    ...Object.values(mediaEvents),
    inCallEvents.chatDraft,
    inCallEvents.chatMessage,
    inCallEvents.scanRequested,
    inCallEvents.documentAdded,
    inCallEvents.signatureRequested,
    inCallEvents.signatureClosed,
    ...Object.values(kioskMonitoringEvents),
    ...Object.values(kioskNightlyTestEvents),
  ],
};

/** Advisors, schedulers, technicians and interpreters. Authenticated by a staff session; roles checked per request. */
export const staffNamespace: NamespaceDef = {
  path: '/staff',
  auth: 'the staff session cookie (`visio_session`, httpOnly) sent with the handshake, or handshake auth `{ token }` with the session token (tools, tests)',
  requests: [
    sessionRequests.whoami,
    kioskDirectoryRequests.list,
    ...Object.values(staffSchedulingRequests),
    callRequests.hangup,
    callRequests.setMediaMode,
    ...Object.values(transferRequests),
    ...Object.values(interpreterRequests),
    ...media,
    inCallRequests.chatDraft,
    inCallRequests.chatSend,
    inCallRequests.chatHistory,
    inCallRequests.listDocuments,
    inCallRequests.requestScan,
    inCallRequests.requestSignature,
    inCallRequests.cancelSignature,
    inCallRequests.currentSignature,
    ...Object.values(staffMonitoringRequests),
    ...Object.values(staffLinkTestRequests),
    ...Object.values(staffNightlyTestRequests),
  ],
  events: [
    kioskDirectoryEvents.changed,
    ...Object.values(staffSchedulingEvents),
    callEvents.started,
    callEvents.ended,
    callEvents.mediaRestart,
    callEvents.partyStatus,
    callEvents.mediaMode,
    transferEvents.offered,
    transferEvents.closed,
    transferEvents.outcome,
    ...Object.values(interpreterEvents),
    ...Object.values(mediaEvents),
    inCallEvents.chatDraft,
    inCallEvents.chatMessage,
    inCallEvents.documentAdded,
    inCallEvents.signatureRequested,
    inCallEvents.signatureClosed,
    ...Object.values(staffMonitoringEvents),
    ...Object.values(staffLinkTestEvents),
    ...Object.values(staffNightlyTestEvents),
  ],
};

export const namespaces = [kioskNamespace, staffNamespace] as const;
