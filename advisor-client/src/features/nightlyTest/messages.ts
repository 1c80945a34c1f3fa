// Nightly test calls as the technician console shows them: each kiosk's last result against its
// site's baseline, the alert's reasons in a sentence, and the action that runs a test now.

export const nightlyTestFr = {
  'console.alert.nightly_degraded': 'Borne {name} : test de nuit moins bon que d’habitude',
  'console.screen.maintenance_test': 'test de maintenance',
  'nightlyTest.col': 'Test de nuit',
  'nightlyTest.none': 'jamais fait',
  'nightlyTest.asUsual': 'comme d’habitude',
  'nightlyTest.path': '{path} : image en {ttff} ms, aller-retour {rtt} ms, pertes {loss} %',
  'nightlyTest.usualRtt': '(habituel {usualRtt} ms)',
  'nightlyTest.pathBlocked': '{path} : injoignable',
  'nightlyTest.unknown': '?',
  'nightlyTest.reason.path_blocked': '{path} bloqué depuis le {since}',
  'nightlyTest.reason.rtt': 'aller-retour {factor} fois l’habituel ({path})',
  'nightlyTest.reason.first_frame':
    'première image {factor} fois plus lente que d’habitude ({path})',
  'nightlyTest.reason.jitter': 'gigue {factor} fois l’habituelle ({path})',
  'nightlyTest.reason.loss': 'pertes en hausse de {points} points ({path})',
  'nightlyTest.reason.bitrate': 'débit vidéo à {percent} % de l’habituel ({path})',
  'nightlyTest.run': 'Tester',
  'nightlyTest.runFor': 'Tester maintenant (test de nuit) : {name}',
} as const;

export const nightlyTestEn: Record<keyof typeof nightlyTestFr, string> = {
  'console.alert.nightly_degraded': 'Kiosk {name}: nightly test worse than usual',
  'console.screen.maintenance_test': 'maintenance test',
  'nightlyTest.col': 'Nightly test',
  'nightlyTest.none': 'never run',
  'nightlyTest.asUsual': 'as usual',
  'nightlyTest.path': '{path}: picture in {ttff} ms, round trip {rtt} ms, loss {loss} %',
  'nightlyTest.usualRtt': '(usual {usualRtt} ms)',
  'nightlyTest.pathBlocked': '{path}: unreachable',
  'nightlyTest.unknown': '?',
  'nightlyTest.reason.path_blocked': '{path} blocked since {since}',
  'nightlyTest.reason.rtt': 'round trip {factor}× the usual ({path})',
  'nightlyTest.reason.first_frame': 'first picture {factor}× slower than usual ({path})',
  'nightlyTest.reason.jitter': 'jitter {factor}× the usual ({path})',
  'nightlyTest.reason.loss': 'loss up {points} points ({path})',
  'nightlyTest.reason.bitrate': 'video bitrate at {percent} % of the usual ({path})',
  'nightlyTest.run': 'Test',
  'nightlyTest.runFor': 'Test now (nightly test): {name}',
};
