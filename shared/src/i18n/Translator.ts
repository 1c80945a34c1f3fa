/** The forms of a sentence that depends on a number, by the language's plural category. */
export type PluralMessage = { readonly [C in Intl.LDMLPluralRule]?: string } & {
  readonly other: string;
};

/** A sentence with `{name}` placeholders, or its plural forms (chosen by the `count` param). */
export type Message = string | PluralMessage;

export type MessageParams = Readonly<Record<string, string | number>>;

/** Every key of the reference catalogue, translated: the compiler checks each language has all. */
export type Catalogue<K extends string> = { readonly [Key in K]: Message };

export interface LanguageCatalogue<K extends string> {
  /** The BCP 47 locale whose plural rules the language follows (e.g. `fr-FR`). */
  readonly locale: string;
  readonly messages: Catalogue<K>;
}

export type Translate<K extends string> = (key: K, params?: MessageParams) => string;

/**
 * The sentences of one app in its languages. Each app (and each feature) keeps its own
 * catalogues; this only picks the sentence, its plural form and fills the placeholders.
 */
export class Translator<L extends string, K extends string> {
  private readonly pluralRules = new Map<L, Intl.PluralRules>();

  constructor(private readonly languages: Readonly<Record<L, LanguageCatalogue<K>>>) {}

  /** The sentence for `key` in `language`, with `{name}` placeholders filled from `params`. */
  translate(language: L, key: K, params?: MessageParams): string {
    const message = this.languages[language].messages[key];
    const template =
      typeof message === 'string' ? message : this.pluralForm(language, message, params);
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );
  }

  /** A translate function bound to one language, for a view to call. */
  in(language: L): Translate<K> {
    return (key, params) => this.translate(language, key, params);
  }

  private pluralForm(language: L, forms: PluralMessage, params: MessageParams | undefined): string {
    const count = Number(params?.count);
    if (!Number.isFinite(count)) return forms.other;
    let rules = this.pluralRules.get(language);
    if (!rules) {
      rules = new Intl.PluralRules(this.languages[language].locale);
      this.pluralRules.set(language, rules);
    }
    return forms[rules.select(count)] ?? forms.other;
  }
}
