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

/** Lower case, accents stripped, punctuation folded to single spaces: how user-typed names are compared. */
export function normalizeForMatch(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}@.]+/gu, ' ')
    .trim();
}

export type TextParams = Readonly<Record<string, string | number>>;

/** Replaces `{name}` placeholders; unknown placeholders are left as they are so a missing value shows. */
export function interpolate(template: string, params: TextParams = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** Words that only French-speaking admins type to Sesame (accents already stripped by normalizeForMatch). */
const FRENCH_MARKERS = new Set([
  'acces',
  'invite',
  'invites',
  'inviter',
  'procedure',
  'procedures',
  'demarrer',
  'lancer',
  'compte',
  'compte',
  'fournisseur',
  'editeur',
  'aide',
  'statut',
  'annuler',
  'reprendre',
  'bonjour',
  'merci',
  'pour',
  'le',
  'la',
  'les',
  'des',
  'du',
  'un',
  'une',
  'et',
  'de',
]);
const ENGLISH_MARKERS = new Set([
  'access',
  'guest',
  'vendor',
  'start',
  'help',
  'status',
  'cancel',
  'resume',
  'hello',
  'the',
  'for',
  'please',
]);

/**
 * The language a short message is written in, when its words say so ("accès invité Cegid Loop" is French
 * whatever the Teams client's language); undefined when they do not (a bare vendor name).
 */
export function guessTextLocale(text: string): Locale | undefined {
  if (/[àâçéèêëîïôûùüÿœæ]/i.test(text)) return 'fr';
  const words = normalizeForMatch(text).split(' ');
  const fr = words.filter((w) => FRENCH_MARKERS.has(w)).length;
  const en = words.filter((w) => ENGLISH_MARKERS.has(w)).length;
  if (fr > en) return 'fr';
  if (en > fr) return 'en';
  return undefined;
}
