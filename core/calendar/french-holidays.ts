/**
 * French public holidays (jours fériés). Metropolitan France by default; Alsace-Moselle adds Good Friday
 * and St Stephen's Day (26 December). Whit Monday is listed although it is the "journée de solidarité"
 * in many firms: vendors' support desks close on it.
 */
import type { Localized as LocalizedText } from '../i18n/locale.js';
import { addCivilDays, isoDate } from './time-zone.js';

export interface Holiday {
  /** `YYYY-MM-DD` */
  readonly date: string;
  readonly name: LocalizedText;
}

export interface FrenchHolidayOptions {
  readonly alsaceMoselle?: boolean;
}

/** Easter Sunday (Gregorian calendar), by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): { year: number; month: number; day: number } {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { year, month, day };
}

export function frenchHolidays(year: number, options: FrenchHolidayOptions = {}): Holiday[] {
  const easter = easterSunday(year);
  const fromEaster = (days: number): string => {
    const d = addCivilDays(easter, days);
    return isoDate(d.year, d.month, d.day);
  };
  const fixed = (month: number, day: number): string => isoDate(year, month, day);
  const list: Holiday[] = [
    { date: fixed(1, 1), name: { fr: 'Jour de l’An', en: 'New Year’s Day' } },
    { date: fromEaster(1), name: { fr: 'Lundi de Pâques', en: 'Easter Monday' } },
    { date: fixed(5, 1), name: { fr: 'Fête du Travail', en: 'Labour Day' } },
    { date: fixed(5, 8), name: { fr: 'Victoire 1945', en: 'Victory in Europe Day' } },
    { date: fromEaster(39), name: { fr: 'Ascension', en: 'Ascension Day' } },
    { date: fromEaster(50), name: { fr: 'Lundi de Pentecôte', en: 'Whit Monday' } },
    { date: fixed(7, 14), name: { fr: 'Fête nationale', en: 'Bastille Day' } },
    { date: fixed(8, 15), name: { fr: 'Assomption', en: 'Assumption Day' } },
    { date: fixed(11, 1), name: { fr: 'Toussaint', en: 'All Saints’ Day' } },
    { date: fixed(11, 11), name: { fr: 'Armistice 1918', en: 'Armistice Day' } },
    { date: fixed(12, 25), name: { fr: 'Noël', en: 'Christmas Day' } },
  ];
  if (options.alsaceMoselle) {
    list.push(
      { date: fromEaster(-2), name: { fr: 'Vendredi saint', en: 'Good Friday' } },
      { date: fixed(12, 26), name: { fr: 'Saint-Étienne', en: 'St Stephen’s Day' } },
    );
  }
  return list.sort((x, y) => x.date.localeCompare(y.date));
}

/** A predicate over `YYYY-MM-DD` dates, memoised per year. */
export function frenchHolidayCalendar(options: FrenchHolidayOptions = {}): (date: string) => boolean {
  const years = new Map<number, Set<string>>();
  return (date: string) => {
    const year = Number(date.slice(0, 4));
    let set = years.get(year);
    if (!set) {
      set = new Set(frenchHolidays(year, options).map((h) => h.date));
      years.set(year, set);
    }
    return set.has(date);
  };
}
