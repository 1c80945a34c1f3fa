import type { Catalogue as SharedCatalogue } from '@visio/shared/i18n';

import { agendaFr } from '../features/agenda/messages';
import { callDeskFr } from '../features/call/messages';
import { interpretFr } from '../features/interpret/messages';
import { consoleFr } from '../features/console/messages';
import { linkTestFr } from '../features/linkTest/messages';
import { nightlyTestFr } from '../features/nightlyTest/messages';
import { bookingFr } from '../features/booking/messages';
import { kiosksFr } from '../features/kiosks/messages';
import { loginFr } from '../features/login/messages';
import { reportFr } from '../features/report/messages';
import { transferFr } from '../features/transfer/messages';

/** The whole app's sentences; each feature adds its own catalogue. */
const baseFr = {
  'app.title': 'Visio-Public — Espace agents',
  'app.brand': 'Visio-Public',
  'language.other': 'English',
  'language.otherCode': 'en',

  'header.signedInAs': 'Connecté(e) : {name}',
  'header.connection.connecting': 'Connexion…',
  'header.connection.online': 'En ligne',
  'header.connection.offline': 'Hors ligne',
  'header.signOut': 'Se déconnecter',
  'nav.label': 'Navigation principale',
  'nav.agenda': 'Agenda',
  'nav.booking': 'Rendez-vous',
  'nav.kiosks': 'Bornes',

  'connecting.title': 'Connexion au service…',
  'offline.banner': 'La connexion au serveur est perdue. Nouvelle tentative en cours…',
  'unauthorized.title': 'Session non valide',
  'unauthorized.body': 'Votre session a expiré ou le lien utilisé n’est pas valide.',
  'unauthorized.signIn': 'Se connecter',

  'devices.title': 'Votre caméra',
  'devices.selfPreview': 'Votre image',
  'devices.opening': 'Ouverture de la caméra et du micro…',
  'devices.retry': 'Réessayer',
  'devices.error.PERMISSION_DENIED':
    'Le navigateur n’a pas accès à la caméra ou au micro. Autorisez-les dans les réglages du site, puis réessayez.',
  'devices.error.NOT_FOUND':
    'Aucune caméra ou aucun micro n’a été trouvé. Branchez-les, puis réessayez.',
  'devices.error.IN_USE':
    'La caméra ou le micro est utilisé par une autre application. Fermez-la, puis réessayez.',
  'devices.error.INSECURE_CONTEXT':
    'Cette page doit être ouverte en HTTPS pour pouvoir utiliser la caméra et le micro.',
  'devices.error.UNKNOWN': 'La caméra ou le micro n’a pas pu être ouvert. Réessayez.',

  'call.title': 'En communication avec {name}',
  'call.stateLabel': 'État de la connexion :',
  'call.remoteVideo': 'Vidéo de la borne {name}',
  'call.selfView': 'Votre image',
  'call.controls': 'Commandes de l’appel',
  'call.mic': 'Couper le micro',
  'call.mic.off': 'Micro coupé',
  'call.camera': 'Couper la caméra',
  'call.camera.off': 'Caméra coupée',
  'call.hangup': 'Raccrocher',
  'call.remoteCameraOff': 'La caméra de la borne est coupée',
  'call.remoteMicOff': 'Le micro de la borne est coupé',
  'call.remoteCameraLost': 'La caméra de l’usager est indisponible (reconnexion en cours…)',
  'call.remoteCameraMissing': 'La caméra de l’usager est indisponible : l’appel continue à la voix',
  'call.remoteMicLost': 'Le micro de l’usager est indisponible (reconnexion en cours…)',
  'call.remoteMicMissing':
    'Le micro de l’usager est indisponible : il peut vous écrire dans la messagerie',
  'call.waitingVideo': 'En attente de la vidéo de la borne…',
  'call.audioText':
    'Connexion faible : la vidéo est en pause dans les deux sens. Le son et le texte en temps réel continuent ; la vidéo reviendra d’elle-même quand la ligne se rétablira.',
  'call.audioText.overlay': 'Vidéo en pause : connexion faible',
  'call.soundBlocked': 'Activer le son',
  'call.state.connecting': 'Connexion en cours',
  'call.state.connected': 'Connecté',
  'call.state.reconnecting': 'Connexion perdue, reconnexion en cours',
  'call.state.restoring': 'Le service rétablit l’appel',
  'call.peerAway': 'La borne de l’usager se reconnecte… (depuis {seconds} s)',
  'call.state.closed': 'Terminé',

  'call.ended.self': 'Vous avez raccroché.',
  'call.ended.kiosk': 'L’usager a raccroché.',
  'call.ended.advisor_disconnected':
    'Vous avez été déconnecté trop longtemps : l’usager est revenu en tête de la file d’attente pour qu’un collègue le prenne en charge.',
  'call.ended.peer_disconnected': 'La connexion avec la borne a été perdue : l’appel est terminé.',
  'call.ended.media_failed': 'Le service vidéo a rencontré une panne : l’appel est terminé.',
  'call.ended.ended_by_staff': 'Un technicien a mis fin à l’appel.',
  'call.ended.server_shutdown': 'Le serveur redémarre : l’appel est terminé.',
  'call.ended.failed': 'La connexion vidéo a échoué : l’appel est terminé.',
  'call.ended.media_unreachable':
    'L’image et le son ne sont jamais passés : l’appel a échoué. L’usager est remis en tête de la file et un technicien a été alerté.',
  'call.ended.media_unreachable.kiosk':
    'L’image et le son n’ont pas pu atteindre la borne de l’usager (son réseau les bloque) : l’appel a échoué. L’usager est remis en tête de la file et un technicien a été alerté.',
  'call.ended.media_unreachable.advisor':
    'L’image et le son n’ont pas pu atteindre votre ordinateur : vérifiez votre réseau. L’appel a échoué ; l’usager est remis en tête de la file pour un collègue.',
  'call.ended.generic': 'L’appel est terminé.',

  'errors.dismiss': 'Fermer le message',
  'errors.INVALID_INPUT': 'La demande n’est pas valide. Rechargez la page, puis réessayez.',
  'errors.PAYLOAD_TOO_LARGE': 'La demande est trop volumineuse.',
  'errors.UNKNOWN_MESSAGE': 'Cette action n’est pas disponible. Rechargez la page.',
  'errors.UNAUTHORIZED': 'Votre session a expiré. Reconnectez-vous.',
  'errors.FORBIDDEN': 'Votre compte ne permet pas cette action.',
  'errors.NOT_FOUND': 'L’élément demandé n’existe plus.',
  'errors.CONFLICT': 'Cet élément est déjà utilisé par quelqu’un d’autre.',
  'errors.BAD_STATE': 'Cette action n’est pas possible pour le moment.',
  'errors.RATE_LIMITED': 'Trop de tentatives. Patientez un instant, puis réessayez.',
  'errors.UNAVAILABLE': 'Le service est momentanément indisponible. Réessayez dans un instant.',
  'errors.TIMEOUT': 'Le serveur n’a pas répondu à temps. Vérifiez votre connexion, puis réessayez.',
  'errors.INTERNAL':
    'Une erreur s’est produite de notre côté. Réessayez ; si elle persiste, contactez le support.',

  'announce.callStarted': 'Appel commencé avec {name}',
  'announce.micMuted': 'Micro coupé',
  'announce.micOn': 'Micro réactivé',
  'announce.cameraOff': 'Caméra coupée',
  'announce.cameraOn': 'Caméra réactivée',
  'announce.reconnecting': 'Connexion perdue, reconnexion en cours',
  'announce.connected': 'Connecté',
  'announce.peerAway': 'La borne de l’usager a perdu la connexion',
  'announce.peerBack': 'La borne de l’usager est de retour',
  'announce.audioText':
    'Connexion faible : vidéo en pause, le son et le texte en temps réel continuent',
  'announce.videoBack': 'La vidéo est revenue',
  'announce.interpreterJoined': 'Un interprète a rejoint l’appel',
  'announce.interpreterLeft': 'L’interprète a quitté l’appel ; l’appel continue',
  'announce.citizenArrived': '{ref} est arrivé(e) à la borne {kiosk} ({service})',
  'announce.walkInArrived': 'Un usager sans rendez-vous attend à la borne {kiosk} ({service})',
  'announce.outcomeRecorded': 'Issue enregistrée',
} as const;

/** French, the default language and the reference catalogue: every key starts here. */
export const fr = {
  ...baseFr,
  ...loginFr,
  ...agendaFr,
  ...bookingFr,
  ...kiosksFr,
  ...callDeskFr,
  ...interpretFr,
  ...consoleFr,
  ...linkTestFr,
  ...reportFr,
  ...nightlyTestFr,
  ...transferFr,
} as const;

export type MessageKey = keyof typeof fr;
/** Every other language must translate every key (checked by the compiler). */
export type Catalogue = SharedCatalogue<MessageKey>;
