import type { Language } from '../../i18n/translate';

/**
 * The on-screen keyboard's rules, apart from its buttons so that they can be unit-tested.
 *
 * Shift works as on a phone, but without timing: one tap gives the next letter in upper case,
 * a second tap in a row locks capitals (a "double tap" that a slow finger can do too), a third
 * releases them.
 */
export type ShiftState = 'off' | 'once' | 'locked';

const DIGITS = '1234567890';
const LETTERS: Record<Language, readonly string[]> = {
  fr: ['azertyuiop', 'qsdfghjklm', "wxcvbn,.?'"],
  en: ['qwertyuiop', 'asdfghjkl@', "zxcvbnm,.?'"],
};
/** French needs these every day (names, addresses); a key each, so a tap is enough. */
const ACCENTS = 'éèêàçù-@';

/** The rows of character keys for a language, lower case: digits, letters, then accents. */
export function keyRows(language: Language): string[][] {
  const accents = [...ACCENTS].filter((c) => !LETTERS[language].some((row) => row.includes(c)));
  return [DIGITS, ...LETTERS[language]].map((row) => [...row]).concat([accents]);
}

/** What a key types in this shift state (é → É, ç → Ç; digits and signs stay as they are). */
export function keyChar(base: string, shift: ShiftState, language: Language): string {
  return shift === 'off' ? base : base.toLocaleUpperCase(language);
}

/** The shift state after a tap on shift. */
export function tapShift(shift: ShiftState): ShiftState {
  return shift === 'off' ? 'once' : shift === 'once' ? 'locked' : 'off';
}

/** The shift state after a character is typed: a one-shot shift is used up, a lock stays. */
export function afterChar(shift: ShiftState): ShiftState {
  return shift === 'once' ? 'off' : shift;
}
