/** French, the default language and the reference catalogue: every key starts here. */
export const fr = {
  'app.title': 'Point Visio-Public',
  'language.other': 'English',
  'language.otherCode': 'en',
  'language.switch': 'Switch to English',

  'connecting.title': 'Démarrage du Point Visio-Public…',

  'welcome.title': 'Bienvenue dans votre Point Visio-Public',
  'welcome.subtitle': 'Votre conseiller va lancer l’appel.',
  'welcome.hint': 'Installez-vous face à l’écran : l’appel commencera tout seul.',
  'welcome.selfView': 'Votre image, telle que la caméra la voit',
  'welcome.deviceProblem':
    'La caméra ou le micro ne fonctionne pas. Merci de le signaler à l’accueil.',
  'welcome.callEnded': 'L’appel est terminé. Merci et à bientôt !',
  'welcome.callFailed': 'La communication a été interrompue. Votre conseiller peut vous rappeler.',

  'call.title': 'En communication avec {name}',
  'call.remoteVideo': 'Vidéo de {name}',
  'call.selfView': 'Votre image',
  'call.mic': 'Couper le micro',
  'call.mic.off': 'Micro coupé',
  'call.camera': 'Couper la caméra',
  'call.camera.off': 'Caméra coupée',
  'call.hangup': 'Raccrocher',
  'call.remoteCameraOff': '{name} a coupé sa caméra',
  'call.remoteMicOff': '{name} a coupé son micro',
  'call.waitingVideo': 'La vidéo arrive…',
  'call.soundBlocked': 'Touchez ici pour entendre votre conseiller',
  'call.signallingLost': 'Connexion perturbée, nous rétablissons le service…',
  'call.state.connecting': 'Connexion en cours…',
  'call.state.connected': 'Appel en cours',
  'call.state.reconnecting': 'Connexion perdue, reconnexion en cours…',
  'call.state.failed': 'La connexion a échoué.',
  'call.state.closed': 'Appel terminé',

  'announce.callStarted': 'Appel commencé avec {name}',
  'announce.callEnded': 'Appel terminé',
  'announce.micMuted': 'Micro coupé',
  'announce.micOn': 'Micro réactivé',
  'announce.cameraOff': 'Caméra coupée',
  'announce.cameraOn': 'Caméra réactivée',
  'announce.reconnecting': 'Connexion perdue, reconnexion en cours',
  'announce.connected': 'Vous êtes en communication',

  'offline.title': 'Borne momentanément hors service',
  'offline.body': 'Merci de vous adresser à l’accueil.',
  'offline.retrying': 'Nouvelle tentative de connexion en cours…',

  'unauthorized.title': 'Borne non reconnue',
  'unauthorized.body':
    'Cette borne n’est pas autorisée à se connecter. Merci de vous adresser à l’accueil.',
} as const;

export type MessageKey = keyof typeof fr;
/** Every other language must translate every key (checked by the compiler). */
export type Catalogue = { readonly [K in MessageKey]: string };
