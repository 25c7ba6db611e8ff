import { isOpen, nextOpenings, openIntervals, openingHoursWarnings, parseOpeningHours, weeklyTable, OpeningHoursError } from './opening-hours.js';

const FAMILIENSERVICE = 'Mo-Fr 08:00-17:00; Sa 09:00-12:00; PH off';

describe('opening hours in Europe/Berlin with the holidays of Lower Saxony', () => {
  it('is open on a Saturday morning and closed on Sunday', () => {
    expect(isOpen(FAMILIENSERVICE, new Date('2026-11-28T09:30:00+01:00'))).toBe(true);
    expect(isOpen(FAMILIENSERVICE, new Date('2026-11-28T12:30:00+01:00'))).toBe(false);
    expect(isOpen(FAMILIENSERVICE, new Date('2026-11-29T10:00:00+01:00'))).toBe(false);
  });

  it('closes on public holidays of Lower Saxony, including Reformationstag', () => {
    expect(isOpen(FAMILIENSERVICE, new Date('2026-10-31T10:00:00+01:00'))).toBe(false); // Reformationstag
    expect(isOpen(FAMILIENSERVICE, new Date('2026-12-25T10:00:00+01:00'))).toBe(false);
    expect(isOpen(FAMILIENSERVICE, new Date('2026-05-14T10:00:00+02:00'))).toBe(false); // Christi Himmelfahrt
    expect(isOpen(FAMILIENSERVICE, new Date('2026-06-04T10:00:00+02:00'))).toBe(true); // Fronleichnam is no holiday here
  });

  it('evaluates wall-clock hours across the change to summer time', () => {
    // Sunday 29 March 2026 clocks go forward; Monday 08:30 local is 06:30 UTC.
    expect(isOpen(FAMILIENSERVICE, new Date('2026-03-30T06:30:00Z'))).toBe(true);
    expect(isOpen(FAMILIENSERVICE, new Date('2026-03-30T05:30:00Z'))).toBe(false);
    // Friday before: 08:30 local is 07:30 UTC, 07:30 UTC + 9h30 = 17:00 local closing
    expect(isOpen(FAMILIENSERVICE, new Date('2026-03-27T15:59:00Z'))).toBe(true);
    expect(isOpen(FAMILIENSERVICE, new Date('2026-03-27T16:00:00Z'))).toBe(false);
  });

  it('honours dated closures', () => {
    const closures = [{ from: '2026-12-24', to: '2026-12-24' }];
    expect(isOpen(FAMILIENSERVICE, new Date('2026-12-24T10:00:00+01:00'), closures)).toBe(false);
    expect(isOpen(FAMILIENSERVICE, new Date('2026-12-23T10:00:00+01:00'), closures)).toBe(true);
  });

  it('lists the next openings, skipping holidays and closures', () => {
    const next = nextOpenings(FAMILIENSERVICE, new Date('2026-12-23T18:00:00+01:00'), 3, [{ from: '2026-12-24', to: '2026-12-24' }]);
    expect(next.map((r) => [r.from.toISOString(), r.to.toISOString()])).toEqual([
      // 24 Dec closed, 25 and 26 Dec holidays (26 Dec is a Saturday), 27 Dec Sunday
      ['2026-12-28T07:00:00.000Z', '2026-12-28T16:00:00.000Z'],
      ['2026-12-29T07:00:00.000Z', '2026-12-29T16:00:00.000Z'],
      ['2026-12-30T07:00:00.000Z', '2026-12-30T16:00:00.000Z'],
    ]);
  });

  it('handles schedules every other week', () => {
    const runs = openIntervals('week 1-53/2 Tu 09:00-12:00; PH off', new Date('2026-11-01T00:00:00+01:00'), new Date('2026-12-01T00:00:00+01:00'));
    expect(runs.map((r) => r.from.toISOString())).toEqual(['2026-11-03T08:00:00.000Z', '2026-11-17T08:00:00.000Z']);
  });

  it('gives the regular weekly table', () => {
    const table = weeklyTable('Mo-Th 08:30-12:00,13:30-16:00; Fr 08:30-12:00; PH off');
    expect(table[0]).toEqual({ day: 'MONDAY', ranges: [{ from: '08:30', to: '12:00' }, { from: '13:30', to: '16:00' }] });
    expect(table[4]).toEqual({ day: 'FRIDAY', ranges: [{ from: '08:30', to: '12:00' }] });
    expect(table[6]).toEqual({ day: 'SUNDAY', ranges: [] });
  });

  it('rejects values that do not parse', () => {
    expect(() => parseOpeningHours('Mo-Fr 25:00-26:00')).toThrow(OpeningHoursError);
    expect(openingHoursWarnings('Montag bis Freitag').length).toBeGreaterThan(0);
    expect(openingHoursWarnings(FAMILIENSERVICE)).toEqual([]);
  });
});
