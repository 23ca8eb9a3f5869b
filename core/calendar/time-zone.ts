/**
 * Wall-clock conversions in an IANA time zone through Intl.DateTimeFormat only (no date library), so
 * business-day arithmetic stays correct across daylight-saving changes.
 */

export interface WallClock {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock reading in `timeZone` at the absolute instant `epochMs`. */
export function toWallClock(epochMs: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const ms = ((epochMs % 1000) + 1000) % 1000;
  return {
    year: parts.year ?? NaN,
    month: parts.month ?? NaN,
    day: parts.day ?? NaN,
    // Some engines print midnight as 24 even with h23.
    hour: (parts.hour ?? NaN) % 24,
    minute: parts.minute ?? NaN,
    second: parts.second ?? NaN,
    millisecond: ms,
  };
}

function wallAsUtc(w: WallClock): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
}

/** Offset of `timeZone` from UTC at `epochMs`, in ms (Paris in summer: +7 200 000). */
export function timeZoneOffsetMs(epochMs: number, timeZone: string): number {
  return wallAsUtc(toWallClock(epochMs, timeZone)) - epochMs;
}

/**
 * The absolute instant a wall-clock reading denotes in `timeZone`. In the autumn overlap the earlier
 * instant wins; in the spring gap the reading is moved forward by the gap (02:30 → 03:30 in Paris).
 */
export function fromWallClock(wall: WallClock, timeZone: string): number {
  const asUtc = wallAsUtc(wall);
  // Offsets in force a day either side bracket the answer: try both, keep the ones that round-trip.
  const candidates = [
    asUtc - timeZoneOffsetMs(asUtc - 86_400_000, timeZone),
    asUtc - timeZoneOffsetMs(asUtc + 86_400_000, timeZone),
    asUtc - timeZoneOffsetMs(asUtc, timeZone),
  ];
  const exact = candidates.filter((t) => wallAsUtc(toWallClock(t, timeZone)) === asUtc).sort((a, b) => a - b);
  if (exact[0] !== undefined) return exact[0];
  // In a gap: use the offset in force before it, which lands after the gap by its length.
  return asUtc - timeZoneOffsetMs(asUtc - 86_400_000, timeZone);
}

/** `YYYY-MM-DD` of a civil date. */
export function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Civil-date arithmetic (no time zone involved): the date `days` after the given one. */
export function addCivilDays(
  date: { year: number; month: number; day: number },
  days: number,
): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday … 6 = Saturday, for a civil date. */
export function civilDayOfWeek(date: { year: number; month: number; day: number }): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}
