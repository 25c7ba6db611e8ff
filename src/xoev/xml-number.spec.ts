import { xmlNumber } from './xml-number.js';

describe('xmlNumber', () => {
  it('writes numbers as xs:decimal takes them, never in exponent notation', () => {
    expect(xmlNumber(19.99)).toBe('19.99');
    expect(xmlNumber(42)).toBe('42');
    expect(xmlNumber(-0.5)).toBe('-0.5');
    expect(xmlNumber(1e-7)).toBe('0.0000001');
    expect(xmlNumber(1.5e-10)).toBe('0.00000000015');
    expect(xmlNumber(1e21)).toBe('1000000000000000000000');
    for (const n of [1e-7, 2.5e-9, 1e21, 3.25e22, 123.456]) expect(xmlNumber(n)).toMatch(/^-?\d+(\.\d+)?$/);
  });
});
