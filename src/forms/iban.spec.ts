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

import { publishSchema, renderSchema } from './form-schema.js';
import { Localizer } from '../catalog/localize.js';

describe('schema transforms', () => {
  it('keep boolean schemas (false forbids a property)', () => {
    const schema = { type: 'object', properties: { a: false as unknown as object, b: { type: 'string', 'x-label': { de: 'B' } } } };
    const published = publishSchema(schema as never, new Map());
    expect((published.properties as Record<string, unknown>).a).toBe(false);
    const rendered = renderSchema(published, '2026-11-25', new Localizer('de'), { de: 'T' });
    expect((rendered.properties as Record<string, unknown>).a).toBe(false);
    expect((rendered.properties as Record<string, { title?: string }>).b.title).toBe('B');
  });
});
