import { Translator, type MessageParams, type Translate as TranslateIn } from '@visio/shared/i18n';
import { en } from './en';
import { fr, type MessageKey } from './fr';

export type { MessageKey } from './fr';
export type { MessageParams } from '@visio/shared/i18n';
export type Language = 'fr' | 'en';
export const DEFAULT_LANGUAGE: Language = 'fr';

const translator = new Translator<Language, MessageKey>({
  fr: { locale: 'fr-FR', messages: fr },
  en: { locale: 'en-GB', messages: en },
});

/** The sentence for `key` in `language`: its plural form by `count`, `{name}` placeholders filled. */
export function translate(language: Language, key: MessageKey, params?: MessageParams): string {
  return translator.translate(language, key, params);
}

export type Translate = TranslateIn<MessageKey>;
