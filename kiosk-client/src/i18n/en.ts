import type { Catalogue } from './fr';

export const en: Catalogue = {
  'app.title': 'Point Visio-Public',
  'language.other': 'Français',
  'language.otherCode': 'fr',
  'language.switch': 'Passer en français',

  'connecting.title': 'Starting your Point Visio-Public…',

  'enrol.title': 'Setting up this kiosk',
  'enrol.pending': 'Registering this kiosk…',
  'enrol.retry': 'Try again',
  'enrol.error.invalid_code':
    'This set-up code is not valid: it may have been used already or have expired. Ask the technician for a new link.',
  'enrol.error.RATE_LIMITED': 'Too many wrong codes from this kiosk. Try again in {time}.',
  'enrol.error.RATE_LIMITED.done': 'You can try again now.',
  'enrol.error.UNAVAILABLE': 'The server does not answer. Check the network, then try again.',
  'enrol.error.generic':
    'Setting up the kiosk failed. Try again; if it keeps failing, tell the technician.',

  'notEnrolled.title': 'This screen is not set up yet',
  'notEnrolled.body':
    'This kiosk has not been registered. Please tell the front desk: a technician must open its set-up link on this screen.',

  'welcome.title': 'Welcome',
  'welcome.site': '{site}',
  'welcome.appointment': 'I have an appointment',
  'welcome.appointmentHint': 'Type the 6-digit code from your appointment letter',
  'welcome.servicesTitle': 'Services at this Point Visio-Public',
  'welcome.servicesHint': 'Touch a service open for walk-ins to talk to an advisor.',
  'welcome.walkIn': 'Walk-in: touch to come in',
  'welcome.appointmentOnly': 'By appointment only',
  'welcome.appointmentOnlyNotice':
    '{service} sees people by appointment only. Please ask the front desk to book one.',
  'welcome.noServices': 'No service is offered here at the moment.',
  'welcome.loading': 'Loading the services…',
  'welcome.callEnded': 'The call has ended. Thank you and goodbye!',
  'welcome.callFailed': 'The call was interrupted. Your advisor can call you back.',
  'welcome.left': 'You have left the waiting room. Goodbye!',
  'welcome.waitingEnded.no_show':
    'The time of your appointment has passed. Please ask the front desk for a new one.',
  'welcome.waitingEnded.cancelled':
    'Your appointment was cancelled by the service. Please ask the front desk.',
  'welcome.waitingEnded.expired': 'Your wait has ended. You can type your code again.',

  'walkIn.error.walk_in_closed':
    'Walk-in hours for this service have just ended. Come back during its hours, or book an appointment at the front desk.',
  'walkIn.error.kiosk_busy': 'Someone else is already waiting at this kiosk. Please wait a moment.',
  'walkIn.error.out_of_service': 'This kiosk is out of service. Please ask the front desk.',
  'walkIn.error.generic': 'That did not work. Please try again in a moment.',

  'outOfService.title': 'Out of service for the moment',
  'outOfService.body': 'Please ask at the front desk.',

  'code.title': 'Type your code',
  'code.hint': 'The 6-digit code is on your appointment letter. Touch the digits below.',
  'code.entered': 'Code typed: {digits} ({count} digits of 6)',
  'code.back': 'Back',
  'code.erase': 'Erase',
  'code.submit': 'Confirm',
  'code.keypad': 'Number pad',
  'code.checking': 'Checking…',
  'code.error.wrong_code':
    'Code not recognised. Check the code on your appointment letter, then type it again.',
  'code.error.locked':
    'Too many wrong codes. For your security, code entry is locked. Try again in {time}, or ask the front desk.',
  'code.error.too_early':
    'It is a little early. Come back no earlier than 15 minutes before your appointment.',
  'code.error.too_late':
    'The time of your appointment has passed. Please ask the front desk for a new one.',
  'code.error.cancelled':
    'This appointment was cancelled. Please ask the front desk for a new one.',
  'code.error.kiosk_busy': 'Someone else is already waiting at this kiosk. Please wait a moment.',
  'code.error.already_checked_in': 'You are already checked in. Please wait.',
  'code.error.out_of_service': 'This kiosk is out of service. Please ask the front desk.',
  'code.error.offline': 'The kiosk cannot reach the service. Try again in a moment.',
  'code.error.generic': 'That did not work. Please try again in a moment.',

  'waiting.title': 'Waiting room',
  'waiting.service': '{service}',
  'waiting.advisor.available': '{name} will be with you shortly.',
  'waiting.advisor.in_call': '{name} is finishing a call and will see you right after.',
  'waiting.advisor.away':
    '{name} is away for a moment. Another advisor of the service can see you.',
  'waiting.advisor.offline': '{name} is not connected yet. You will be seen as soon as possible.',
  'waiting.walkIn': 'An advisor of the service will be with you shortly.',
  'waiting.position': 'You are number {position} in the queue',
  'waiting.waited': 'Time waited',
  'waiting.waitedLabel': 'Time waited: {time}',
  'waiting.selfView': 'Your picture: check that you can be seen clearly',
  'waiting.selfViewHint': 'Sit facing the camera: the call will start by itself.',
  'waiting.deviceProblem':
    'The camera or the microphone is not working. Please tell the front desk.',
  'waiting.offline': 'Connection trouble: your place is kept, we are restoring the service…',
  'waiting.cancel': 'Cancel and leave',
  'waiting.confirm.title': 'Do you really want to leave?',
  'waiting.confirm.body': 'You will leave the waiting room.',
  'waiting.confirm.yes': 'Yes, leave',
  'waiting.confirm.no': 'No, stay',

  'call.title': 'In a call with {name}',
  'call.remoteVideo': 'Video of {name}',
  'call.selfView': 'Your picture',
  'call.mic': 'Mute microphone',
  'call.mic.off': 'Microphone off',
  'call.camera': 'Turn camera off',
  'call.camera.off': 'Camera off',
  'call.hangup': 'Hang up',
  'call.remoteCameraOff': '{name} turned their camera off',
  'call.remoteMicOff': '{name} muted their microphone',
  'call.waitingVideo': 'Video is on its way…',
  'call.soundBlocked': 'Touch here to hear your advisor',
  'call.signallingLost': 'Connection trouble, we are restoring the service…',
  'call.state.connecting': 'Connecting…',
  'call.state.connected': 'Call in progress',
  'call.state.reconnecting': 'Connection lost, reconnecting…',
  'call.state.failed': 'The connection failed.',
  'call.state.closed': 'Call ended',

  'announce.callStarted': 'Call started with {name}',
  'announce.callEnded': 'Call ended',
  'announce.micMuted': 'Microphone muted',
  'announce.micOn': 'Microphone on',
  'announce.cameraOff': 'Camera off',
  'announce.cameraOn': 'Camera on',
  'announce.reconnecting': 'Connection lost, reconnecting',
  'announce.connected': 'You are connected',
  'announce.waiting': 'You are in the waiting room for {service}',
  'announce.codeRefused': 'Code refused',

  'offline.title': 'Out of service for the moment',
  'offline.body': 'Please ask at the front desk.',
  'offline.retrying': 'Trying to reconnect…',

  'unauthorized.title': 'Kiosk not recognised',
  'unauthorized.body': 'This kiosk is not allowed to connect. Please ask at the front desk.',
};
