import type { Kysely } from 'kysely';
import type { ReferenceData, StaffRole } from '@visio/shared/protocol';
import type { Database } from '../store';
import { parseWeeklyHours, type WeeklyHours } from './WeeklyHours';

export interface ServiceInfo {
  id: string;
  name: string;
  colour: string;
  walkInHours: WeeklyHours;
}

export interface KioskSite {
  kioskId: string;
  kioskName: string;
  outOfService: boolean;
  site: { id: string; name: string; timezone: string; openingHours: WeeklyHours };
}

/** Services, sites, kiosks and advisors: the reference data booking and check-in read. */
export class ReferenceRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async service(id: string): Promise<ServiceInfo | undefined> {
    const row = await this.db
      .selectFrom('services')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        name: row.name,
        colour: row.colour,
        walkInHours: parseWeeklyHours(row.walk_in_hours),
      }
    );
  }

  /** Whether a kiosk is out of service (undefined: no such kiosk); checked at every check-in. */
  async kioskOutOfService(kioskId: string): Promise<boolean | undefined> {
    const row = await this.db
      .selectFrom('kiosks')
      .select('out_of_service')
      .where('id', '=', kioskId)
      .executeTakeFirst();
    return row && row.out_of_service === 1;
  }

  async kioskSite(kioskId: string): Promise<KioskSite | undefined> {
    const row = await this.db
      .selectFrom('kiosks as k')
      .innerJoin('sites as s', 's.id', 'k.site_id')
      .select([
        'k.id',
        'k.name',
        'k.out_of_service',
        's.id as site_id',
        's.name as site_name',
        's.timezone',
        's.opening_hours',
      ])
      .where('k.id', '=', kioskId)
      .executeTakeFirst();
    return (
      row && {
        kioskId: row.id,
        kioskName: row.name,
        outOfService: row.out_of_service === 1,
        site: {
          id: row.site_id,
          name: row.site_name,
          timezone: row.timezone,
          openingHours: parseWeeklyHours(row.opening_hours),
        },
      }
    );
  }

  /** The services offered at a site, in name order. */
  async servicesAtSite(siteId: string): Promise<ServiceInfo[]> {
    const rows = await this.db
      .selectFrom('site_services as ss')
      .innerJoin('services as s', 's.id', 'ss.service_id')
      .selectAll('s')
      .where('ss.site_id', '=', siteId)
      .orderBy('s.name')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      colour: r.colour,
      walkInHours: parseWeeklyHours(r.walk_in_hours),
    }));
  }

  /** An active staff member with the advisor role, and the services they serve. */
  async advisor(
    staffId: string,
  ): Promise<{ id: string; name: string; serviceIds: string[] } | undefined> {
    const row = await this.db
      .selectFrom('staff')
      .selectAll()
      .where('id', '=', staffId)
      .where('active', '=', 1)
      .executeTakeFirst();
    if (!row || !(JSON.parse(row.roles) as StaffRole[]).includes('advisor')) return undefined;
    return { id: row.id, name: row.name, serviceIds: await this.servicesOf(staffId) };
  }

  async servicesOf(staffId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('staff_services')
      .select('service_id')
      .where('staff_id', '=', staffId)
      .execute();
    return rows.map((r) => r.service_id);
  }

  /** Advisors (active, advisor role) serving a service. */
  async advisorsOfService(serviceId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('staff_services as ss')
      .innerJoin('staff as st', 'st.id', 'ss.staff_id')
      .select(['st.id', 'st.roles'])
      .where('ss.service_id', '=', serviceId)
      .where('st.active', '=', 1)
      .execute();
    return rows
      .filter((r) => (JSON.parse(r.roles) as StaffRole[]).includes('advisor'))
      .map((r) => r.id);
  }

  /** Everything a scheduler's booking form needs. */
  async referenceData(): Promise<ReferenceData> {
    const [services, sites, siteServices, kiosks, staff, staffServices] = await Promise.all([
      this.db.selectFrom('services').selectAll().orderBy('name').execute(),
      this.db.selectFrom('sites').selectAll().orderBy('name').execute(),
      this.db.selectFrom('site_services').selectAll().execute(),
      this.db
        .selectFrom('kiosks')
        .select(['id', 'name', 'site_id'])
        .where('enrolment_state', '!=', 'revoked')
        .orderBy('name')
        .execute(),
      this.db
        .selectFrom('staff')
        .select(['id', 'name', 'roles'])
        .where('active', '=', 1)
        .orderBy('name')
        .execute(),
      this.db.selectFrom('staff_services').selectAll().execute(),
    ]);
    return {
      services: services.map((s) => ({
        id: s.id,
        name: s.name,
        colour: s.colour,
        walkInHours: parseWeeklyHours(s.walk_in_hours),
      })),
      sites: sites.map((s) => ({
        id: s.id,
        name: s.name,
        timezone: s.timezone,
        openingHours: parseWeeklyHours(s.opening_hours),
        serviceIds: siteServices.filter((ss) => ss.site_id === s.id).map((ss) => ss.service_id),
      })),
      kiosks: kiosks.map((k) => ({ id: k.id, name: k.name, siteId: k.site_id })),
      advisors: staff
        .filter((s) => (JSON.parse(s.roles) as StaffRole[]).includes('advisor'))
        .map((s) => ({
          id: s.id,
          name: s.name,
          serviceIds: staffServices.filter((x) => x.staff_id === s.id).map((x) => x.service_id),
        })),
    };
  }
}
