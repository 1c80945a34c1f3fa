import type { Catalogue as SharedCatalogue } from '@visio/shared/i18n';

/** French, the default language and the reference catalogue: every key starts here. */
export const fr = {
  'app.title': 'Point Visio-Public',
  'language.other': 'English',
  'language.otherCode': 'en',
  'language.switch': 'Switch to English',

  'connecting.title': 'Démarrage du Point Visio-Public…',

  'enrol.title': 'Installation de la borne',
  'enrol.pending': 'Enregistrement de la borne en cours…',
  'enrol.retry': 'Réessayer',
  'enrol.error.invalid_code':
    'Ce code d’installation n’est pas valable : il a peut-être déjà servi ou expiré. Demandez un nouveau lien au technicien.',
  'enrol.error.RATE_LIMITED': 'Trop de codes erronés depuis cette borne. Réessayez dans {time}.',
  'enrol.error.RATE_LIMITED.done': 'Vous pouvez réessayer maintenant.',
  'enrol.error.UNAVAILABLE': 'Le serveur ne répond pas. Vérifiez le réseau, puis réessayez.',
  'enrol.error.generic':
    'L’installation de la borne a échoué. Réessayez ; si le problème persiste, prévenez le technicien.',

  'notEnrolled.title': 'Cet écran n’est pas encore installé',
  'notEnrolled.body':
    'Cette borne n’a pas été enregistrée. Merci de prévenir l’accueil : un technicien doit ouvrir son lien d’installation sur cet écran.',

  'welcome.title': 'Bienvenue',
  'welcome.site': '{site}',
  'welcome.appointment': 'J’ai un rendez-vous',
  'welcome.appointmentHint': 'Saisissez le code à 6 chiffres de votre convocation',
  'welcome.scan': 'Scanner ma convocation',
  'welcome.scanHint': 'Présentez le QR code de votre convocation à la caméra',
  'welcome.servicesTitle': 'Les services de ce Point Visio-Public',
  'welcome.servicesHint':
    'Touchez un service ouvert « sans rendez-vous » pour parler à un conseiller.',
  'welcome.walkIn': 'Sans rendez-vous : touchez pour entrer',
  'welcome.appointmentOnly': 'Sur rendez-vous uniquement',
  'welcome.appointmentOnlyNotice':
    '{service} reçoit uniquement sur rendez-vous. Adressez-vous à l’accueil pour en prendre un.',
  'welcome.noServices': 'Aucun service n’est proposé ici pour le moment.',
  'welcome.loading': 'Chargement des services…',
  'welcome.callEnded': 'L’appel est terminé. Merci et à bientôt !',
  'welcome.callFailed': 'La communication a été interrompue. Votre conseiller peut vous rappeler.',
  'welcome.left': 'Vous avez quitté la salle d’attente. À bientôt !',
  'welcome.waitingEnded.no_show':
    'L’heure de votre rendez-vous est passée. Adressez-vous à l’accueil pour en prendre un nouveau.',
  'welcome.waitingEnded.cancelled':
    'Votre rendez-vous a été annulé par le service. Adressez-vous à l’accueil.',
  'welcome.waitingEnded.expired':
    'Votre attente a pris fin. Vous pouvez saisir à nouveau votre code.',

  'walkIn.error.walk_in_closed':
    'L’accueil sans rendez-vous de ce service vient de fermer. Revenez pendant ses horaires ou prenez rendez-vous à l’accueil.',
  'walkIn.error.kiosk_busy':
    'Une autre personne attend déjà à cette borne. Merci de patienter un instant.',
  'walkIn.error.out_of_service':
    'Cette borne est hors service. Merci de vous adresser à l’accueil.',
  'walkIn.error.generic': 'Cela n’a pas fonctionné. Merci de réessayer dans un instant.',

  'outOfService.title': 'Borne momentanément hors service',
  'outOfService.body': 'Merci de vous adresser à l’accueil.',

  'code.title': 'Saisissez votre code',
  'code.hint':
    'Le code à 6 chiffres figure sur votre convocation. Touchez les chiffres ci-dessous.',
  'code.entered': {
    one: 'Code saisi : {digits} ({count} chiffre sur 6)',
    other: 'Code saisi : {digits} ({count} chiffres sur 6)',
  },
  'code.back': 'Retour',
  'code.erase': 'Effacer',
  'code.submit': 'Valider',
  'code.keypad': 'Clavier numérique',
  'code.checking': 'Vérification…',
  'code.scan': 'Scanner le QR code de ma convocation',
  'code.typeInstead': 'Saisir le code à la place',
  'qr.title': 'Présentez votre convocation',
  'qr.hint': 'Tenez le QR code de votre convocation dans le cadre, face à la caméra.',
  'qr.live': 'Image de la caméra avec le cadre du QR code',
  'qr.starting': 'Démarrage de la caméra…',
  'qr.scanning': 'Lecture en cours : approchez ou éloignez un peu la feuille.',
  'qr.slow':
    'Le QR code n’est pas encore lu. Tenez la feuille bien à plat, un peu plus loin, ou saisissez le code.',
  'qr.unavailable': 'La caméra n’est pas disponible. Saisissez votre code avec les chiffres.',
  'qr.private': 'L’image reste sur cette borne : elle n’est ni enregistrée ni envoyée.',
  'code.error.wrong_code':
    'Code non reconnu. Vérifiez le code sur votre convocation, puis saisissez-le à nouveau.',
  'code.error.locked':
    'Trop de codes erronés. Pour votre sécurité, la saisie est bloquée. Réessayez dans {time}, ou adressez-vous à l’accueil.',
  'code.error.too_early':
    'Il est encore un peu tôt. Revenez au plus tôt 15 minutes avant l’heure de votre rendez-vous.',
  'code.error.too_late':
    'L’heure de votre rendez-vous est passée. Adressez-vous à l’accueil pour en prendre un nouveau.',
  'code.error.cancelled':
    'Ce rendez-vous a été annulé. Adressez-vous à l’accueil pour en prendre un nouveau.',
  'code.error.kiosk_busy':
    'Une autre personne attend déjà à cette borne. Merci de patienter un instant.',
  'code.error.already_checked_in': 'Vous êtes déjà enregistré(e). Merci de patienter.',
  'code.error.out_of_service': 'Cette borne est hors service. Merci de vous adresser à l’accueil.',
  'code.error.offline': 'La borne n’arrive pas à joindre le service. Réessayez dans un instant.',
  'code.error.generic': 'Cela n’a pas fonctionné. Merci de réessayer dans un instant.',

  'waiting.title': 'Salle d’attente',
  'waiting.service': '{service}',
  'waiting.advisor.available': '{name} va vous recevoir dans un instant.',
  'waiting.advisor.in_call': '{name} termine un entretien et vous recevra juste après.',
  'waiting.advisor.away':
    '{name} est momentanément absent(e). Un autre conseiller du service peut vous recevoir.',
  'waiting.advisor.offline':
    '{name} n’est pas encore connecté(e). Vous serez reçu(e) dès que possible.',
  'waiting.walkIn': 'Un conseiller du service va vous recevoir.',
  'waiting.position': 'Vous êtes n° {position} dans la file d’attente',
  'waiting.waited': 'Temps d’attente',
  'waiting.waitedLabel': 'Temps d’attente : {time}',
  'waiting.selfView': 'Votre image : vérifiez que l’on vous voit bien',
  'waiting.selfViewHint': 'Installez-vous face à la caméra : l’appel commencera tout seul.',
  'waiting.deviceProblem':
    'La caméra ou le micro ne fonctionne pas. Merci de le signaler à l’accueil.',
  'waiting.offline': 'Connexion perturbée : votre place est gardée, nous rétablissons le service…',
  'waiting.requeued.advisor_disconnected':
    'Votre conseiller a été déconnecté. Vous gardez votre place en tête de la file : un autre conseiller va vous prendre.',
  'waiting.requeued.media_unreachable':
    'L’image et le son n’ont pas pu passer depuis cette borne : l’appel n’a pas pu avoir lieu. Vous gardez votre place en tête de la file : un conseiller va vous rappeler. Si cela se reproduit, adressez-vous à l’accueil.',
  'waiting.cancel': 'Annuler et partir',
  'waiting.confirm.title': 'Voulez-vous vraiment partir ?',
  'waiting.confirm.body': 'Vous quitterez la salle d’attente.',
  'waiting.confirm.yes': 'Oui, partir',
  'waiting.confirm.no': 'Non, rester',

  'call.title': 'En communication avec {name}',
  'call.remoteVideo': 'Vidéo de {name}',
  'call.interpreterVideo': 'Vidéo de l’interprète ({kind})',
  'call.interpreter': 'Interprète ({kind})',
  'call.interpreter.lsf': 'langue des signes française',
  'call.interpreter.lpc': 'langue française parlée complétée',
  'call.interpreter.spoken': 'langue : {language}',
  'call.selfView': 'Votre image',
  'call.mic': 'Couper le micro',
  'call.mic.off': 'Micro coupé',
  'call.camera': 'Couper la caméra',
  'call.camera.off': 'Caméra coupée',
  'call.hangup': 'Raccrocher',
  'call.remoteCameraOff': '{name} a coupé sa caméra',
  'call.remoteMicOff': '{name} a coupé son micro',
  'call.waitingVideo': 'La vidéo arrive…',
  'call.handover.offered':
    'Votre conseiller vous met en relation avec le service {service}. Restez devant la borne : l’appel continue.',
  'call.handover.done': 'Vous êtes maintenant en relation avec {name}, service {service}.',
  'call.audioText':
    'La connexion est trop faible pour la vidéo. L’image est en pause : vous pouvez continuer à parler, et écrire ci-dessous. Elle reviendra toute seule.',
  'call.audioText.overlay': 'Image en pause : la connexion est trop faible',
  'call.soundBlocked': 'Touchez ici pour entendre votre conseiller',
  'call.signallingLost': 'Connexion perturbée, nous rétablissons le service…',
  'call.state.connecting': 'Connexion en cours…',
  'call.state.connected': 'Appel en cours',
  'call.state.reconnecting': 'Connexion perdue, reconnexion en cours…',
  'call.state.restoring': 'Notre service rétablit l’appel, restez là…',
  'call.peerAway': 'Votre conseiller se reconnecte… (depuis {seconds} s)',
  'call.device.recovering': 'La caméra ou le micro ne répond plus : nous le relançons…',
  'call.device.cameraLost':
    'La caméra ne fonctionne plus : l’appel continue avec le son seulement. Prévenez l’accueil après l’appel.',
  'call.device.micLost':
    'Le micro ne fonctionne plus : votre conseiller ne vous entend pas. Écrivez-lui avec le clavier ci-dessous.',
  'call.state.closed': 'Appel terminé',

  'announce.callStarted': 'Appel commencé avec {name}',
  'announce.callEnded': 'Appel terminé',
  'announce.micMuted': 'Micro coupé',
  'announce.micOn': 'Micro réactivé',
  'announce.cameraOff': 'Caméra coupée',
  'announce.cameraOn': 'Caméra réactivée',
  'announce.reconnecting': 'Connexion perdue, reconnexion en cours',
  'announce.connected': 'Vous êtes en communication',
  'announce.peerAway': 'Votre conseiller a perdu la connexion : il revient, restez là',
  'announce.peerBack': 'Votre conseiller est de retour',
  'announce.audioText':
    'La connexion est trop faible pour la vidéo : l’image est en pause, vous pouvez continuer à parler et à écrire',
  'announce.videoBack': 'L’image est revenue',
  'announce.handover.offered': 'Votre conseiller vous met en relation avec le service {service}',
  'announce.handover.done': 'Vous êtes maintenant en relation avec {name}, service {service}',
  'announce.interpreterJoined': 'Un interprète a rejoint l’appel',
  'announce.interpreterLeft': 'L’interprète a quitté l’appel ; l’appel continue',
  'announce.requeued.advisor_disconnected':
    'Votre conseiller a été déconnecté. Vous gardez votre place en tête de la file.',
  'announce.requeued.media_unreachable':
    'L’appel n’a pas pu se connecter. Vous gardez votre place en tête de la file.',
  'announce.waiting': 'Vous êtes en salle d’attente pour {service}',
  'announce.codeRefused': 'Code refusé',
  'announce.codeScanned': 'Code lu, vérification…',

  'offline.title': 'Borne momentanément hors service',
  'offline.body': 'Merci de vous adresser à l’accueil.',
  'offline.retrying': 'Nouvelle tentative de connexion en cours…',

  'unauthorized.title': 'Borne non reconnue',
  'unauthorized.body':
    'Cette borne n’est pas autorisée à se connecter. Merci de vous adresser à l’accueil.',

  'readAloud.off': 'Lecture à voix haute',
  'readAloud.on': 'Lecture à voix haute : activée',
  'deviceCheck.title': 'Vérifions votre son et votre image',
  'deviceCheck.lead': "Quelques secondes avant d'entrer en salle d'attente.",
  'deviceCheck.camera': 'Votre image',
  'deviceCheck.cameraHint': 'Placez-vous face à la caméra.',
  'deviceCheck.mic': 'Microphone',
  'deviceCheck.micHint': 'Dites quelques mots : la barre doit bouger.',
  'deviceCheck.micLevel': 'Niveau du microphone',
  'deviceCheck.speaker': 'Haut-parleur',
  'deviceCheck.playTone': 'Écouter un son de test',
  'deviceCheck.playing': 'Son en cours…',
  'deviceCheck.heard': 'Avez-vous entendu le son ?',
  'deviceCheck.yes': 'Oui',
  'deviceCheck.no': 'Non',
  'deviceCheck.notHeardHint':
    "Décrochez le combiné ou choisissez une autre sortie ci-dessous, puis réécoutez. Sinon, prévenez l'accueil.",
  'deviceCheck.output': 'Entendre par',
  'deviceCheck.loudspeaker': 'Haut-parleur',
  'deviceCheck.handset': 'Combiné ou casque {n}',
  'deviceCheck.link': 'Connexion internet',
  'deviceCheck.link.running':
    'Nous vérifions la connexion de la borne. Cela prend quelques secondes.',
  'deviceCheck.link.good':
    'La connexion est bonne : votre conseiller vous verra et vous entendra bien.',
  'deviceCheck.link.fair': "La connexion est correcte : l'image sera peut-être un peu moins nette.",
  'deviceCheck.link.audio_only':
    "La connexion est faible : votre conseiller vous entendra bien, mais l'image pourra s'arrêter. Vous pourrez aussi lui écrire.",
  'deviceCheck.link.impossible':
    "La connexion ne marche pas pour le moment. Vous pouvez continuer. Si l'appel ne démarre pas, demandez de l'aide à l'accueil.",
  'deviceCheck.continue': "Continuer vers la salle d'attente",
  'call.volume': 'Volume',
  'call.confirm.title': 'Voulez-vous vraiment raccrocher ?',
  'call.confirm.body': "L'appel avec {name} sera terminé.",
  'call.confirm.yes': 'Oui, raccrocher',
  'call.confirm.no': 'Non, continuer',
  'chat.title': 'Écrire au conseiller',
  'chat.you': 'Vous :',
  'chat.previousAdvisor': 'Votre conseiller précédent',
  'chat.interpreter': 'Interprète :',
  'chat.peerTyping': '{name} écrit :',
  'chat.interpreterTyping': 'L’interprète écrit :',
  'chat.yourText': 'Votre texte :',
  'chat.keyboard': 'Clavier',
  'chat.shift': 'Majuscule',
  'chat.capsLock': 'Majuscules verrouillées',
  'chat.erase': 'Effacer',
  'chat.space': 'Espace',
  'chat.send': 'Envoyer',
  'documents.title': 'Documents',
  'documents.scan': 'Scanner un document',
  'documents.fromScanner': 'Depuis le scanner',
  'documents.none': "Aucun document pour l'instant.",
  'documents.fromYou': 'envoyé par vous',
  'documents.fromAdvisor': 'du conseiller',
  'documents.loading': 'Chargement du document…',
  'documents.close': 'Fermer',
  'documents.print': 'Imprimer',
  'documents.error.unsupported_type':
    'Ce fichier ne peut pas être envoyé : seuls les PDF, JPEG et PNG sont acceptés.',
  'documents.error.too_large': 'Ce document est trop lourd (10 Mo au plus).',
  'documents.error.empty': 'Ce fichier est vide.',
  'documents.error.too_many': 'Cet appel a déjà reçu le nombre maximal de documents.',
  'documents.error.camera': "La photo n'a pas pu être prise. Réessayez.",
  'documents.error.network': "L'envoi n'a pas abouti. Réessayez dans un instant.",
  'documents.error.generic': "Le document n'a pas pu être envoyé. Réessayez.",
  'scan.title': 'Scanner un document',
  'scan.requested': 'Votre conseiller vous demande un document.',
  'scan.hint':
    'Tenez la feuille à plat dans le cadre, face à la caméra, puis touchez « Prendre la photo ».',
  'scan.checkHint': 'Le texte est-il lisible ? Envoyez la photo ou reprenez-la.',
  'scan.live': 'Image de la caméra avec le cadre du document',
  'scan.preview': 'Photo du document',
  'scan.capture': 'Prendre la photo',
  'scan.capturing': 'Photo en cours…',
  'scan.retake': 'Reprendre',
  'scan.send': 'Envoyer',
  'scan.sending': 'Envoi…',
  'scan.cancel': 'Annuler',
  'scan.fileName': 'document',
  'signature.title': 'Document à signer : {name}',
  'signature.lead':
    'Votre conseiller vous demande de signer ce document. Lisez-le (faites défiler les pages), puis signez dans le cadre en bas.',
  'signature.documentArea': 'Pages du document à signer',
  'signature.page': 'Page {page} sur {pages} de {name}',
  'signature.pagesFailed':
    "Le document ne s'affiche pas ici. Demandez à votre conseiller de vous le lire, ou refusez de signer.",
  'signature.fingerprint': 'Empreinte du document original (SHA-256) :',
  'signature.pad.label': 'Cadre de signature.',
  'signature.pad.help':
    "Signez avec le doigt, un stylet ou la souris. « Annuler le dernier trait » efface le dernier trait. Si vous ne pouvez pas signer sur l'écran, touchez « Ne pas signer » : votre conseiller sera prévenu.",
  'signature.pad.empty': 'Rien n’est encore signé.',
  'signature.pad.drawn': {
    one: '{count} trait tracé.',
    other: '{count} traits tracés.',
  },
  'signature.undo': 'Annuler le dernier trait',
  'signature.clear': 'Tout effacer',
  'signature.confirm': 'Je signe',
  'signature.sending': 'Envoi…',
  'signature.decline': 'Ne pas signer',
  'signature.decline.question': 'Pourquoi ne signez-vous pas ? Votre conseiller sera prévenu.',
  'signature.decline.cannotSign': "Je ne peux pas signer sur l'écran",
  'signature.decline.notAgreed': "Je ne suis pas d'accord avec ce document",
  'signature.decline.back': 'Retour à la signature',
  'signature.error.gone': 'Cette demande de signature a été retirée par votre conseiller.',
  'signature.error.full':
    'Le document signé ne peut pas être ajouté à cet appel. Prévenez votre conseiller.',
  'signature.error.network': "L'envoi a échoué. Réessayez dans un instant.",
  'signature.error.generic': "La signature n'a pas pu être enregistrée. Réessayez.",
  'signature.outcome.signed.title': 'Document signé',
  'signature.outcome.signed': 'Merci. Votre conseiller a reçu le document signé.',
  'signature.outcome.declined.title': 'Document non signé',
  'signature.outcome.declined': 'Votre conseiller sait que vous n’avez pas signé.',
  'signature.outcome.cancelled.title': 'Signature retirée',
  'signature.outcome.cancelled': 'Votre conseiller a retiré le document à signer.',
  'signature.outcome.close': 'Fermer',
  'survey.title': "Comment s'est passé votre rendez-vous ?",
  'survey.lead': 'Touchez un visage. Votre réponse est anonyme.',
  'survey.rating.1': 'Très mal',
  'survey.rating.2': 'Mal',
  'survey.rating.3': 'Moyen',
  'survey.rating.4': 'Bien',
  'survey.rating.5': 'Très bien',
  'survey.badQuality': "Le son ou l'image était mauvais",
  'survey.skip': 'Passer',
  'idle.title': 'Êtes-vous toujours là ?',
  'idle.body': "Retour à l'accueil dans {seconds} s.",
  'idle.stillHere': 'Je suis toujours là',
  'maintenance.title': 'Test de maintenance en cours',
  'maintenance.body':
    'La borne vérifie sa connexion avec une image et un son de test. Aucune caméra ni aucun micro n’est utilisé.',
  'maintenance.path': 'Test en cours : {path}',
  'maintenance.path.udp': 'connexion directe (UDP)',
  'maintenance.path.tcp': 'connexion directe (TCP)',
  'maintenance.path.turn': 'connexion par relais',
  'maintenance.preview': 'Image de test renvoyée par le serveur',
  'maintenance.stop': 'Utiliser la borne',
} as const;

export type MessageKey = keyof typeof fr;
/** Every other language must translate every key (checked by the compiler). */
export type Catalogue = SharedCatalogue<MessageKey>;
