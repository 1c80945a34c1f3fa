import { z } from 'zod';
import { AppError } from './errors';

// A surrogate half without its other half: not a character, and invalid once encoded as UTF-8.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// C0 and C1 controls (NUL included), line and paragraph separators, and the bidirectional
// embeddings, overrides and isolates that can make a name read differently from what it is.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
// Markup: no place, kiosk, service or person is named with angle brackets, and a name that
// carries a tag is waiting for a screen, print-out or e-mail that does not escape it (React does;
// a webhook receiver or a future export may not). Quotes and ampersands stay: "Mairie d'Aurillac".
const MARKUP = /[<>]/;

/**
 * A name people type and other people read (kiosk, site, service, staff member, citizen
 * reference): NFC-normalised, trimmed, runs of white space made one space, then 1 to
 * `maxLength` characters with no control characters, no lone surrogates and no `<` or `>`.
 * Every entry point that takes such a name validates it with this schema.
 */
export function displayNameSchema(maxLength: number) {
  return z
    .string()
    .max(maxLength * 4) // bounded before any work is done on it
    .refine((s) => !LONE_SURROGATE.test(s), 'contains an invalid character (lone surrogate)')
    .transform((s) => s.normalize('NFC').trim().replace(/\s+/gu, ' '))
    .pipe(
      z
        .string()
        .min(1, 'is empty')
        .max(maxLength, `is longer than ${maxLength} characters`)
        .refine((s) => !CONTROL.test(s), 'contains a control character')
        .refine((s) => !MARKUP.test(s), 'contains < or >'),
    );
}

/** Kiosks, sites, services and staff members. */
export const DisplayNameSchema = displayNameSchema(100);

/**
 * The normalised name, or INVALID_INPUT saying what is wrong with it: for services that take a
 * name from elsewhere than a validated request (seeding, administration scripts).
 */
export function normalizedDisplayName(value: string): string {
  const parsed = DisplayNameSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new AppError('INVALID_INPUT', `Invalid name: ${parsed.error.issues[0]?.message ?? ''}`);
}
