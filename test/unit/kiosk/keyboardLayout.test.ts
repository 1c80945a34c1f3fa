import { describe, expect, it } from 'vitest';
import {
  afterChar,
  keyChar,
  keyRows,
  tapShift,
  type ShiftState,
} from '../../../kiosk-client/src/features/call/keyboardLayout';

/** Types base keys (or '⇧' for a tap on shift) and returns the text and the shift state left. */
function typeKeys(keys: string[], language: 'fr' | 'en'): { text: string; shift: ShiftState } {
  let shift: ShiftState = 'off';
  let text = '';
  for (const key of keys) {
    if (key === '⇧') {
      shift = tapShift(shift);
    } else {
      text += keyChar(key, shift, language);
      shift = afterChar(shift);
    }
  }
  return { text, shift };
}

describe('the kiosk on-screen keyboard', () => {
  it('is AZERTY in French and QWERTY in English, under a row of digits', () => {
    expect(keyRows('fr')[0]!.join('')).toBe('1234567890');
    expect(keyRows('fr')[1]!.slice(0, 6).join('')).toBe('azerty');
    expect(keyRows('en')[1]!.slice(0, 6).join('')).toBe('qwerty');
  });

  it('has a key for each accented letter French users need, and every key once', () => {
    for (const language of ['fr', 'en'] as const) {
      const keys = keyRows(language).flat();
      for (const accent of ['é', 'è', 'à', 'ç', 'ù']) expect(keys).toContain(accent);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('one tap on shift gives one capital, then lower case again', () => {
    expect(typeKeys(['⇧', 'b', 'o', 'n'], 'fr')).toEqual({ text: 'Bon', shift: 'off' });
  });

  it('a second tap locks capitals until a third releases them', () => {
    expect(typeKeys(['⇧', '⇧', 'o', 'k'], 'en')).toEqual({ text: 'OK', shift: 'locked' });
    expect(typeKeys(['⇧', '⇧', 'o', '⇧', 'k'], 'en')).toEqual({ text: 'Ok', shift: 'off' });
  });

  it('capitalises accented letters and leaves digits and signs alone', () => {
    expect(typeKeys(['⇧', '⇧', 'é', 'ç', 'à', '1', '?', '@'], 'fr').text).toBe('ÉÇÀ1?@');
  });
});
