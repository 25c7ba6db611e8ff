import { isValidIban } from './iban.js';
import { resolveDateBound } from './relative-date.js';

describe('isValidIban', () => {
  it('accepts valid IBANs with or without spaces', () => {
    expect(isValidIban('DE02120300000000202051')).toBe(true);
    expect(isValidIban('DE02 1203 0000 0000 2020 51')).toBe(true);
    expect(isValidIban('GB82WEST12345698765432')).toBe(true);
  });
  it('rejects a wrong check digit, a swapped digit and a wrong length', () => {
    expect(isValidIban('DE03120300000000202051')).toBe(false);
    expect(isValidIban('DE02120300000000202015')).toBe(false);
    expect(isValidIban('DE0212030000000020205')).toBe(false);
    expect(isValidIban('nonsense')).toBe(false);
  });
});

describe('resolveDateBound', () => {
  it('resolves today and relative bounds', () => {
    expect(resolveDateBound('today', '2026-11-25')).toBe('2026-11-25');
    expect(resolveDateBound('+7d', '2026-11-25')).toBe('2026-12-02');
    expect(resolveDateBound('-18y', '2026-11-25')).toBe('2008-11-25');
    expect(resolveDateBound('+3m', '2026-11-25')).toBe('2027-02-25');
    expect(resolveDateBound('2030-01-01', '2026-11-25')).toBe('2030-01-01');
  });
});
