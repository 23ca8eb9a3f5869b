/** Localized texts and the small string helpers procedures share. Pure and browser-safe. */

export type Locale = 'fr' | 'en';

export interface LocalizedText {
  readonly fr: string;
  readonly en: string;
}

export type TextParams = Readonly<Record<string, string | number>>;

/** Replaces `{name}` placeholders; unknown placeholders are left as they are so a missing value shows. */
export function interpolate(template: string, params: TextParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function localize(text: LocalizedText, locale: Locale, params?: TextParams): string {
  return interpolate(text[locale], params);
}

export function localizeBoth(text: LocalizedText, params?: TextParams): LocalizedText {
  return { fr: interpolate(text.fr, params), en: interpolate(text.en, params) };
}

/** Lower case, accents stripped, punctuation folded to single spaces: how user-typed names are compared. */
export function normalizeForMatch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}@.]+/gu, ' ')
    .trim();
}
