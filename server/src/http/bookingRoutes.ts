import { Router } from 'express';
import {
  AppointmentIdParamsSchema,
  AppointmentQuerySchema,
  CreateAppointmentSchema,
  MoveAppointmentSchema,
} from '@visio/shared/protocol';
import type { SchedulingModule } from '../scheduling/SchedulingModule';
import { rest } from './rest';

const BOOKERS = ['scheduler', 'advisor', 'admin'] as const;

/** The scheduler's booking API: reference data, and appointments to list, book, move and cancel. */
export function bookingRoutes(scheduling: SchedulingModule): Router {
  const router = Router();
  // Technicians read it too: sites for new kiosks.
  router.get(
    '/reference',
    rest({ roles: [...BOOKERS, 'technician'] }, () => scheduling.refs.referenceData()),
  );
  router.get(
    '/appointments',
    rest({ roles: BOOKERS, query: AppointmentQuerySchema }, async ({ query }, principal) => ({
      appointments: await scheduling.booking.list(
        new Date(query.from),
        new Date(query.to),
        query,
        principal,
      ),
    })),
  );
  router.post(
    '/appointments',
    rest({ roles: BOOKERS, body: CreateAppointmentSchema }, ({ body }, principal) =>
      scheduling.booking.create(body, principal),
    ),
  );
  router.patch(
    '/appointments/:id',
    rest(
      { roles: BOOKERS, params: AppointmentIdParamsSchema, body: MoveAppointmentSchema },
      async ({ params, body }, principal) => ({
        appointment: await scheduling.booking.move(params.id, body, principal),
      }),
    ),
  );
  router.post(
    '/appointments/:id/cancel',
    rest({ roles: BOOKERS, params: AppointmentIdParamsSchema }, async ({ params }, principal) => ({
      appointment: await scheduling.booking.cancel(params.id, principal),
    })),
  );
  return router;
}
