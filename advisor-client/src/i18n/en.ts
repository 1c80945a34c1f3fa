import { agendaEn } from '../features/agenda/messages';
import { callDeskEn } from '../features/call/messages';
import { interpretEn } from '../features/interpret/messages';
import { consoleEn } from '../features/console/messages';
import { linkTestEn } from '../features/linkTest/messages';
import { nightlyTestEn } from '../features/nightlyTest/messages';
import { bookingEn } from '../features/booking/messages';
import { kiosksEn } from '../features/kiosks/messages';
import { loginEn } from '../features/login/messages';
import { reportEn } from '../features/report/messages';
import { transferEn } from '../features/transfer/messages';
import type { Catalogue } from './fr';

export const en: Catalogue = {
  'app.title': 'Visio-Public — Staff',
  'app.brand': 'Visio-Public',
  'language.other': 'Français',
  'language.otherCode': 'fr',

  'header.signedInAs': 'Signed in: {name}',
  'header.connection.connecting': 'Connecting…',
  'header.connection.online': 'Online',
  'header.connection.offline': 'Offline',
  'header.signOut': 'Sign out',
  'nav.label': 'Main navigation',
  'nav.agenda': 'Agenda',
  'nav.booking': 'Appointments',
  'nav.kiosks': 'Kiosks',

  'connecting.title': 'Connecting to the service…',
  'offline.banner': 'The connection to the server is lost. Trying again…',
  'unauthorized.title': 'Session not valid',
  'unauthorized.body': 'Your session has expired or the link you used is not valid.',
  'unauthorized.signIn': 'Sign in',

  'devices.title': 'Your camera',
  'devices.selfPreview': 'Your picture',
  'devices.opening': 'Opening the camera and microphone…',
  'devices.retry': 'Try again',
  'devices.error.PERMISSION_DENIED':
    'The browser may not use the camera or microphone. Allow them in the site settings, then try again.',
  'devices.error.NOT_FOUND': 'No camera or microphone was found. Plug them in, then try again.',
  'devices.error.IN_USE':
    'Another application is using the camera or microphone. Close it, then try again.',
  'devices.error.INSECURE_CONTEXT':
    'This page must be opened over HTTPS to use the camera and microphone.',
  'devices.error.UNKNOWN': 'The camera or microphone could not be opened. Try again.',

  'call.title': 'In a call with {name}',
  'call.stateLabel': 'Connection:',
  'call.remoteVideo': 'Video of kiosk {name}',
  'call.selfView': 'Your picture',
  'call.controls': 'Call controls',
  'call.mic': 'Mute microphone',
  'call.mic.off': 'Microphone off',
  'call.camera': 'Turn camera off',
  'call.camera.off': 'Camera off',
  'call.hangup': 'Hang up',
  'call.remoteCameraOff': 'The kiosk camera is off',
  'call.remoteMicOff': 'The kiosk microphone is muted',
  'call.remoteCameraLost': "The citizen's camera is unavailable (re-connecting it…)",
  'call.remoteCameraMissing': "The citizen's camera is unavailable: the call goes on by voice",
  'call.remoteMicLost': "The citizen's microphone is unavailable (re-connecting it…)",
  'call.remoteMicMissing':
    "The citizen's microphone is unavailable: they can write to you in the chat",
  'call.waitingVideo': 'Waiting for the kiosk video…',
  'call.audioText':
    'Weak connection: video is paused both ways. Sound and real-time text go on; video comes back by itself when the line recovers.',
  'call.audioText.overlay': 'Video paused: weak connection',
  'call.soundBlocked': 'Turn sound on',
  'call.state.connecting': 'Connecting',
  'call.state.connected': 'Connected',
  'call.state.reconnecting': 'Connection lost, reconnecting',
  'call.state.restoring': 'The service is restoring the call',
  'call.peerAway': 'The citizen’s kiosk is reconnecting… (for {seconds} s)',
  'call.state.closed': 'Ended',

  'call.ended.self': 'You hung up.',
  'call.ended.kiosk': 'The citizen hung up.',
  'call.ended.advisor_disconnected':
    'You were disconnected for too long: the citizen went back to the head of the queue for a colleague to take.',
  'call.ended.peer_disconnected': 'The connection with the kiosk was lost: the call has ended.',
  'call.ended.media_failed': 'The video service failed: the call has ended.',
  'call.ended.ended_by_staff': 'A technician ended the call.',
  'call.ended.server_shutdown': 'The server is restarting: the call has ended.',
  'call.ended.failed': 'The video connection failed: the call has ended.',
  'call.ended.media_unreachable':
    'The picture and sound never got through: the call has failed. The citizen is back at the head of the queue and a technician has been alerted.',
  'call.ended.media_unreachable.kiosk':
    'The picture and sound could not get through to the citizen’s kiosk (its network blocks them): the call has failed. The citizen is back at the head of the queue and a technician has been alerted.',
  'call.ended.media_unreachable.advisor':
    'The picture and sound could not get through to your computer: check your network. The call has failed; the citizen is back at the head of the queue for a colleague to take.',
  'call.ended.generic': 'The call has ended.',

  'errors.dismiss': 'Dismiss message',
  'errors.INVALID_INPUT': 'The request is not valid. Reload the page, then try again.',
  'errors.PAYLOAD_TOO_LARGE': 'The request is too large.',
  'errors.UNKNOWN_MESSAGE': 'This action is not available. Reload the page.',
  'errors.UNAUTHORIZED': 'Your session has expired. Sign in again.',
  'errors.FORBIDDEN': 'Your account may not do this.',
  'errors.NOT_FOUND': 'What you asked for no longer exists.',
  'errors.CONFLICT': 'Someone else is already using this.',
  'errors.BAD_STATE': 'This is not possible right now.',
  'errors.RATE_LIMITED': 'Too many attempts. Wait a moment, then try again.',
  'errors.UNAVAILABLE': 'The service is unavailable for a moment. Try again shortly.',
  'errors.TIMEOUT': 'The server did not answer in time. Check your connection, then try again.',
  'errors.INTERNAL':
    'Something went wrong on our side. Try again; if it keeps happening, contact support.',

  'announce.callStarted': 'Call started with {name}',
  'announce.micMuted': 'Microphone muted',
  'announce.micOn': 'Microphone on',
  'announce.cameraOff': 'Camera off',
  'announce.cameraOn': 'Camera on',
  'announce.reconnecting': 'Connection lost, reconnecting',
  'announce.connected': 'Connected',
  'announce.peerAway': 'The citizen’s kiosk lost its connection',
  'announce.peerBack': 'The citizen’s kiosk is back',
  'announce.audioText': 'Weak connection: video paused, sound and real-time text go on',
  'announce.videoBack': 'Video is back',
  'announce.interpreterJoined': 'An interpreter joined the call',
  'announce.interpreterLeft': 'The interpreter left the call; the call goes on',
  'announce.citizenArrived': '{ref} has arrived at kiosk {kiosk} ({service})',
  'announce.walkInArrived': 'A walk-in citizen is waiting at kiosk {kiosk} ({service})',
  'announce.outcomeRecorded': 'Outcome saved',
  ...loginEn,
  ...agendaEn,
  ...bookingEn,
  ...kiosksEn,
  ...callDeskEn,
  ...interpretEn,
  ...consoleEn,
  ...linkTestEn,
  ...reportEn,
  ...nightlyTestEn,
  ...transferEn,
};
