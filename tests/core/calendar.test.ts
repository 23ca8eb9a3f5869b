import {
  addBusinessDays,
  CALENDAR_IDS,
  calendarLabel,
  formatCalendarTime,
  intlLocaleFor,
  fromWallClock,
  isBusinessDay,
  isCalendarId,
  publicHolidays,
  tenantCalendar,
  toWallClock,
} from '../../core/calendar/index.js';

const PARIS = 'Europe/Paris';

describe('tenant calendars (public holidays from date-holidays)', () => {
  const dates = (id: Parameters<typeof publicHolidays>[0], year: number) =>
    publicHolidays(id, year).map((h) => h.date);

  it('lists the eleven metropolitan French holidays of 2026, Easter-based ones included', () => {
    expect(dates('fr', 2026)).toEqual([
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
    expect(dates('fr', 2027)).toContain('2027-03-29'); // Easter Monday 2027
  });

  it('adds Good Friday and 26 December for Alsace-Moselle', () => {
    expect(dates('fr-alsace-moselle', 2026)).toEqual(
      expect.arrayContaining(['2026-04-03', '2026-12-26', ...dates('fr', 2026)]),
    );
    expect(dates('fr-alsace-moselle', 2026)).toHaveLength(13);
  });

  it('knows the other French-speaking calendars', () => {
    expect(dates('be', 2026)).toContain('2026-07-21'); // Belgian national day
    expect(dates('be', 2026)).not.toContain('2026-07-14');
    expect(dates('lu', 2026)).toEqual(expect.arrayContaining(['2026-05-09', '2026-06-23']));
    expect(dates('ch-ge', 2026)).toEqual(expect.arrayContaining(['2026-09-10', '2026-12-31'])); // Jeûne genevois
    expect(dates('ch-vd', 2026)).toContain('2026-09-21'); // Lundi du Jeûne fédéral
    expect(dates('ca-qc', 2026)).toEqual(expect.arrayContaining(['2026-06-24', '2026-07-01']));
    // Bank holidays and observances are working days.
    expect(dates('ch-ge', 2026)).not.toContain('2026-01-02');
  });

  it('names each calendar with its time zone, in French and English', () => {
    expect(calendarLabel('fr', 'fr')).toBe('France (Europe/Paris)');
    expect(calendarLabel('ch-ge', 'en')).toBe('Switzerland, canton of Geneva (Europe/Zurich)');
    expect(tenantCalendar('ca-qc').timeZone).toBe('America/Toronto');
    for (const id of CALENDAR_IDS) expect(isCalendarId(id)).toBe(true);
    expect(isCalendarId('xx')).toBe(false);
  });
});

describe("business days on two countries' calendars", () => {
  it('skips the French national day but not the Belgian one, and vice versa', () => {
    // Friday 10 July 2026, 17:00 in Paris and in Brussels (same offset).
    const friday = Date.parse('2026-07-10T15:00:00Z');
    const fr = addBusinessDays(friday, 2, { timeZone: 'Europe/Paris', holidays: 'fr' });
    const be = addBusinessDays(friday, 2, { timeZone: 'Europe/Brussels', holidays: 'be' });
    expect(new Date(fr).toISOString()).toBe('2026-07-15T15:00:00.000Z'); // Mon 13, (Tue 14 off), Wed 15
    expect(new Date(be).toISOString()).toBe('2026-07-14T15:00:00.000Z'); // Mon 13, Tue 14
    const nextFriday = Date.parse('2026-07-17T15:00:00Z');
    expect(
      new Date(addBusinessDays(nextFriday, 2, { timeZone: 'Europe/Brussels', holidays: 'be' })).toISOString(),
    ).toBe('2026-07-22T15:00:00.000Z'); // Mon 20, (Tue 21 off), Wed 22
    expect(new Date(addBusinessDays(nextFriday, 2, { holidays: 'fr' })).toISOString()).toBe(
      '2026-07-21T15:00:00.000Z',
    );
  });

  it('counts Québec days on Montréal time across the weekend and Saint-Jean-Baptiste', () => {
    // Tuesday 23 June 2026, 10:00 in Montréal (EDT, UTC−4).
    const tuesday = Date.parse('2026-06-23T14:00:00Z');
    const due = addBusinessDays(tuesday, 2, { timeZone: 'America/Toronto', holidays: 'ca-qc' });
    expect(new Date(due).toISOString()).toBe('2026-06-26T14:00:00.000Z'); // Thu 25, Fri 26
    const friday = Date.parse('2026-06-26T14:00:00Z');
    expect(
      new Date(addBusinessDays(friday, 2, { timeZone: 'America/Toronto', holidays: 'ca-qc' })).toISOString(),
    ).toBe('2026-06-30T14:00:00.000Z'); // Mon 29, Tue 30 (1 July is Canada Day)
  });

  it('refuses an unknown calendar name', () => {
    expect(() => addBusinessDays(0, 1, { holidays: 'xx' as never })).toThrow(RangeError);
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

describe('times written on a tenant calendar', () => {
  // Tuesday 1 December 2026, 12:40 UTC: 13:40 in Paris and Brussels, 07:40 in Montréal (EST, UTC−5).
  const at = '2026-12-01T12:40:00.000Z';

  it('writes a due time in the calendar’s time zone, in the reader’s language as the calendar’s country writes it', () => {
    expect(formatCalendarTime(at, 'fr', 'fr', 'due')).toBe('mardi 1 décembre à 13:40 UTC+1');
    expect(formatCalendarTime(at, 'fr', 'ca-qc', 'due')).toBe('mardi 1 décembre à 07 h 40 HNE');
    expect(formatCalendarTime(at, 'en', 'ca-qc', 'due')).toBe('Tuesday, December 1 at 07:40 a.m. EST');
    expect(formatCalendarTime(at, 'en', 'be', 'due')).toBe('Tuesday 1 December at 13:40 CET');
    expect(formatCalendarTime(at, 'fr', 'ca-qc')).toBe('mardi 1 décembre 2026 à 07 h 40');
    expect(formatCalendarTime(at, 'fr', 'ch-ge')).toBe('mardi, 1 décembre 2026 à 13:40');
  });

  it('picks the Intl locale from the language and the calendar’s country', () => {
    expect(CALENDAR_IDS.map((id) => [id, intlLocaleFor('fr', id), intlLocaleFor('en', id)])).toEqual([
      ['fr', 'fr-FR', 'en-GB'],
      ['fr-alsace-moselle', 'fr-FR', 'en-GB'],
      ['be', 'fr-BE', 'en-GB'],
      ['ch-ge', 'fr-CH', 'en-GB'],
      ['ch-vd', 'fr-CH', 'en-GB'],
      ['ch-ne', 'fr-CH', 'en-GB'],
      ['ch-fr', 'fr-CH', 'en-GB'],
      ['lu', 'fr-LU', 'en-GB'],
      ['ca-qc', 'fr-CA', 'en-CA'],
    ]);
  });
});
