import type { Catalogue } from './fr';

export const en: Catalogue = {
  'app.title': 'Point Visio-Public',
  'language.other': 'Français',
  'language.otherCode': 'fr',
  'language.switch': 'Passer en français',

  'connecting.title': 'Starting your Point Visio-Public…',

  'welcome.title': 'Welcome to your Point Visio-Public',
  'welcome.subtitle': 'The advisor will start the call.',
  'welcome.hint': 'Sit facing the screen: the call will start by itself.',
  'welcome.selfView': 'Your picture, as the camera sees it',
  'welcome.deviceProblem':
    'The camera or the microphone is not working. Please tell the front desk.',
  'welcome.callEnded': 'The call has ended. Thank you and goodbye!',
  'welcome.callFailed': 'The call was interrupted. Your advisor can call you back.',

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

  'offline.title': 'Out of service for the moment',
  'offline.body': 'Please ask at the front desk.',
  'offline.retrying': 'Trying to reconnect…',

  'unauthorized.title': 'Kiosk not recognised',
  'unauthorized.body': 'This kiosk is not allowed to connect. Please ask at the front desk.',
};
