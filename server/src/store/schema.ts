import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

// The database as Kysely sees it. Times are ISO-8601 UTC strings (`2026-11-27T09:30:00.000Z`):
// they sort as text and mean the same in SQLite and PostgreSQL. JSON columns hold text.
// Ids are random UUIDs. Secrets are stored only as hashes.

export interface ServiceTable {
  id: string;
  name: string;
  /** CSS colour of the service's button and badges, e.g. `#0b5cad`. */
  colour: string;
  /** JSON `WeeklyHours`: walk-in slots in the site's local time. `{}` = appointments only. */
  walk_in_hours: string;
  created_at: string;
}

export interface SiteTable {
  id: string;
  name: string;
  /** IANA time zone of the site, e.g. `Europe/Paris`. */
  timezone: string;
  /** JSON `WeeklyHours`: when the host site is open (bookings must fit inside). */
  opening_hours: string;
  created_at: string;
}

export interface SiteServiceTable {
  site_id: string;
  service_id: string;
  /** Road distance from the site to the service's nearest office (impact report); null = not set. */
  office_distance_km: Generated<number | null>;
}

export interface KioskTable {
  id: string;
  site_id: string;
  name: string;
  enrolment_state: 'pending' | 'enrolled' | 'revoked';
  /** HMAC of the one-time enrolment code while pending. */
  enrolment_code_hash: string | null;
  enrolment_expires_at: string | null;
  /** SHA-256 of the device token once enrolled. */
  device_token_hash: string | null;
  out_of_service: Generated<number>;
  created_at: string;
}

export interface StaffTable {
  id: string;
  name: string;
  login: string;
  /** `scrypt$N$r$p$salt$hash` (base64url parts). */
  password_hash: string;
  /** JSON array of roles: advisor, scheduler, technician, admin. */
  roles: string;
  active: Generated<number>;
  created_at: string;
}

export interface StaffServiceTable {
  staff_id: string;
  service_id: string;
}

export interface StaffSessionTable {
  id: string;
  staff_id: string;
  /** SHA-256 of the session token held in the httpOnly cookie. */
  token_hash: string;
  created_at: string;
  expires_at: string;
}

export type AppointmentStatus =
  'scheduled' | 'checked_in' | 'in_call' | 'completed' | 'no_show' | 'cancelled' | 'failed';

export interface AppointmentTable {
  id: string;
  kind: 'appointment' | 'walk_in';
  service_id: string;
  /** The scheduled advisor; for a walk-in, the advisor who took it (null while queued). */
  advisor_id: string | null;
  kiosk_id: string;
  starts_at: string;
  duration_min: number;
  /** HMAC of the 6-digit check-in code; null for walk-ins. */
  check_in_code_hash: string | null;
  /** A minimal citizen reference (e.g. a file number); never a life story. */
  citizen_ref: string;
  /** 1: the citizen lip-reads or signs; the call's video keeps 20 fps at QVGA (0/1). */
  sign_or_lip_reading: Generated<number>;
  status: AppointmentStatus;
  checked_in_at: string | null;
  call_started_at: string | null;
  ended_at: string | null;
  /** Set when the advisor vanished mid-call: the citizen waits again at the head of the queue. */
  handed_back_at: string | null;
  /**
   * Warm transfer: the appointment this one takes over in the same call (the citizen's, then a
   * colleague's); null otherwise. Its wait is the first one's: the report counts it once.
   */
  transferred_from: string | null;
  /** The grade of the link test run for this citizen at the kiosk (`LinkGrade`); null before. */
  link_grade: 'good' | 'fair' | 'audio_only' | 'impossible' | null;
  outcome: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface CallRecordTable {
  id: string;
  appointment_id: string | null;
  kiosk_id: string;
  advisor_id: string;
  service_id: string | null;
  started_at: string;
  ended_at: string | null;
  end_reason: string | null;
  ended_by: string | null;
  /** JSON quality summary (bitrate, loss, jitter, RTT) filled by monitoring. */
  quality: string | null;
  /** The citizen's survey: 1 (bad) … 5 (very good), and "the sound or picture was bad". */
  survey_rating: Generated<number | null>;
  survey_bad_quality: Generated<number | null>;
  survey_at: Generated<string | null>;
  /** media_unreachable: JSON MediaStartFailure (paths and ICE states), else null. */
  media_failure: Generated<string | null>;
  /** 1 once a real-time text message went in the call (impact report); never the text. */
  text_used: Generated<number>;
  /** 1 once the kiosk said read-aloud was on during the call. */
  read_aloud: Generated<number>;
  /** The language the kiosk last said it showed during the call; null if it never said. */
  kiosk_language: Generated<'fr' | 'en' | null>;
  /** The interpretation given in the call (`lsf`, `lpc`, `spoken:<language>`); null: none. */
  interpreter: Generated<string | null>;
}

export interface AuditLogTable {
  id: string;
  at: string;
  actor_kind: 'staff' | 'kiosk' | 'system';
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  /** JSON details: ids and codes of outcomes, never personal data. */
  details: string | null;
}

/** A call in progress, kept so that a restarted server restores it; deleted when it ends. */
export interface LiveCallTable {
  id: string;
  kiosk_id: string;
  advisor_id: string;
  appointment_id: string | null;
  service_id: string | null;
  /** Device and staff display names (never a citizen's). */
  kiosk_name: string;
  advisor_name: string;
  started_at: string;
  media_epoch: number;
  /** The node incarnation carrying it when nodes share the database; null on one node. */
  node_id: string | null;
  /** The interpreter taking part (their principal id and `lsf` / `lpc` / `spoken:<language>`). */
  interpreter_id: Generated<string | null>;
  interpretation: Generated<string | null>;
}

/** The real-time text of a call in progress; deleted with the call. */
export interface LiveCallMessageTable {
  id: string;
  call_id: string;
  from_party: 'kiosk' | 'advisor' | 'interpreter';
  text: string;
  at: string;
}

/**
 * A document shared in a call in progress (its bytes on the carrying node's disk, and in `content`
 * when nodes share the database); deleted with the call.
 */
export interface LiveCallDocumentTable {
  id: string;
  call_id: string;
  name: string;
  type: 'application/pdf' | 'image/jpeg' | 'image/png';
  size: number;
  from_party: 'kiosk' | 'advisor';
  at: string;
  /** The bytes, base64, kept only when several nodes share the database (for an adoption). */
  content: string | null;
}

/** An interruption of a call: cause and duration only. */
export interface CallIncidentTable {
  id: string;
  call_id: string;
  cause: string;
  started_at: string;
  duration_ms: number | null;
}

/** One pre-call link test of a kiosk: figures of its line, nothing of the citizen. */
export interface NightlyTestTable {
  id: string;
  kiosk_id: string;
  site_id: string;
  at: string;
  trigger: 'schedule' | 'technician';
  /** JSON array of `NightlyPathFigures`. */
  paths: string;
}

export interface LinkTestTable {
  id: string;
  kiosk_id: string;
  at: string;
  grade: 'good' | 'fair' | 'audio_only' | 'impossible';
  /** JSON array of `LinkLimit`. */
  limits: string;
  /** Booleans as 0/1; `turn` null when no relay was offered. */
  udp: number;
  tcp: number;
  turn: number | null;
  measured_path: 'udp' | 'tcp' | 'turn' | null;
  rtt_ms: number | null;
  loss_pct: number | null;
  throughput_kbps: number | null;
}

/** Per kiosk and local day of its site ("YYYY-MM-DD"): minutes of opening hours it was usable. */
export interface KioskAvailabilityTable {
  kiosk_id: string;
  day: string;
  online_minutes: number;
}

/**
 * Each warm-transfer offer of a call and how it ended, in order: who handed to whom (staff ids,
 * never the private note), for which service and appointments.
 */
export interface CallTransferTable {
  id: string;
  call_id: string;
  from_advisor_id: string;
  to_advisor_id: string;
  to_service_id: string;
  /** The citizen's appointment when offered, and the colleague's made on acceptance. */
  from_appointment_id: string | null;
  to_appointment_id: string | null;
  offered_at: string;
  decided_at: string;
  outcome: 'accepted' | 'declined' | 'expired' | 'cancelled' | 'call_ended';
}

export interface Database {
  services: ServiceTable;
  sites: SiteTable;
  site_services: SiteServiceTable;
  kiosks: KioskTable;
  staff: StaffTable;
  staff_services: StaffServiceTable;
  staff_sessions: StaffSessionTable;
  appointments: AppointmentTable;
  call_records: CallRecordTable;
  live_calls: LiveCallTable;
  live_call_messages: LiveCallMessageTable;
  live_call_documents: LiveCallDocumentTable;
  call_incidents: CallIncidentTable;
  audit_log: AuditLogTable;
  link_tests: LinkTestTable;
  nightly_tests: NightlyTestTable;
  kiosk_availability: KioskAvailabilityTable;
  call_transfers: CallTransferTable;
}

export type ServiceRow = Selectable<ServiceTable>;
export type SiteRow = Selectable<SiteTable>;
export type KioskRow = Selectable<KioskTable>;
export type StaffRow = Selectable<StaffTable>;
export type AppointmentRow = Selectable<AppointmentTable>;
export type NewAppointment = Insertable<AppointmentTable>;
export type AppointmentUpdate = Updateable<AppointmentTable>;
export type CallRecordRow = Selectable<CallRecordTable>;
