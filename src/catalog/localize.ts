import type { LocalizedText } from '../generated/catalog-common.js';

export const SUPPORTED_LOCALE = /^[a-z]{2}$/;

/** Picks the text for `locale`, falling back to German; `fellBack` says whether it did. */
export class Localizer {
  readonly fallbackFields = new Set<string>();

  constructor(readonly locale: string) {}

  text(value: LocalizedText, field: string): string;
  text(value: LocalizedText | undefined, field: string): string | undefined;
  text(value: LocalizedText | undefined, field: string): string | undefined {
    if (!value) return undefined;
    const own = (value as Record<string, string | undefined>)[this.locale];
    if (own) return own;
    if (this.locale !== 'de') this.fallbackFields.add(field);
    return value.de;
  }

  list(values: LocalizedText[] | undefined, field: string): string[] {
    return (values ?? []).map((v) => this.text(v, field));
  }

  /** The language served overall: the requested one unless a main text fell back. */
  served(mainFields: readonly string[]): string {
    return mainFields.some((f) => this.fallbackFields.has(f)) ? 'de' : this.locale;
  }
}
