import type { ValidateFunction } from 'ajv';
import { CompiledForm, illegalCharacters } from './form-validator.js';
import type { FormSchemaNode } from './form.types.js';

describe('the checks beyond JSON Schema', () => {
  it('reports every string with characters XML cannot carry, in data order, with escaped pointers', () => {
    const data = { 'a/b': ['ok', 'x\u0000'], 't~': { u: '\uFFFE', v: 1, w: null }, z: [['\uD800']] };
    expect(illegalCharacters(data).map((e) => e.instancePath)).toEqual(['/a~1b/1', '/t~0/u', '/z/0/0']);
    expect(illegalCharacters({ a: 'fine', b: [1, true, null] })).toEqual([]);
    expect(illegalCharacters('\u0001', '/feld')).toEqual([{ instancePath: '/feld', schemaPath: '#/x-xml-characters', keyword: 'x-xml-characters', params: {} }]);
  });

  it('checks x-format on every string of its field, also in arrays, next to the XML characters', () => {
    const schema: FormSchemaNode = {
      type: 'object',
      properties: {
        konten: { type: 'array', items: { type: 'object', properties: { iban: { type: 'string', 'x-format': 'iban', 'x-label': { de: 'IBAN' } } } } },
        name: { type: 'string', 'x-label': { de: 'Name' } },
      },
    } as FormSchemaNode;
    // JSON Schema itself accepts everything here: what is reported comes from the checks beyond it
    const form = new CompiledForm(Object.assign(() => true, { errors: null }) as unknown as ValidateFunction, schema, { de: 'Test' });
    const outcome = form.check({ konten: [{ iban: 'DE89370400440532013000' }, { iban: 'DE00000000000000000000' }, { iban: 'DE89370400440532013001' }], name: 'A\u0007' }, 'de');
    expect(outcome.valid).toBe(false);
    expect(outcome.errors.map((e) => [e.instancePath, e.keyword])).toEqual([
      ['/konten/1/iban', 'x-format'],
      ['/konten/2/iban', 'x-format'],
      ['/name', 'x-xml-characters'],
    ]);
    expect(outcome.errors[0].schemaPath).toBe('#/properties/konten/items/properties/iban/x-format');
    expect(form.check({ konten: [{ iban: 'DE89370400440532013000' }], name: 'Anna' }, 'de')).toEqual({ valid: true, errors: [], truncated: false });
  });
});
