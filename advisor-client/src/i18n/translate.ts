import { en } from './en';
import { fr, type Catalogue, type MessageKey } from './fr';

export type { MessageKey } from './fr';
export type Language = 'fr' | 'en';
export const DEFAULT_LANGUAGE: Language = 'fr';
export type MessageParams = Readonly<Record<string, string | number>>;

const catalogues: Record<Language, Catalogue> = { fr, en };

/** The sentence for `key` in `language`, with `{name}` placeholders filled from `params`. */
export function translate(language: Language, key: MessageKey, params?: MessageParams): string {
  const template = catalogues[language][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export type Translate = (key: MessageKey, params?: MessageParams) => string;
