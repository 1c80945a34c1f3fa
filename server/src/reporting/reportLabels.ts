import type { ReportLanguage } from '@visio/shared/protocol';

const fr = {
  title: 'Rapport d’impact Visio-Public',
  period: 'Période',
  generated: 'Établi le',
  level: 'Niveau',
  'level.groups': 'mois × lieu × service',
  'level.bySite': 'total du lieu',
  'level.byService': 'total du service',
  'level.byMonth': 'total du mois',
  'level.total': 'total',
  'level.availability': 'disponibilité lieu × mois',
  month: 'Mois',
  site: 'Lieu',
  service: 'Service partenaire',
  all: 'tous',
  interviews: 'Entretiens tenus',
  noShows: 'Absences',
  waitP50: 'Attente médiane (min)',
  waitP90: 'Attente 90e centile (min)',
  under5: 'Attentes < 5 min',
  from5to15: 'Attentes 5–15 min',
  from15to30: 'Attentes 15–30 min',
  over30: 'Attentes > 30 min',
  calls: 'Appels',
  good: 'Qualité bonne',
  fair: 'Qualité moyenne',
  poor: 'Qualité faible',
  notMeasured: 'Qualité non mesurée',
  incidents: 'Interruptions surmontées',
  realTimeText: 'Appels avec texte en temps réel',
  signOrLipReading: 'Entretiens en lecture labiale ou langue des signes',
  readAloud: 'Appels avec lecture à voix haute',
  inEnglish: 'Appels en anglais',
  interpreter: 'Entretiens avec interprète',
  kmSaved: 'Km évités',
  co2Kg: 'kg CO2e évités',
  availability: 'Disponibilité des bornes (% des heures d’ouverture)',
  distanceMissing: 'Distance non renseignée',
  yes: 'oui',
  no: 'non',
  smallGroups:
    'Les groupes de moins de 5 entretiens sont notés « < 5 » et leurs chiffres masqués (ainsi que ceux qui permettraient de les retrouver).',
  trips:
    'Chaque entretien tenu évite un aller-retour du lieu au bureau le plus proche du partenaire : km = 2 × distance × entretiens ; CO2e = km × {factor} kg/km (voiture moyenne, ADEME). Les totaux ne comptent que les km des groupes affichés (« ≥ »).',
  notRecorded: 'Interprète : appels où un interprète a pris part.',
  availabilityNote:
    'Disponibilité des bornes : part des heures d’ouverture du lieu pendant lesquelles ses bornes étaient en ligne et en service, comptée chaque minute depuis le début de l’enregistrement ; un jour où le serveur était arrêté compte comme indisponible.',
  keyFigures: 'Chiffres clés',
  perService: 'Par service partenaire',
  perMonth: 'Par mois',
  print: 'Imprimez cette page (Ctrl+P) : elle tient sur une feuille A4.',
  hidden: 'masqué',
} as const;

export type ReportLabel = keyof typeof fr;

const en: Record<ReportLabel, string> = {
  title: 'Visio-Public impact report',
  period: 'Period',
  generated: 'Generated on',
  level: 'Level',
  'level.groups': 'month × site × service',
  'level.bySite': 'site total',
  'level.byService': 'service total',
  'level.byMonth': 'month total',
  'level.total': 'total',
  'level.availability': 'availability site × month',
  month: 'Month',
  site: 'Site',
  service: 'Partner service',
  all: 'all',
  interviews: 'Interviews held',
  noShows: 'No-shows',
  waitP50: 'Median wait (min)',
  waitP90: '90th percentile wait (min)',
  under5: 'Waits < 5 min',
  from5to15: 'Waits 5–15 min',
  from15to30: 'Waits 15–30 min',
  over30: 'Waits > 30 min',
  calls: 'Calls',
  good: 'Good quality',
  fair: 'Fair quality',
  poor: 'Poor quality',
  notMeasured: 'Quality not measured',
  incidents: 'Interruptions recovered',
  realTimeText: 'Calls with real-time text',
  signOrLipReading: 'Interviews with lip-reading or sign language',
  readAloud: 'Calls with read-aloud',
  inEnglish: 'Calls in English',
  interpreter: 'Interviews with an interpreter',
  kmSaved: 'Km avoided',
  co2Kg: 'kg CO2e avoided',
  availability: 'Kiosk availability (% of opening hours)',
  distanceMissing: 'Distance not set',
  yes: 'yes',
  no: 'no',
  smallGroups:
    'Groups of fewer than 5 interviews read "< 5" and their figures are hidden (and so are those that would give them away).',
  trips:
    'Each interview held avoids a round trip from the site to the partner’s nearest office: km = 2 × distance × interviews; CO2e = km × {factor} kg/km (average car, ADEME). Totals count the km of the groups shown only (“≥”).',
  notRecorded: 'Interpreter: calls an interpreter took part in.',
  availabilityNote:
    'Kiosk availability: the share of the site’s opening hours during which its kiosks were online and in service, counted every minute since recording began; a day the server was down counts as unavailable.',
  keyFigures: 'Key figures',
  perService: 'Per partner service',
  perMonth: 'Per month',
  print: 'Print this page (Ctrl+P): it fits one A4 sheet.',
  hidden: 'hidden',
};

/** The report's wording in the CSV and the printable page (the staff app has its own catalogue). */
export function reportLabels(language: ReportLanguage): Record<ReportLabel, string> {
  return language === 'fr' ? fr : en;
}

/** A number as the language writes it (decimal comma in French), `—` for none. */
export function formatNumber(value: number | string | null, language: ReportLanguage): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  return new Intl.NumberFormat(language === 'fr' ? 'fr-FR' : 'en-GB', {
    maximumFractionDigits: 1,
    useGrouping: false,
  }).format(value);
}
