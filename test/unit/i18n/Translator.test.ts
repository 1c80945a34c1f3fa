import { describe, expect, it } from 'vitest';
import { Translator } from '@visio/shared/i18n';
import { translate as kioskTranslate } from '../../../kiosk-client/src/i18n/translate';
import { translate as staffTranslate } from '../../../advisor-client/src/i18n/translate';

const translator = new Translator<'fr' | 'en', 'files' | 'hello'>({
  fr: {
    locale: 'fr-FR',
    messages: {
      files: { one: '{count} fichier', other: '{count} fichiers' },
      hello: 'Bonjour {name}',
    },
  },
  en: {
    locale: 'en-GB',
    messages: { files: { one: '{count} file', other: '{count} files' }, hello: 'Hello {name}' },
  },
});

describe('Translator', () => {
  it('fills placeholders and leaves unknown ones as written', () => {
    expect(translator.translate('en', 'hello', { name: 'Ada' })).toBe('Hello Ada');
    expect(translator.translate('fr', 'hello')).toBe('Bonjour {name}');
  });

  it("chooses the plural form by each language's own rules", () => {
    // French counts zero and one alike; English says "0 files".
    expect(translator.translate('fr', 'files', { count: 0 })).toBe('0 fichier');
    expect(translator.translate('fr', 'files', { count: 1 })).toBe('1 fichier');
    expect(translator.translate('fr', 'files', { count: 2 })).toBe('2 fichiers');
    expect(translator.translate('en', 'files', { count: 0 })).toBe('0 files');
    expect(translator.translate('en', 'files', { count: 1 })).toBe('1 file');
    expect(translator.translate('en', 'files', { count: 21 })).toBe('21 files');
  });

  it('falls back to the general form without a count', () => {
    expect(translator.translate('en', 'files')).toBe('{count} files');
  });
});

describe('the apps’ plural sentences', () => {
  it('the kiosk says how many digits were typed in good French and English', () => {
    const one = { digits: '4', count: 1 };
    const two = { digits: '4 2', count: 2 };
    expect(kioskTranslate('en', 'code.entered', one)).toBe('Code typed: 4 (1 digit of 6)');
    expect(kioskTranslate('en', 'code.entered', two)).toBe('Code typed: 4 2 (2 digits of 6)');
    expect(kioskTranslate('fr', 'code.entered', one)).toBe('Code saisi : 4 (1 chiffre sur 6)');
    expect(kioskTranslate('fr', 'code.entered', two)).toBe('Code saisi : 4 2 (2 chiffres sur 6)');
  });

  it('the console summarises one sample without a minimum and a maximum', () => {
    const one = { count: 1, min: 300, max: 300, last: 300 };
    expect(staffTranslate('en', 'console.chart', one)).toBe(
      'Bitrate of the latest sample: 300 kbit/s',
    );
    expect(staffTranslate('fr', 'console.chart', { ...one, count: 3 })).toBe(
      'Débit sur les 3 dernières mesures : min 300, max 300, dernier 300 kbit/s',
    );
  });
});
