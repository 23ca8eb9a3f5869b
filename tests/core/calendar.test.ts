import {
  addBusinessDays,
  easterSunday,
  fromWallClock,
  frenchHolidays,
  isBusinessDay,
  toWallClock,
} from '../../core/calendar/index.js';

const PARIS = 'Europe/Paris';

describe('Easter and French public holidays', () => {
  it('computes Easter Sunday', () => {
    expect(easterSunday(2026)).toEqual({ year: 2026, month: 4, day: 5 });
    expect(easterSunday(2027)).toEqual({ year: 2027, month: 3, day: 28 });
    expect(easterSunday(2024)).toEqual({ year: 2024, month: 3, day: 31 });
    expect(easterSunday(2038)).toEqual({ year: 2038, month: 4, day: 25 });
  });

  it('lists the eleven metropolitan holidays of 2026 with Easter-based ones', () => {
    const dates = frenchHolidays(2026).map((h) => h.date);
    expect(dates).toEqual([
      '2026-01-01',
      '2026-04-06', // Easter Monday
      '2026-05-01',
      '2026-05-08',
      '2026-05-14', // Ascension
      '2026-05-25', // Whit Monday
      '2026-07-14',
      '2026-08-15',
      '2026-11-01',
      '2026-11-11',
      '2026-12-25',
    ]);
    expect(frenchHolidays(2027).map((h) => h.date)).toContain('2027-03-29');
  });

  it('adds Good Friday and 26 December for Alsace-Moselle', () => {
    const dates = frenchHolidays(2026, { alsaceMoselle: true }).map((h) => h.date);
    expect(dates).toContain('2026-04-03');
    expect(dates).toContain('2026-12-26');
    expect(dates).toHaveLength(13);
  });

  it('names holidays in French and English', () => {
    const armistice = frenchHolidays(2026).find((h) => h.date === '2026-11-11');
    expect(armistice?.name).toEqual({ fr: 'Armistice 1918', en: 'Armistice Day' });
  });
});

describe('wall-clock conversions', () => {
  it('round-trips Paris wall time in winter and summer', () => {
    const winter = fromWallClock(
      { year: 2026, month: 1, day: 15, hour: 9, minute: 0, second: 0, millisecond: 0 },
      PARIS,
    );
    expect(new Date(winter).toISOString()).toBe('2026-01-15T08:00:00.000Z');
    const summer = fromWallClock(
      { year: 2026, month: 7, day: 15, hour: 9, minute: 0, second: 0, millisecond: 0 },
      PARIS,
    );
    expect(new Date(summer).toISOString()).toBe('2026-07-15T07:00:00.000Z');
    expect(toWallClock(summer, PARIS)).toMatchObject({ year: 2026, month: 7, day: 15, hour: 9 });
  });

  it('resolves the autumn overlap to the earlier instant and moves out of the spring gap', () => {
    const overlap = fromWallClock(
      { year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0, millisecond: 0 },
      PARIS,
    );
    expect(new Date(overlap).toISOString()).toBe('2026-10-25T00:30:00.000Z');
    const gap = fromWallClock(
      { year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0, millisecond: 0 },
      PARIS,
    );
    expect(new Date(gap).toISOString()).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
  });
});

describe('business days (Europe/Paris, French holidays)', () => {
  it('knows weekends and holidays', () => {
    expect(isBusinessDay(Date.parse('2026-11-11T10:00:00Z'))).toBe(false); // Armistice, a Wednesday
    expect(new Date('2026-11-11T12:00:00Z').getUTCDay()).toBe(3);
    expect(isBusinessDay(Date.parse('2026-11-12T10:00:00Z'))).toBe(true);
    expect(isBusinessDay(Date.parse('2026-11-14T10:00:00Z'))).toBe(false); // Saturday
    // 23:30 UTC on Sunday is already Monday in Paris.
    expect(isBusinessDay(Date.parse('2026-11-15T23:30:00Z'))).toBe(true);
    expect(isBusinessDay(Date.parse('2026-04-06T10:00:00Z'))).toBe(false); // Easter Monday
  });

  it('counts 2 business days from Friday 17:00 to Tuesday 17:00', () => {
    const friday = Date.parse('2026-11-20T16:00:00Z'); // 17:00 Paris
    expect(new Date(addBusinessDays(friday, 2, { timeZone: PARIS })).toISOString()).toBe(
      '2026-11-24T16:00:00.000Z',
    );
  });

  it('skips Christmas and the weekend: 24 Dec 16:00 → 29 Dec 16:00', () => {
    const start = Date.parse('2026-12-24T15:00:00Z'); // 16:00 Paris
    expect(new Date(addBusinessDays(start, 2)).toISOString()).toBe('2026-12-29T15:00:00.000Z');
  });

  it('skips Armistice day in the middle of a week', () => {
    const tuesday = Date.parse('2026-11-10T09:00:00Z');
    expect(new Date(addBusinessDays(tuesday, 2)).toISOString()).toBe('2026-11-13T09:00:00.000Z');
  });

  it('keeps the Paris wall time across the 2026-10-25 DST change', () => {
    const friday = Date.parse('2026-10-23T15:00:00Z'); // 17:00 CEST
    const due = addBusinessDays(friday, 2, { timeZone: PARIS, holidays: 'fr' });
    expect(new Date(due).toISOString()).toBe('2026-10-27T16:00:00.000Z'); // 17:00 CET
    expect(due - friday).toBe((4 * 24 + 1) * 3_600_000);
    expect(toWallClock(due, PARIS)).toMatchObject({ day: 27, hour: 17, minute: 0 });
  });

  it('keeps the wall time across the spring change too', () => {
    const friday = Date.parse('2027-03-26T16:00:00Z'); // 17:00 CET
    const due = addBusinessDays(friday, 1);
    // Monday 29 March 2027 is Easter Monday.
    expect(new Date(due).toISOString()).toBe('2027-03-30T15:00:00.000Z'); // Tuesday 17:00 CEST
  });

  it('starts counting the day after a weekend start and accepts custom holiday lists', () => {
    const saturday = Date.parse('2026-11-21T09:00:00Z');
    expect(new Date(addBusinessDays(saturday, 1)).toISOString()).toBe('2026-11-23T09:00:00.000Z');
    expect(new Date(addBusinessDays(saturday, 1, { holidays: ['2026-11-23'] })).toISOString()).toBe(
      '2026-11-24T09:00:00.000Z',
    );
    expect(addBusinessDays(saturday, 0)).toBe(saturday);
    expect(() => addBusinessDays(saturday, -1)).toThrow(RangeError);
  });

  it('honours the Alsace-Moselle calendar', () => {
    const thursday = Date.parse('2026-12-24T08:00:00Z');
    expect(new Date(addBusinessDays(thursday, 1, { holidays: 'fr-alsace-moselle' })).toISOString()).toBe(
      '2026-12-28T08:00:00.000Z',
    );
    const beforeGoodFriday = Date.parse('2026-04-02T08:00:00Z');
    expect(
      new Date(addBusinessDays(beforeGoodFriday, 1, { holidays: 'fr-alsace-moselle' })).toISOString(),
    ).toBe('2026-04-07T08:00:00.000Z');
  });
});
