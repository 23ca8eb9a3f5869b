/** The languages Sesame speaks. Teams gives a BCP-47 locale per activity (e.g. "fr-FR", "en-US"). */
export type Locale = 'fr' | 'en';

export const DEFAULT_LOCALE: Locale = 'en';

/** "fr-FR", "fr-CA", "fr" → fr; anything else → en. */
export function resolveLocale(tag: string | undefined | null): Locale {
  if (!tag) return DEFAULT_LOCALE;
  return tag.trim().toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

/** A text in every language Sesame speaks; procedures and cards carry these as data. */
export type Localized = Readonly<Record<Locale, string>>;

export function pick(text: Localized, locale: Locale): string {
  return text[locale];
}

/** Lower-case, strip accents and collapse spaces: "Accès  Invité" → "acces invite". */
export function normalizeForMatch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9@.\-_ ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
