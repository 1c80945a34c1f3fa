// Three-way calls: the advisor invites an interpreter; the interpreter joins with a code.

export const interpretFr = {
  'nav.interpret': 'Interprétation',
  'interpret.kind.lsf': 'Langue des signes française (LSF)',
  'interpret.kind.lpc': 'Langue française parlée complétée (LPC)',
  'interpret.kind.spoken': 'Langue parlée',
  'interpret.short.lsf': 'LSF',
  'interpret.short.lpc': 'LPC',
  'interpret.short.spoken': 'langue : {language}',
  'interpret.role': 'Interprète ({kind})',
  'interpret.video': 'Vidéo de l’interprète ({kind})',

  'invite.title': 'Interprète',
  'invite.kind': 'Interprétation',
  'invite.language': 'Langue parlée',
  'invite.submit': 'Inviter un interprète',
  'invite.again': 'Nouveau code',
  'invite.code': 'Code à donner à l’interprète :',
  'invite.link': 'Ou ce lien :',
  'invite.once': 'Code à usage unique, valable jusqu’à la fin de l’appel.',
  'invite.present': 'Interprète dans l’appel : {kind}',

  'interpret.title': 'Rejoindre un appel comme interprète',
  'interpret.intro': 'Saisissez le code que le conseiller vous a donné.',
  'interpret.code': 'Code d’invitation',
  'interpret.join': 'Rejoindre l’appel',
  'interpret.error.interpreter_code_unknown': 'Ce code n’existe pas. Vérifiez-le.',
  'interpret.error.interpreter_code_used': 'Ce code a déjà servi.',
  'interpret.error.interpreter_code_expired':
    'Ce code a expiré : l’appel est terminé ou un autre code l’a remplacé.',
  'interpret.error.interpreter_present': 'Un interprète est déjà dans cet appel.',
  'interpret.error.interpreter_in_call': 'Vous êtes déjà dans un appel.',
  'interpret.error.other': 'Impossible de rejoindre l’appel. Réessayez.',

  'guest.title': 'Interprète sans compte ?',
  'guest.intro': 'Rejoignez l’appel avec ce lien d’invitation, sans vous connecter.',
  'guest.join': 'Continuer comme interprète invité',

  'interpreting.title': 'Interprétation — {name}',
  'interpreting.kiosk': 'Vidéo de l’usager ({name})',
  'interpreting.kioskCaption': 'Usager',
  'interpreting.advisor': 'Vidéo du conseiller',
  'interpreting.advisorCaption': 'Conseiller',
  'interpreting.leave': 'Quitter l’appel',
  'interpreting.waitingVideo': 'En attente de l’image…',
  'interpreting.advisorAway': 'Le conseiller se reconnecte… (depuis {seconds} s)',
} as const;

export const interpretEn: Record<keyof typeof interpretFr, string> = {
  'nav.interpret': 'Interpreting',
  'interpret.kind.lsf': 'French Sign Language (LSF)',
  'interpret.kind.lpc': 'Cued speech (LPC)',
  'interpret.kind.spoken': 'Spoken language',
  'interpret.short.lsf': 'LSF',
  'interpret.short.lpc': 'LPC',
  'interpret.short.spoken': 'language: {language}',
  'interpret.role': 'Interpreter ({kind})',
  'interpret.video': 'Video of the interpreter ({kind})',

  'invite.title': 'Interpreter',
  'invite.kind': 'Interpretation',
  'invite.language': 'Spoken language',
  'invite.submit': 'Invite an interpreter',
  'invite.again': 'New code',
  'invite.code': 'Code to give the interpreter:',
  'invite.link': 'Or this link:',
  'invite.once': 'Single-use code, valid until the call ends.',
  'invite.present': 'Interpreter in the call: {kind}',

  'interpret.title': 'Join a call as its interpreter',
  'interpret.intro': 'Enter the code the advisor gave you.',
  'interpret.code': 'Invitation code',
  'interpret.join': 'Join the call',
  'interpret.error.interpreter_code_unknown': 'There is no such code. Please check it.',
  'interpret.error.interpreter_code_used': 'This code was used already.',
  'interpret.error.interpreter_code_expired':
    'This code expired: the call is over, or another code replaced it.',
  'interpret.error.interpreter_present': 'An interpreter is in this call already.',
  'interpret.error.interpreter_in_call': 'You are in a call already.',
  'interpret.error.other': 'The call could not be joined. Please try again.',

  'guest.title': 'Interpreter without an account?',
  'guest.intro': 'Join the call with this invitation link, without signing in.',
  'guest.join': 'Continue as a guest interpreter',

  'interpreting.title': 'Interpreting — {name}',
  'interpreting.kiosk': 'Video of the citizen ({name})',
  'interpreting.kioskCaption': 'Citizen',
  'interpreting.advisor': 'Video of the advisor',
  'interpreting.advisorCaption': 'Advisor',
  'interpreting.leave': 'Leave the call',
  'interpreting.waitingVideo': 'Waiting for the picture…',
  'interpreting.advisorAway': 'The advisor is reconnecting… (for {seconds} s)',
};

/** Spoken languages offered first for an interpretation (codes: BCP 47). */
export const SPOKEN_LANGUAGES = [
  'en',
  'ar',
  'es',
  'pt',
  'ro',
  'tr',
  'uk',
  'ru',
  'zh',
  'fa',
] as const;
