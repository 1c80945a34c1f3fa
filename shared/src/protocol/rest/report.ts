import { z } from 'zod';
import { IdSchema } from '../ids';

// The impact report for the region and its partners (`/api/report*`, coordinator and admin):
// aggregates only. No person, no citizen reference, no staff name; a group of fewer than
// `MIN_GROUP_SIZE` is never given as a number, nor can it be worked out from the other figures.

/** Groups smaller than this are shown as `SMALL_GROUP` (statistical confidentiality). */
export const MIN_GROUP_SIZE = 5;
export const SMALL_GROUP = '< 5';

/** The longest period one report covers, in months. */
export const REPORT_MAX_MONTHS = 24;

/** A calendar month, `YYYY-MM` (months are counted in UTC). */
export const ReportMonthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');

export const ReportLanguageSchema = z.enum(['fr', 'en']);
export type ReportLanguage = z.infer<typeof ReportLanguageSchema>;

/**
 * Query of `GET /api/report`, `/api/report.csv` and `/api/report/print`: whole months from `from`
 * to `to` included (default: the last 12), optionally one site and/or one service. Unknown keys
 * are refused. The server refuses a period that ends before it starts or spans more than
 * `REPORT_MAX_MONTHS` (INVALID_INPUT), and an unknown site or service (NOT_FOUND).
 */
export const ReportQuerySchema = z
  .object({
    from: ReportMonthSchema.optional(),
    to: ReportMonthSchema.optional(),
    siteId: IdSchema.optional(),
    serviceId: IdSchema.optional(),
    /** Language of the CSV headings and of the printable page. */
    lang: ReportLanguageSchema.default('fr'),
  })
  .strict();
export type ReportQuery = z.input<typeof ReportQuerySchema>;

/** A count of people, or `< 5` for a small group. */
export const GroupCountSchema = z.union([z.number().int().min(0), z.literal(SMALL_GROUP)]);
export type GroupCount = z.infer<typeof GroupCountSchema>;

/** Waits from check-in (or the appointment's time, if later) to the call's start, in minutes. */
export const WaitFiguresSchema = z.object({
  p50Min: z.number().min(0).nullable(),
  p90Min: z.number().min(0).nullable(),
  under5: z.number().int().min(0),
  from5to15: z.number().int().min(0),
  from15to30: z.number().int().min(0),
  over30: z.number().int().min(0),
});
export type WaitFigures = z.infer<typeof WaitFiguresSchema>;

/** The calls' quality verdicts (as the technician console judges them) and interruptions. */
export const QualityFiguresSchema = z.object({
  calls: z.number().int().min(0),
  good: z.number().int().min(0),
  fair: z.number().int().min(0),
  poor: z.number().int().min(0),
  notMeasured: z.number().int().min(0),
  /** Interruptions the calls recovered from (media moved, a party reconnecting). */
  incidents: z.number().int().min(0),
});
export type QualityFigures = z.infer<typeof QualityFiguresSchema>;

/** Accessibility features used. `interpreter`: calls an interpreter took part in. */
export const AccessibilityFiguresSchema = z.object({
  /** Calls in which real-time text was used. */
  realTimeText: z.number().int().min(0),
  /** Interviews booked for a citizen who lip-reads or signs (video kept at 20 fps). */
  signOrLipReading: z.number().int().min(0),
  /** Calls during which the kiosk read its screen aloud. */
  readAloud: z.number().int().min(0),
  /** Calls the kiosk showed in English (the citizen's choice; French is the default). */
  inEnglish: z.number().int().min(0),
  interpreter: z.number().int().min(0),
});
export type AccessibilityFigures = z.infer<typeof AccessibilityFiguresSchema>;

/** Trips avoided: a round trip from the site to the partner's nearest office per interview. */
export const TripFiguresSchema = z.object({
  kmSaved: z.number().min(0),
  co2Kg: z.number().min(0),
  /** Some interviews are of a (site, service) with no distance set: not counted in the km. */
  distanceMissing: z.boolean(),
  /**
   * A total adds up the trips of the month × site × service groups it shows only: a hidden
   * group's km, weighed by its known distance, could give its interviews away. True when some
   * were left out.
   */
  hiddenLeftOut: z.boolean(),
});
export type TripFigures = z.infer<typeof TripFiguresSchema>;

/**
 * One group of the report: a month × site × service, or a total over one of them (the fields
 * left null are the ones summed over). When `suppressed`, the group is small (or would let a
 * small one be worked out): `interviews` is `< 5` and every figure drawn from the interviews is
 * null.
 */
export const ReportGroupSchema = z.object({
  month: ReportMonthSchema.nullable(),
  siteId: IdSchema.nullable(),
  serviceId: IdSchema.nullable(),
  suppressed: z.boolean(),
  interviews: GroupCountSchema,
  noShows: GroupCountSchema,
  waits: WaitFiguresSchema.nullable(),
  quality: QualityFiguresSchema.nullable(),
  accessibility: AccessibilityFiguresSchema.nullable(),
  trips: TripFiguresSchema.nullable(),
});
export type ReportGroup = z.infer<typeof ReportGroupSchema>;

export const ReportPlaceSchema = z.object({ id: IdSchema, name: z.string() });
export type ReportPlace = z.infer<typeof ReportPlaceSchema>;

/**
 * Kiosk availability: the share of its site's opening hours a kiosk was usable (online and in
 * service), summed over a site's kiosks for a month (`month` null: the whole period; `siteId`
 * null: every site). Devices only: no small-group rule applies. `percent` is null where no opening
 * hour was counted (no kiosk, or nothing recorded yet).
 */
export const KioskAvailabilitySchema = z.object({
  siteId: IdSchema.nullable(),
  month: ReportMonthSchema.nullable(),
  kiosks: z.number().int(),
  openHours: z.number(),
  usableHours: z.number(),
  percent: z.number().nullable(),
});
export type KioskAvailability = z.infer<typeof KioskAvailabilitySchema>;

/** Answer of `GET /api/report`. */
export const ImpactReportSchema = z.object({
  from: ReportMonthSchema,
  to: ReportMonthSchema,
  generatedAt: z.string(),
  minGroupSize: z.number().int(),
  /** kg CO2e per km (REPORT_CAR_KG_CO2E_PER_KM; ADEME's average car by default). */
  carKgCo2ePerKm: z.number(),
  /** Every site and service (names for the groups' ids, and the filters). */
  sites: z.array(ReportPlaceSchema),
  services: z.array(ReportPlaceSchema),
  /** Month × site × service, in that order. */
  groups: z.array(ReportGroupSchema),
  bySite: z.array(ReportGroupSchema),
  byService: z.array(ReportGroupSchema),
  byMonth: z.array(ReportGroupSchema),
  total: ReportGroupSchema,
  /** Per site × month, then each site over the period, then every site. */
  availability: z.array(KioskAvailabilitySchema),
});
export type ImpactReport = z.infer<typeof ImpactReportSchema>;

// ---- Distances (admin)

/** One (site, service) pair and its distance to the partner's nearest office, km (null: unset). */
export const OfficeDistanceSchema = z.object({
  siteId: IdSchema,
  serviceId: IdSchema,
  km: z.number().min(0).max(1000).nullable(),
});
export type OfficeDistance = z.infer<typeof OfficeDistanceSchema>;

/** `GET /api/report/distances` (coordinator, admin). */
export const OfficeDistancesResponseSchema = z.object({ distances: z.array(OfficeDistanceSchema) });

/** `PUT /api/report/distances` (admin): sets the distance of one pair the site serves. */
export const SetOfficeDistanceBodySchema = OfficeDistanceSchema.strict();
export type SetOfficeDistanceBody = z.infer<typeof SetOfficeDistanceBodySchema>;
