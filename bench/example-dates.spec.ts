import { shiftExampleDates } from './example-dates.js';

describe('shiftExampleDates', () => {
  it('moves every calendar date by the days between the pinned day and today, leaving other strings alone', () => {
    const data = { abholung: '2026-11-27', zeit: '2026-11-30T08:00:00+01:00', liste: [{ am: '2026-12-31' }], plz: '49661', text: '2026-11-27 ist ein Freitag', leer: null, n: 3 };
    expect(shiftExampleDates(data, '2026-11-25', '2027-01-06')).toEqual({
      abholung: '2027-01-08',
      zeit: '2027-01-11T08:00:00+01:00',
      liste: [{ am: '2027-02-11' }],
      plz: '49661',
      text: '2026-11-27 ist ein Freitag',
      leer: null,
      n: 3,
    });
  });

  it('returns the data unchanged on its own day', () => {
    const data = { am: '2026-11-27' };
    expect(shiftExampleDates(data, '2026-11-25', '2026-11-25')).toBe(data);
  });
});
