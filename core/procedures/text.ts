/** Localized texts and the small string helpers procedures share. Pure and browser-safe. */

import { interpolate, type Localized, type Locale, type TextParams } from '../i18n/locale.js';

export type { Locale, TextParams } from '../i18n/locale.js';
export { interpolate, normalizeForMatch } from '../i18n/locale.js';

/** A text in French and English: what procedures carry as data (same shape as i18n's Localized). */
export type LocalizedText = Localized;

export function localize(text: LocalizedText, locale: Locale, params?: TextParams): string {
  return interpolate(text[locale], params);
}

export function localizeBoth(text: LocalizedText, params?: TextParams): LocalizedText {
  return { fr: interpolate(text.fr, params), en: interpolate(text.en, params) };
}
