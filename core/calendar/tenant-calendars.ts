/**
 * The calendars a tenant can work on: a time zone and the public holidays of a country or region, from the
 * maintained `date-holidays` library (pure data and code, no I/O: browser-safe). France is the default; the
 * others cover French-speaking firms abroad. Only days of type "public" count: bank holidays and observances
 * are working days for a vendor's support desk.
 */
import Holidays from 'date-holidays';
import type { Localized } from '../i18n/locale.js';

export const CALENDAR_IDS = [
  'fr',
  'fr-alsace-moselle',
  'be',
  'ch-ge',
  'ch-vd',
  'ch-ne',
  'ch-fr',
  'lu',
  'ca-qc',
] as const;

export type CalendarId = (typeof CALENDAR_IDS)[number];

export const DEFAULT_CALENDAR: CalendarId = 'fr';

export interface TenantCalendar {
  readonly id: CalendarId;
  /** IANA time zone the business day is counted in. */
  readonly timeZone: string;
  /** What the card says it used, e.g. "France (Europe/Paris)". */
  readonly name: Localized;
  readonly country: string;
  readonly region?: string;
}

const CALENDARS: Readonly<Record<CalendarId, TenantCalendar>> = {
  fr: { id: 'fr', country: 'FR', timeZone: 'Europe/Paris', name: { fr: 'France', en: 'France' } },
  'fr-alsace-moselle': {
    id: 'fr-alsace-moselle',
    country: 'FR',
    // Moselle (57); Bas-Rhin and Haut-Rhin share its two extra days.
    region: '57',
    timeZone: 'Europe/Paris',
    name: { fr: 'France, Alsace-Moselle', en: 'France, Alsace-Moselle' },
  },
  be: { id: 'be', country: 'BE', timeZone: 'Europe/Brussels', name: { fr: 'Belgique', en: 'Belgium' } },
  'ch-ge': {
    id: 'ch-ge',
    country: 'CH',
    region: 'GE',
    timeZone: 'Europe/Zurich',
    name: { fr: 'Suisse, canton de Genève', en: 'Switzerland, canton of Geneva' },
  },
  'ch-vd': {
    id: 'ch-vd',
    country: 'CH',
    region: 'VD',
    timeZone: 'Europe/Zurich',
    name: { fr: 'Suisse, canton de Vaud', en: 'Switzerland, canton of Vaud' },
  },
  'ch-ne': {
    id: 'ch-ne',
    country: 'CH',
    region: 'NE',
    timeZone: 'Europe/Zurich',
    name: { fr: 'Suisse, canton de Neuchâtel', en: 'Switzerland, canton of Neuchâtel' },
  },
  'ch-fr': {
    id: 'ch-fr',
    country: 'CH',
    region: 'FR',
    timeZone: 'Europe/Zurich',
    name: { fr: 'Suisse, canton de Fribourg', en: 'Switzerland, canton of Fribourg' },
  },
  lu: {
    id: 'lu',
    country: 'LU',
    timeZone: 'Europe/Luxembourg',
    name: { fr: 'Luxembourg', en: 'Luxembourg' },
  },
  'ca-qc': {
    id: 'ca-qc',
    country: 'CA',
    region: 'QC',
    // date-holidays names America/Blanc-Sablon first for Canada; Montréal and Québec City keep Toronto's time.
    timeZone: 'America/Toronto',
    name: { fr: 'Québec', en: 'Quebec' },
  },
};

export function isCalendarId(value: unknown): value is CalendarId {
  return typeof value === 'string' && (CALENDAR_IDS as readonly string[]).includes(value);
}

export function tenantCalendar(id: CalendarId = DEFAULT_CALENDAR): TenantCalendar {
  return CALENDARS[id];
}

/** "France (Europe/Paris)": what a card says about the calendar behind a due time. */
export function calendarLabel(id: CalendarId, locale: 'fr' | 'en'): string {
  const c = CALENDARS[id];
  return `${c.name[locale]} (${c.timeZone})`;
}

/**
 * The Intl locale to write times in for a reader of `language` on calendar `id`: their language, the way the
 * calendar's country writes dates and times (fr-CA "8 h 40" on Québec's, fr-CH, fr-BE; English: en-CA on Québec's,
 * en-GB elsewhere).
 */
export function intlLocaleFor(language: 'fr' | 'en', id: CalendarId = DEFAULT_CALENDAR): string {
  const country = CALENDARS[id].country;
  if (language === 'fr') return `fr-${country}`;
  return country === 'CA' ? 'en-CA' : 'en-GB';
}

export type TimeStyle =
  /** "mardi 1 décembre à 08:40 UTC−5": due times in procedure texts. */
  | 'due'
  /** "mardi 1 décembre 2026 à 08:40": cards that say which calendar they used next to it. */
  | 'full';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Formats an instant in the calendar's time zone for a reader of `language` (see intlLocaleFor). */
export function formatCalendarTime(
  iso: string | number,
  language: 'fr' | 'en',
  id: CalendarId = DEFAULT_CALENDAR,
  style: TimeStyle = 'full',
): string {
  const key = `${language}|${id}|${style}`;
  let format = formatters.get(key);
  if (!format) {
    const timeZone = CALENDARS[id].timeZone;
    format = new Intl.DateTimeFormat(
      intlLocaleFor(language, id),
      style === 'due'
        ? {
            timeZone,
            weekday: 'long',
            day: 'numeric',
            month: 'long',
            hour: '2-digit',
            minute: '2-digit',
            timeZoneName: 'short',
          }
        : { timeZone, dateStyle: 'full', timeStyle: 'short' },
    );
    formatters.set(key, format);
  }
  return format.format(new Date(iso));
}

export interface PublicHoliday {
  /** `YYYY-MM-DD` */
  readonly date: string;
  /** The library's name in the calendar's first language (e.g. "Lundi de Pâques"). */
  readonly name: string;
}

const libraries = new Map<CalendarId, Holidays>();
const years = new Map<string, readonly PublicHoliday[]>();

function library(id: CalendarId): Holidays {
  let lib = libraries.get(id);
  if (!lib) {
    const c = CALENDARS[id];
    lib = c.region ? new Holidays(c.country, c.region) : new Holidays(c.country);
    libraries.set(id, lib);
  }
  return lib;
}

/** The public holidays of a calendar in a year, in date order (memoised: the library's rules are costly). */
export function publicHolidays(id: CalendarId, year: number): readonly PublicHoliday[] {
  const key = `${id}|${year}`;
  let list = years.get(key);
  if (!list) {
    const seen = new Set<string>();
    list = library(id)
      .getHolidays(year)
      .filter((h) => h.type === 'public')
      .map((h) => ({ date: h.date.slice(0, 10), name: h.name }))
      .filter((h) => (seen.has(h.date) ? false : (seen.add(h.date), true)))
      .sort((a, b) => a.date.localeCompare(b.date));
    years.set(key, list);
  }
  return list;
}

/** A predicate over `YYYY-MM-DD` dates: is it a public holiday on this calendar? */
export function holidayPredicate(id: CalendarId): (date: string) => boolean {
  const sets = new Map<number, Set<string>>();
  return (date) => {
    const year = Number(date.slice(0, 4));
    let set = sets.get(year);
    if (!set) {
      set = new Set(publicHolidays(id, year).map((h) => h.date));
      sets.set(year, set);
    }
    return set.has(date);
  };
}
