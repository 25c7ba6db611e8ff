import { accessCodeMatches, deriveAccessCode, hashAccessCode, newResumeToken, newSalt } from './access-code.js';
import { dammDigit, formatReferenceNumber, isValidReferenceNumber } from './reference-number.js';

describe('reference numbers', () => {
  it('have prefix, year, sequence and a Damm check digit', () => {
    const ref = formatReferenceNumber('CLP', 2026, 42);
    expect(ref).toMatch(/^CLP-2026-000042-\d$/);
    expect(isValidReferenceNumber(ref)).toBe(true);
    expect(dammDigit('572')).toBe(4); // the textbook example
    expect(dammDigit('5724')).toBe(0);
  });

  it('catch every single wrong digit and every swap of neighbouring digits', () => {
    const ref = formatReferenceNumber('CLP', 2026, 123456);
    const digits = ref.replace(/\D/g, '');
    for (let i = 0; i < digits.length; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === digits[i]) continue;
        const typo = digits.slice(0, i) + d + digits.slice(i + 1);
        expect(isValidReferenceNumber(`CLP-${typo.slice(0, 4)}-${typo.slice(4, 10)}-${typo.slice(10)}`)).toBe(false);
      }
      if (i < digits.length - 1 && digits[i] !== digits[i + 1]) {
        const swapped = digits.slice(0, i) + digits[i + 1] + digits[i] + digits.slice(i + 2);
        expect(isValidReferenceNumber(`CLP-${swapped.slice(0, 4)}-${swapped.slice(4, 10)}-${swapped.slice(10)}`)).toBe(false);
      }
    }
  });
});

describe('access codes', () => {
  it('are derived from the salt and the secret, and checked against a hash', () => {
    const code = deriveAccessCode('secret-1', 'salt-a');
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(deriveAccessCode('secret-1', 'salt-a')).toBe(code);
    expect(deriveAccessCode('secret-2', 'salt-a')).not.toBe(code);
    expect(deriveAccessCode('secret-1', 'salt-b')).not.toBe(code);
    expect(accessCodeMatches(code.toLowerCase().replace(/-/g, ' '), hashAccessCode(code))).toBe(true);
    expect(accessCodeMatches('AAAA-AAAA-AAAA', hashAccessCode(code))).toBe(false);
    expect(newResumeToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // salts from the pool, across refills: well-formed and all different
    const salts = Array.from({ length: 1000 }, () => newSalt());
    for (const salt of salts) expect(salt).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(salts).size).toBe(1000);
  });
});
