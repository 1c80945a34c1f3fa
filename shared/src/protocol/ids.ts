import { z } from 'zod';

/** Every id on the wire is a random UUID, never a sequence number. */
export const IdSchema = z.uuid();
export type Id = z.infer<typeof IdSchema>;

export const CallRefSchema = z.object({ callId: IdSchema }).strict();
