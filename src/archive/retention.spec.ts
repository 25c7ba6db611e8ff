import { berlinDate, isDue, resolveRule, retainUntil, type Retention } from './retention.js';

const rule = (years: number, legalBasis = 'x'): Retention => ({ years, trigger: 'CLOSED', archive: 'OFFER', legalBasis });

describe('retention periods', () => {
  it('start at the end of the year of the trigger (Europe/Berlin) and are due the day after', () => {
    expect(retainUntil(new Date('2026-03-04T10:00:00Z'), 10)).toBe('2036-12-31');
    expect(retainUntil(new Date('2026-03-04T10:00:00Z'), 0)).toBe('2026-12-31');
    // New Year's Eve 23:30 UTC is already the next year in Berlin
    expect(retainUntil(new Date('2026-12-31T23:30:00Z'), 1)).toBe('2028-12-31');
    expect(isDue('2036-12-31', '2036-12-31')).toBe(false);
    expect(isDue('2036-12-31', '2037-01-01')).toBe(true);
    expect(berlinDate(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
  });

  it('take the service rule first, then the nearest organisation, then the county', () => {
    expect(resolveRule(rule(2, 'service'), [rule(5, 'unit'), rule(10, 'county')])?.legalBasis).toBe('service');
    expect(resolveRule(undefined, [undefined, rule(5, 'parent'), rule(10, 'county')])?.legalBasis).toBe('parent');
    expect(resolveRule(undefined, [undefined, undefined])).toBeUndefined();
  });
});
