export const loginFr = {
  'login.title': 'Connexion',
  'login.intro': 'Espace des conseillers, des agents d’accueil et des techniciens.',
  'login.user': 'Identifiant',
  'login.password': 'Mot de passe',
  'login.submit': 'Se connecter',
  'login.pending': 'Connexion…',
  'login.checking': 'Vérification de votre session…',
  'login.expired': 'Votre session a expiré. Reconnectez-vous pour continuer.',
  'login.signedOut': 'Vous êtes déconnecté(e).',
  'login.error.bad_credentials': 'Identifiant ou mot de passe incorrect.',
  'login.error.RATE_LIMITED':
    'Trop de tentatives de connexion. Pour protéger le compte, réessayez dans {time}.',
  'login.error.RATE_LIMITED.done': 'Vous pouvez réessayer maintenant.',
  'login.error.missing': 'Saisissez votre identifiant et votre mot de passe.',
} as const;

export const loginEn: { readonly [K in keyof typeof loginFr]: string } = {
  'login.title': 'Sign in',
  'login.intro': 'For advisors, front-desk staff and technicians.',
  'login.user': 'Login',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.pending': 'Signing in…',
  'login.checking': 'Checking your session…',
  'login.expired': 'Your session has expired. Sign in again to continue.',
  'login.signedOut': 'You are signed out.',
  'login.error.bad_credentials': 'Wrong login or password.',
  'login.error.RATE_LIMITED':
    'Too many sign-in attempts. To protect the account, try again in {time}.',
  'login.error.RATE_LIMITED.done': 'You can try again now.',
  'login.error.missing': 'Type your login and your password.',
};
