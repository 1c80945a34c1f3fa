import type { Kysely, Migration } from 'kysely';

// Portable DDL only (text, integer, primary/foreign keys, indexes): the same migration runs on
// SQLite and PostgreSQL.

export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('services')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('colour', 'text', (c) => c.notNull())
      .addColumn('walk_in_hours', 'text', (c) => c.notNull().defaultTo('{}'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('sites')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('timezone', 'text', (c) => c.notNull())
      .addColumn('opening_hours', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('site_services')
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id').onDelete('cascade'))
      .addColumn('service_id', 'text', (c) =>
        c.notNull().references('services.id').onDelete('cascade'),
      )
      .addPrimaryKeyConstraint('site_services_pk', ['site_id', 'service_id'])
      .execute();
    await db.schema
      .createTable('kiosks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('site_id', 'text', (c) => c.notNull().references('sites.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('enrolment_state', 'text', (c) => c.notNull())
      .addColumn('enrolment_code_hash', 'text')
      .addColumn('enrolment_expires_at', 'text')
      .addColumn('device_token_hash', 'text', (c) => c.unique())
      .addColumn('out_of_service', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('staff')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('login', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('roles', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('staff_services')
      .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id').onDelete('cascade'))
      .addColumn('service_id', 'text', (c) =>
        c.notNull().references('services.id').onDelete('cascade'),
      )
      .addPrimaryKeyConstraint('staff_services_pk', ['staff_id', 'service_id'])
      .execute();
    await db.schema
      .createTable('staff_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id').onDelete('cascade'))
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('appointments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
      .addColumn('advisor_id', 'text', (c) => c.references('staff.id'))
      .addColumn('kiosk_id', 'text', (c) => c.notNull().references('kiosks.id'))
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('duration_min', 'integer', (c) => c.notNull())
      .addColumn('check_in_code_hash', 'text')
      .addColumn('citizen_ref', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('checked_in_at', 'text')
      .addColumn('call_started_at', 'text')
      .addColumn('ended_at', 'text')
      .addColumn('outcome', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('appointments_kiosk_start')
      .on('appointments')
      .columns(['kiosk_id', 'starts_at'])
      .execute();
    await db.schema
      .createIndex('appointments_advisor_start')
      .on('appointments')
      .columns(['advisor_id', 'starts_at'])
      .execute();
    await db.schema
      .createIndex('appointments_status')
      .on('appointments')
      .columns(['status'])
      .execute();
    await db.schema
      .createTable('call_records')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('appointment_id', 'text')
      .addColumn('kiosk_id', 'text', (c) => c.notNull())
      .addColumn('advisor_id', 'text', (c) => c.notNull())
      .addColumn('service_id', 'text')
      .addColumn('started_at', 'text', (c) => c.notNull())
      .addColumn('ended_at', 'text')
      .addColumn('end_reason', 'text')
      .addColumn('ended_by', 'text')
      .addColumn('quality', 'text')
      .execute();
    await db.schema
      .createIndex('call_records_started')
      .on('call_records')
      .columns(['started_at'])
      .execute();
    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor_kind', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target_type', 'text')
      .addColumn('target_id', 'text')
      .addColumn('details', 'text')
      .execute();
    await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at']).execute();
  },
  async down(db: Kysely<unknown>) {
    for (const table of [
      'audit_log',
      'call_records',
      'appointments',
      'staff_sessions',
      'staff_services',
      'staff',
      'kiosks',
      'site_services',
      'sites',
      'services',
    ]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
