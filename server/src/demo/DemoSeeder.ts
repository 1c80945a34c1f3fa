import { randomUUID } from 'node:crypto';
import type { StaffRole } from '@visio/shared/protocol';
import { localDay } from '@visio/shared/time';
import type { AuthModule } from '../auth/AuthModule';
import type { Config } from '../config/config';
import type { SchedulingModule } from '../scheduling/SchedulingModule';
import type { WeeklyHours } from '../scheduling/WeeklyHours';
import type { Store } from '../store';

export const DEMO_PASSWORD = 'visio-demo';

const WEEKDAYS = ['1', '2', '3', '4', '5'] as const;
const everyDay = (
  ranges: [string, string][],
  days: readonly string[] = [...WEEKDAYS, '6', '7'],
): WeeklyHours => Object.fromEntries(days.map((d) => [d, ranges])) as WeeklyHours;

// Demo sites are open from early to late every day so that the demo works whenever it is tried.
const DEMO_SERVICES = [
  {
    key: 'caf',
    name: 'Caisse d’allocations familiales',
    colour: '#0b5cad',
    walkIn: everyDay([['08:00', '20:00']]),
  },
  { key: 'cpam', name: 'Assurance maladie', colour: '#0a6e3f', walkIn: {} },
  {
    key: 'ft',
    name: 'France Travail',
    colour: '#8a1c7c',
    walkIn: everyDay([['14:00', '17:00']], ['2', '4']),
  },
] as const;

/**
 * `officeKm`: road distance from the site to each partner's nearest office (impact report's trips
 * avoided), as a coordinator would set it: the CAF and CPAM of the Cantal are in Aurillac, France
 * Travail has an agency in Saint-Flour.
 */
const DEMO_SITES = [
  {
    key: 'saint-flour',
    name: 'Mairie de Saint-Flour',
    kiosk: 'Saint-Flour — Mairie',
    officeKm: { caf: 72, cpam: 72, ft: 2 },
  },
  {
    key: 'murat',
    name: 'Bureau de poste de Murat',
    kiosk: 'Murat — La Poste',
    officeKm: { caf: 49, cpam: 49, ft: 24 },
  },
] as const;

const DEMO_STAFF: { name: string; login: string; roles: StaffRole[]; services: string[] }[] = [
  { name: 'Camille Martin', login: 'camille', roles: ['advisor'], services: ['caf', 'cpam'] },
  { name: 'Julien Bernard', login: 'julien', roles: ['advisor'], services: ['caf', 'ft'] },
  { name: 'Sophie Laurent', login: 'sophie', roles: ['advisor'], services: ['cpam', 'ft'] },
  { name: 'Nadia Petit', login: 'nadia', roles: ['scheduler'], services: [] },
  { name: 'Luc Moreau', login: 'luc', roles: ['technician'], services: [] },
  { name: 'Admin', login: 'admin', roles: ['admin'], services: [] },
  { name: 'Claire Roux', login: 'claire', roles: ['coordinator'], services: [] },
  { name: 'Inès Haddad', login: 'ines', roles: ['interpreter'], services: [] },
];

export interface DemoReport {
  created: boolean;
  logins: { name: string; login: string; roles: StaffRole[] }[];
  enrolmentLinks: { kiosk: string; path: string }[];
  checkInCodes: { kiosk: string; advisor: string; service: string; startsAt: Date; code: string }[];
}

/**
 * Demo data for `npm start`: on an empty database, 3 services, 2 sites with a kiosk each,
 * 3 advisors, a scheduler, a technician, an admin and a coordinator; on every start, fresh enrolment links for
 * kiosks not yet enrolled, and today's appointments (with their check-in codes) if today has none.
 */
export class DemoSeeder {
  constructor(
    private readonly store: Store,
    private readonly auth: AuthModule,
    private readonly scheduling: SchedulingModule,
    private readonly config: Config,
  ) {}

  async run(now = new Date()): Promise<DemoReport> {
    const db = this.store.db;
    const empty = (await db.selectFrom('services').select('id').limit(1).execute()).length === 0;
    if (empty) await this.createReferenceData(now);
    else await this.createMissingStaff();
    const report: DemoReport = {
      created: empty,
      logins: DEMO_STAFF.map(({ name, login, roles }) => ({ name, login, roles })),
      enrolmentLinks: [],
      checkInCodes: [],
    };
    const pending = await db
      .selectFrom('kiosks')
      .select(['id', 'name'])
      .where('enrolment_state', '=', 'pending')
      .execute();
    for (const kiosk of pending) {
      const issued = await this.auth.enrolment.newEnrolmentCode(kiosk.id, { kind: 'system' });
      report.enrolmentLinks.push({
        kiosk: kiosk.name,
        path: `/kiosk/?enrol=${issued.enrolmentCode}`,
      });
    }
    const { start, end } = localDay(now, this.config.timezone);
    const today = await this.scheduling.appointments.listBetween(start, end);
    if (today.length === 0) report.checkInCodes = await this.createTodaysAppointments(now);
    return report;
  }

  private async createReferenceData(now: Date): Promise<void> {
    const db = this.store.db;
    const at = now.toISOString();
    const serviceIds = new Map<string, string>();
    for (const s of DEMO_SERVICES) {
      const id = randomUUID();
      serviceIds.set(s.key, id);
      await db
        .insertInto('services')
        .values({
          id,
          name: s.name,
          colour: s.colour,
          walk_in_hours: JSON.stringify(s.walkIn),
          created_at: at,
        })
        .execute();
    }
    for (const site of DEMO_SITES) {
      const siteId = randomUUID();
      await db
        .insertInto('sites')
        .values({
          id: siteId,
          name: site.name,
          timezone: this.config.timezone,
          opening_hours: JSON.stringify(everyDay([['07:00', '22:00']])),
          created_at: at,
        })
        .execute();
      await db
        .insertInto('site_services')
        .values(
          [...serviceIds].map(([key, service_id]) => ({
            site_id: siteId,
            service_id,
            office_distance_km: site.officeKm[key as keyof typeof site.officeKm],
          })),
        )
        .execute();
      await this.auth.enrolment.createKiosk({ name: site.kiosk, siteId }, { kind: 'system' });
    }
    for (const person of DEMO_STAFF) {
      await this.auth.accounts.create({
        name: person.name,
        login: person.login,
        password: DEMO_PASSWORD,
        roles: person.roles,
        serviceIds: person.services.map((k) => serviceIds.get(k)!),
      });
    }
  }

  /**
   * Demo accounts added after a database was first seeded (the coordinator), so that every login
   * printed at start works. Only accounts serving no service: the others need the demo services.
   */
  private async createMissingStaff(): Promise<void> {
    const logins = new Set(
      (await this.store.db.selectFrom('staff').select('login').execute()).map((r) => r.login),
    );
    for (const person of DEMO_STAFF) {
      if (logins.has(person.login) || person.services.length > 0) continue;
      await this.auth.accounts.create({
        name: person.name,
        login: person.login,
        password: DEMO_PASSWORD,
        roles: person.roles,
        serviceIds: [],
      });
    }
  }

  /**
   * Today's demo appointments: at each kiosk one starting in five minutes (so a code works at
   * once), then one every hour or so. Written directly: demo slots need not respect the booking
   * rules (they may fall outside opening hours when the demo runs at night).
   */
  private async createTodaysAppointments(now: Date): Promise<DemoReport['checkInCodes']> {
    const db = this.store.db;
    const kiosks = await db
      .selectFrom('kiosks')
      .select(['id', 'name'])
      .where('enrolment_state', '!=', 'revoked')
      .orderBy('name')
      .execute();
    const services = await db
      .selectFrom('services')
      .select(['id', 'name'])
      .orderBy('name')
      .execute();
    const advisors = (await this.scheduling.refs.referenceData()).advisors;
    const codes: DemoReport['checkInCodes'] = [];
    const base = Math.ceil(now.getTime() / 300_000) * 300_000 + 300_000;
    const { end } = localDay(now, this.config.timezone);
    for (const [k, kiosk] of kiosks.entries()) {
      for (let slot = 0; slot < 4; slot++) {
        const startsAt = new Date(base + slot * 75 * 60_000 + k * 5 * 60_000);
        if (slot > 0 && startsAt >= end) break;
        const advisor = advisors[(k + slot) % advisors.length]!;
        const service = services.find((s) => advisor.serviceIds.includes(s.id))!;
        const id = randomUUID();
        const code = this.scheduling.codes.generate();
        await this.scheduling.appointments.insert({
          id,
          kind: 'appointment',
          service_id: service.id,
          advisor_id: advisor.id,
          kiosk_id: kiosk.id,
          starts_at: startsAt.toISOString(),
          duration_min: 30,
          check_in_code_hash: this.scheduling.codes.hash(id, code),
          citizen_ref: `DEMO-${String(k + 1)}${String(slot + 1).padStart(2, '0')}`,
          status: 'scheduled',
          checked_in_at: null,
          call_started_at: null,
          ended_at: null,
          outcome: null,
          created_by: null,
          created_at: now.toISOString(),
          updated_at: now.toISOString(),
        });
        codes.push({
          kiosk: kiosk.name,
          advisor: advisor.name,
          service: service.name,
          startsAt,
          code,
        });
      }
    }
    return codes;
  }
}
