import { randomUUID } from 'node:crypto';
import { AuthModule, Store, createLogger, loadConfig } from '@visio/server';
import { AppointmentRepository } from '../../server/src/scheduling/AppointmentRepository';
import { CheckInCodes } from '../../server/src/scheduling/CheckInCodes';

// Fills a fresh data directory the way the server's own services would (kiosks enrolled through
// KioskEnrolment, advisors created and signed in through StaffAccounts/SessionService, codes
// hashed with the server's check-in key), then closes it so the server child process owns it.

/** Cheap scrypt for 100 accounts; the hash carries its parameters, so the server verifies it. */
const CHEAP_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };
const ALL_DAY = JSON.stringify(
  Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '24:00']]])),
);

export interface SeededKiosk {
  kioskId: string;
  token: string;
  /** The kiosk's appointment to check in, if it has one. */
  appointment?: { id: string; code: string; advisor: number };
}

export interface SeededAdvisor {
  staffId: string;
  token: string;
}

export interface Seed {
  serviceId: string;
  kiosks: SeededKiosk[];
  advisors: SeededAdvisor[];
}

/**
 * `kiosks` enrolled kiosks at one site open all day, `advisors` advisors serving one service, and
 * one appointment (advisor `i % advisors`, starting in 5 minutes, inside the check-in window) for
 * each kiosk `i` for which `hasAppointment(i)`.
 */
export async function seed(
  dataDir: string,
  counts: { kiosks: number; advisors: number; hasAppointment: (i: number) => boolean },
): Promise<Seed> {
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dataDir,
    DEMO_SEED: 'false',
    LOG_LEVEL: 'silent',
    PORT: '0',
  });
  const logger = createLogger('silent');
  const store = await Store.open({ sqliteFile: config.data.sqliteFile });
  const auth = await AuthModule.create({ store, config, logger, passwordCost: CHEAP_SCRYPT });
  try {
    const db = store.db;
    const at = new Date().toISOString();
    const serviceId = randomUUID();
    const siteId = randomUUID();
    await db
      .insertInto('services')
      .values({
        id: serviceId,
        name: 'Bench service',
        colour: '#0b5cad',
        walk_in_hours: ALL_DAY,
        created_at: at,
      })
      .execute();
    await db
      .insertInto('sites')
      .values({
        id: siteId,
        name: 'Bench site',
        timezone: config.timezone,
        opening_hours: ALL_DAY,
        created_at: at,
      })
      .execute();
    await db
      .insertInto('site_services')
      .values({ site_id: siteId, service_id: serviceId })
      .execute();

    const kiosks: SeededKiosk[] = [];
    for (let i = 0; i < counts.kiosks; i++) {
      const issued = await auth.enrolment.createKiosk(
        { name: `Bench kiosk ${String(i).padStart(4, '0')}`, siteId },
        { kind: 'system' },
      );
      const enrolled = await auth.enrolment.enrol(issued.enrolmentCode, 'bench-seed');
      kiosks.push({ kioskId: enrolled.kioskId, token: enrolled.deviceToken });
    }

    const advisors: SeededAdvisor[] = [];
    for (let i = 0; i < counts.advisors; i++) {
      const login = `bench-advisor-${i}`;
      const password = `bench-password-${i}`;
      const account = await auth.accounts.create({
        name: `Advisor ${i}`,
        login,
        password,
        roles: ['advisor'],
        serviceIds: [serviceId],
      });
      const session = await auth.sessions.login({ login, password, client: 'bench-seed' });
      advisors.push({ staffId: account.staffId, token: session.token });
    }

    // Exactly as the server keys them (VisioServer → SchedulingModule → CheckInCodes).
    const codes = new CheckInCodes(auth.secret.keyFor('check-in-codes'));
    const appointments = new AppointmentRepository(db);
    const startsAt = new Date(Date.now() + 5 * 60_000).toISOString();
    await db.transaction().execute(async (trx) => {
      for (const [i, kiosk] of kiosks.entries()) {
        if (!counts.hasAppointment(i)) continue;
        const advisor = i % counts.advisors;
        const id = randomUUID();
        const code = codes.generate();
        await appointments.insert(
          {
            id,
            kind: 'appointment',
            service_id: serviceId,
            advisor_id: advisors[advisor]!.staffId,
            kiosk_id: kiosk.kioskId,
            starts_at: startsAt,
            duration_min: 30,
            check_in_code_hash: codes.hash(id, code),
            citizen_ref: `BENCH-${i}`,
            status: 'scheduled',
            checked_in_at: null,
            call_started_at: null,
            ended_at: null,
            outcome: null,
            created_by: null,
            created_at: at,
            updated_at: at,
          },
          trx,
        );
        kiosk.appointment = { id, code, advisor };
      }
    });
    return { serviceId, kiosks, advisors };
  } finally {
    auth.close();
    await store.close();
  }
}
