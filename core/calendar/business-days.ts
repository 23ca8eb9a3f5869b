/**
 * Business-day arithmetic on a time zone's wall clock: "2 business days" from Friday 17:00 in Paris is
 * Tuesday 17:00 in Paris, whatever daylight-saving change happens in between.
 */
import { holidayPredicate as calendarHolidays, isCalendarId, type CalendarId } from './tenant-calendars.js';
import { addCivilDays, civilDayOfWeek, fromWallClock, isoDate, toWallClock } from './time-zone.js';

/**
 * Which days are holidays: a predicate over `YYYY-MM-DD`, a list of such dates, or a named calendar
 * (the JSON-serialisable form procedures use).
 */
export type HolidaySource = ((date: string) => boolean) | readonly string[] | NamedHolidayCalendar;

export type NamedHolidayCalendar = CalendarId | 'none';

export interface BusinessDayOptions {
  /** IANA time zone; default Europe/Paris. */
  readonly timeZone?: string;
  /** Default: metropolitan French public holidays (core/calendar/tenant-calendars.ts). */
  readonly holidays?: HolidaySource;
  /** Days of the week off (0 = Sunday); default Saturday and Sunday. */
  readonly weekend?: readonly number[];
}

export const DEFAULT_TIME_ZONE = 'Europe/Paris';

const named = new Map<NamedHolidayCalendar, (date: string) => boolean>([['none', () => false]]);

function namedPredicate(id: NamedHolidayCalendar): (date: string) => boolean {
  let predicate = named.get(id);
  if (!predicate) {
    if (!isCalendarId(id)) throw new RangeError(`unknown holiday calendar '${String(id)}'`);
    predicate = calendarHolidays(id);
    named.set(id, predicate);
  }
  return predicate;
}

function holidayPredicate(source: HolidaySource | undefined): (date: string) => boolean {
  if (source === undefined) return namedPredicate('fr');
  if (typeof source === 'function') return source;
  if (typeof source === 'string') return namedPredicate(source as NamedHolidayCalendar);
  const set = new Set(source);
  return (d) => set.has(d);
}

function isBusinessCivilDay(
  date: { year: number; month: number; day: number },
  isHoliday: (d: string) => boolean,
  weekend: readonly number[],
): boolean {
  if (weekend.includes(civilDayOfWeek(date))) return false;
  return !isHoliday(isoDate(date.year, date.month, date.day));
}

/** Whether the instant falls on a business day in the time zone (weekends and holidays are not). */
export function isBusinessDay(epochMs: number, options: BusinessDayOptions = {}): boolean {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const wall = toWallClock(epochMs, timeZone);
  return isBusinessCivilDay(wall, holidayPredicate(options.holidays), options.weekend ?? [0, 6]);
}

/**
 * The absolute instant `days` business days after `fromEpochMs`, at the same wall-clock time in the time
 * zone. Counting starts the day after the start day, whatever the start day is (a run started on a Saturday
 * with 2 business days is due on Tuesday at the same time). `days` = 0 returns `fromEpochMs`.
 */
export function addBusinessDays(fromEpochMs: number, days: number, options: BusinessDayOptions = {}): number {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`business days must be a whole number ≥ 0`);
  if (days === 0) return fromEpochMs;
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const isHoliday = holidayPredicate(options.holidays);
  const weekend = options.weekend ?? [0, 6];
  if (weekend.length >= 7) throw new RangeError('a week needs at least one working day');
  const wall = toWallClock(fromEpochMs, timeZone);
  let date = { year: wall.year, month: wall.month, day: wall.day };
  let counted = 0;
  while (counted < days) {
    date = addCivilDays(date, 1);
    if (isBusinessCivilDay(date, isHoliday, weekend)) counted += 1;
  }
  return fromWallClock({ ...wall, ...date }, timeZone);
}
