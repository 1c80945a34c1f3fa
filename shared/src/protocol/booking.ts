import { z } from 'zod';
import { IdSchema } from './ids';
import { displayNameSchema } from './names';
import { AppointmentViewSchema } from './scheduling';

// REST bodies of the scheduler's booking API (/api/appointments and the reference data).

const isoTime = z.iso.datetime({ offset: true });

export const CreateAppointmentSchema = z
  .object({
    serviceId: IdSchema,
    advisorId: IdSchema,
    kioskId: IdSchema,
    startsAt: isoTime,
    durationMin: z.number().int().min(10).max(120),
    /** A minimal reference (file number, initials): never a life story. */
    citizenRef: displayNameSchema(64),
    /**
     * The citizen lip-reads or signs: both cameras keep 20 fps at QVGA or give way to audio +
     * real-time text (docs/degradation.md). Default false.
     */
    signOrLipReading: z.boolean().optional(),
  })
  .strict();
export type CreateAppointment = z.infer<typeof CreateAppointmentSchema>;

export const MoveAppointmentSchema = z
  .object({
    startsAt: isoTime.optional(),
    durationMin: z.number().int().min(10).max(120).optional(),
    advisorId: IdSchema.optional(),
    kioskId: IdSchema.optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export type MoveAppointment = z.infer<typeof MoveAppointmentSchema>;

export const AppointmentQuerySchema = z
  .object({
    from: isoTime,
    to: isoTime,
    advisorId: IdSchema.optional(),
    kioskId: IdSchema.optional(),
  })
  .strict();

export const AppointmentIdParamsSchema = z.object({ id: IdSchema });

/** Creation answers the check-in code once: it is stored only as a hash. */
export const CreatedAppointmentSchema = z.object({
  appointment: AppointmentViewSchema,
  checkInCode: z.string().regex(/^\d{6}$/),
});

const WeeklyHoursSchema = z.partialRecord(
  z.enum(['1', '2', '3', '4', '5', '6', '7']),
  z.array(z.tuple([z.string(), z.string()])),
);

export const ReferenceDataSchema = z.object({
  services: z.array(
    z.object({
      id: IdSchema,
      name: z.string(),
      colour: z.string(),
      walkInHours: WeeklyHoursSchema,
    }),
  ),
  sites: z.array(
    z.object({
      id: IdSchema,
      name: z.string(),
      timezone: z.string(),
      openingHours: WeeklyHoursSchema,
      serviceIds: z.array(IdSchema),
    }),
  ),
  kiosks: z.array(z.object({ id: IdSchema, name: z.string(), siteId: IdSchema })),
  advisors: z.array(z.object({ id: IdSchema, name: z.string(), serviceIds: z.array(IdSchema) })),
});
export type ReferenceData = z.infer<typeof ReferenceDataSchema>;
