import { createCatalogAjv } from '../../catalog/catalog.schemas.js';
import type { Catalog } from '../../catalog/catalog.types.js';
import { Localizer } from '../../catalog/localize.js';
import { checkForms } from '../../forms/form.checker.js';
import { rjsfUiSchema } from '../../forms/form-render.js';
import { publishSchema, validationSchema } from '../../forms/form-schema.js';
import type { FormSchemaNode, FormVersionFile } from '../../forms/form.types.js';
import { CompiledForm, createFormAjv } from '../../forms/form-validator.js';
import type { Element, FimStammdatenschema, Regel, Struktur } from '../../generated/fim-stammdatenschema.js';
import { fachdatenXml } from '../../xoev/fachdaten.serializer.js';
import { formXsd } from '../../xoev/form-xsd.js';
import { validateAgainstXsd } from '../../xoev/xml-validator.js';
import { ImportProblemCode, type GenericodeList, type ImportProblem } from '../import.problems.js';
import { isPlaceholder, propertyKey, stammdatenschemaToForm, type XdfFormOptions } from './xdf-form.mapper.js';

/*
 * Fixtures are built by hand as IR. Every id with 99 after its letter (S99000001, G99000001, F99000001,
 * R99000001, …) and every urn:lotse:test:… code list is MADE UP for these tests; only
 * F00-4cb0dd14-629c-4661-9435-4e9eadc43e07 is a real FIM id (from S05000058).
 */

type Node = FormSchemaNode;
type Data = Record<string, unknown>;

const TODAY = '2026-11-25';
const STRICT: XdfFormOptions = { formId: 'fim-test', version: '1.0', owner: 'test-amt', serviceId: 'test-leistung', lenient: false };
const LENIENT: XdfFormOptions = { ...STRICT, lenient: true };
const UUID = '3f2b8c1e-5d4a-4b6f-9a8e-1c2d3e4f5a6b';

const k = (id: string) => `${id}@1.0`;
const at = (id: string, anzahl = '1:1'): Struktur => ({ anzahl, element: k(id) });

function feld(id: string, datentyp: string, more: Partial<Element> = {}, label = `Feld ${id}`): [string, Element] {
  return [k(id), { art: 'FELD', angaben: { identifikation: { id, version: '1.0' }, name: label }, regelKeys: [], feldart: 'input', datentyp, ...more }];
}

function gruppe(id: string, struktur: Struktur[], more: Partial<Element> = {}, label = `Gruppe ${id}`): [string, Element] {
  return [k(id), { art: 'GRUPPE', angaben: { identifikation: { id, version: '1.0' }, name: label }, regelKeys: [], struktur, ...more }];
}

function schema(struktur: Struktur[], elements: Array<[string, Element]>, more: Partial<FimStammdatenschema> = {}): FimStammdatenschema {
  return {
    standard: 'XDATENFELDER_2',
    angaben: { identifikation: { id: 'S99000001', version: '1.0' }, name: 'Testschema' },
    struktur,
    elements: Object.fromEntries(elements),
    regeln: {},
    ...more,
  };
}

const props = (node: Node | FormVersionFile['schema']): Record<string, Node> => (node as Node).properties ?? {};
const codes = (problems: ImportProblem[]) => problems.map((p) => p.code);

const catalogAjv = createCatalogAjv();

/** What the catalog's form checker says about the form (labels, bounded strings, layout, ajv strict compile). */
function checkerProblems(form: FormVersionFile): string[] {
  const problems: string[] = [];
  // checkForms only asks whether the owner and the service exist, so stubs stand in for them
  const catalog = {
    areas: new Map(),
    organisations: new Map([[form.owner, {}]]),
    services: new Map([[form.serviceId, {}]]),
    servicePoints: new Map(),
    codeLists: new Map(),
    overrides: new Map(),
    forms: new Map([[`${form.id}@${form.version}`, { data: form, path: `catalog/forms/${form.id}/${form.version}.json`, hash: '' }]]),
    formExamples: new Map(),
  } as unknown as Catalog;
  checkForms(catalog, (_path, pointer, message) => problems.push(`${pointer}: ${message}`), TODAY);
  return problems;
}

/**
 * The produced form is usable: valid against form.schema.json, clean for the form checker, compiles with
 * createFormAjv, accepts `valid` and refuses each of `invalid`, and the XSD built from it accepts the XML of `valid`.
 */
async function expectUsable(form: FormVersionFile, valid: Data, invalid: Data[]): Promise<{ published: Node; xsd: string }> {
  const validateFile = catalogAjv.getSchema('form.schema.json');
  if (!validateFile) throw new Error('form.schema.json is missing');
  expect([validateFile(form), validateFile.errors]).toEqual([true, null]);
  expect(checkerProblems(form)).toEqual([]);

  const published = publishSchema(form.schema as Node, new Map());
  // the server's check: the served schema plus the x-format checks (IBAN, DIN 91379)
  const form_ = new CompiledForm(createFormAjv().compile(validationSchema(published, TODAY)), published, form.title);
  expect(form_.check(valid, 'de').errors).toEqual([]);
  for (const data of invalid) expect([data, form_.check(data, 'de').valid]).toEqual([data, false]);

  const xsd = formXsd(form.id, form.version, published);
  const result = await validateAgainstXsd(fachdatenXml(form.id, form.version, published, valid), [{ fileName: 'form.xsd', contents: xsd }]);
  expect(result.errors).toEqual([]);
  expect(result.valid).toBe(true);
  return { published, xsd };
}

describe('propertyKey', () => {
  it('keeps a FIM id that is a valid property name', () => {
    expect(propertyKey('F05001344', new Set())).toBe('F05001344');
    expect(propertyKey('G60000000088', new Set())).toBe('G60000000088');
  });
  it('sanitises other ids: other characters become _, F_ in front when no letter starts it, at most 64 characters', () => {
    expect(propertyKey('F00-4cb0dd14-629c-4661-9435-4e9eadc43e07', new Set())).toBe('F00_4cb0dd14_629c_4661_9435_4e9eadc43e07');
    expect(propertyKey('123', new Set())).toBe('F_123');
    expect(propertyKey('Äb', new Set())).toBe('F__b');
    expect(propertyKey('', new Set())).toBe('F_');
    const long = propertyKey(`F-${'9'.repeat(80)}`, new Set());
    expect(long).toHaveLength(64);
    expect(long).toMatch(/^F_9+$/);
  });
  it('makes keys unique per parent with _2, _3 … and stays within 64 characters', () => {
    expect(propertyKey('F99000001', new Set(['F99000001']))).toBe('F99000001_2');
    expect(propertyKey('F99000001', new Set(['F99000001', 'F99000001_2']))).toBe('F99000001_3');
    const base = `F${'1'.repeat(63)}`;
    expect(propertyKey(base, new Set([base]))).toBe(`F${'1'.repeat(61)}_2`);
  });
});

describe('isPlaceholder', () => {
  it('treats empty texts, -, . and whitespace as no text', () => {
    for (const value of [undefined, '', '-', '.', '  ', ' - ', '\n']) expect([value, isPlaceholder(value)]).toEqual([value, true]);
    for (const value of ['x', '-1', 'Name', '...?']) expect([value, isPlaceholder(value)]).toEqual([value, false]);
  });
});

describe('stammdatenschemaToForm', () => {
  it('maps anzahl per position: single or array, required when min ≥ 1, 0:0 left out with a warning', async () => {
    const ir = schema(
      [at('F99000001', '1:1'), at('F99000002', '0:1'), at('F99000003', '1:*'), at('F99000004', '0:*'), at('F99000005', '2:5'), at('F99000006', '0:0')],
      ['F99000001', 'F99000002', 'F99000003', 'F99000004', 'F99000005', 'F99000006'].map((id) => feld(id, 'text', { praezisierung: { maxLength: 20 } })),
    );
    const { form, warnings, errors } = stammdatenschemaToForm(ir, [], STRICT);
    expect(errors).toEqual([]);
    expect(codes(warnings)).toEqual([ImportProblemCode.NOT_APPLIED]);
    expect(warnings[0].message).toContain('F99000006');

    const p = props(form.schema);
    expect(Object.keys(p)).toEqual(['F99000001', 'F99000002', 'F99000003', 'F99000004', 'F99000005']);
    expect((form.schema as Node).required).toEqual(['F99000001', 'F99000003', 'F99000005']);
    expect(p.F99000001).toEqual({
      type: 'string',
      maxLength: 20,
      'x-label': { de: 'Feld F99000001' },
      'x-fim': { id: 'F99000001', version: '1.0', datentyp: 'text', feldart: 'input' },
    });
    expect(p.F99000003).toEqual({
      type: 'array',
      minItems: 1,
      'x-label': { de: 'Feld F99000003' },
      'x-fim': { id: 'F99000003', version: '1.0', datentyp: 'text', feldart: 'input' },
      items: { type: 'string', maxLength: 20, 'x-label': { de: 'Feld F99000003' } },
    });
    expect(p.F99000004).toMatchObject({ type: 'array', minItems: 0 });
    expect(p.F99000004).not.toHaveProperty('maxItems');
    expect(p.F99000005).toMatchObject({ type: 'array', minItems: 2, maxItems: 5 });

    const valid = { F99000001: 'a', F99000003: ['x'], F99000004: [], F99000005: ['a', 'b'] };
    await expectUsable(form, valid, [
      {},
      { ...valid, F99000003: [] },
      { ...valid, F99000005: ['a'] },
      { ...valid, F99000005: ['1', '2', '3', '4', '5', '6'] },
      { ...valid, F99000002: ['not a list'] },
      { ...valid, F99000006: 'left out' },
    ]);
  });

  it('reports an unreadable anzahl: an error in strict mode, a warning and 0:1 in lenient mode', async () => {
    const ir = schema([at('F99000001', '1-2'), at('F99000002', '3:1'), at('F99000003')], ['F99000001', 'F99000002', 'F99000003'].map((id) => feld(id, 'text')));
    const strict = stammdatenschemaToForm(ir, [], STRICT);
    expect(codes(strict.errors)).toEqual([ImportProblemCode.STRUCTURE, ImportProblemCode.STRUCTURE]);
    expect(strict.errors[0].message).toContain('„1-2“');

    const lenient = stammdatenschemaToForm(ir, [], LENIENT);
    expect(lenient.errors).toEqual([]);
    expect(codes(lenient.warnings)).toEqual([ImportProblemCode.STRUCTURE, ImportProblemCode.STRUCTURE]);
    expect(props(lenient.form.schema).F99000001).toMatchObject({ type: 'string', maxLength: 1000 });
    // the IR schema cannot hold "1-2", so the stored copy says what the form does; "3:1" it can hold and keeps
    expect(lenient.form.fim?.stammdatenschema?.struktur.map((s) => s.anzahl)).toEqual(['0:1', '3:1', '1:1']);
    expect(ir.struktur[0].anzahl).toBe('1-2');
    expect((lenient.form.schema as Node).required).toEqual(['F99000003']);
    await expectUsable(lenient.form, { F99000003: 'x' }, [{ F99000001: ['x'], F99000003: 'x' }]);
  });

  it('computes required per parent: the same group is required in one place and optional in another', async () => {
    const ir = schema(
      [at('G99000002'), at('G99000003')],
      [
        feld('F99000010', 'text', { praezisierung: { minLength: 1, maxLength: 30 } }),
        gruppe('G99000001', [at('F99000010')], {}, 'Anschrift'),
        gruppe('G99000002', [at('G99000001', '1:1')], {}, 'Wohnsitz'),
        gruppe('G99000003', [at('G99000001', '0:1')], {}, 'Zustellung'),
      ],
    );
    const { form, warnings, errors } = stammdatenschemaToForm(ir, [], STRICT);
    expect([warnings, errors]).toEqual([[], []]);
    const p = props(form.schema);
    expect(p.G99000002.required).toEqual(['G99000001']);
    expect(p.G99000003).not.toHaveProperty('required');
    expect(props(p.G99000002).G99000001).toEqual(props(p.G99000003).G99000001);
    expect(props(p.G99000002).G99000001).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: { F99000010: expect.objectContaining({ type: 'string', minLength: 1, maxLength: 30 }) },
      required: ['F99000010'],
      'x-label': { de: 'Anschrift' },
      'x-fim': { id: 'G99000001', version: '1.0' },
      'x-order': ['F99000010'],
    });
    expect(form.layout.steps.map((s) => [s.id, s.title.de, s.sections.map((x) => [x.id, x.fields])])).toEqual([
      ['schritt-1', 'Wohnsitz', [['abschnitt-1', ['G99000002']]]],
      ['schritt-2', 'Zustellung', [['abschnitt-2', ['G99000003']]]],
    ]);
    await expectUsable(form, { G99000002: { G99000001: { F99000010: 'Hauptstr. 1' } }, G99000003: {} }, [
      { G99000002: {}, G99000003: {} },
      { G99000002: { G99000001: { F99000010: 'Hauptstr. 1' } }, G99000003: { G99000001: {} } },
      { G99000002: { G99000001: { F99000010: 'Hauptstr. 1', extra: 'x' } }, G99000003: {} },
    ]);
  });

  it('maps every datentyp to a bounded JSON Schema type (date-time, not datetime; no minimum on dates)', async () => {
    const ir = schema(
      ['F99000021', 'F99000022', 'F99000023', 'F99000024', 'F99000025', 'F99000026', 'F99000027', 'F99000028', 'F99000029', 'F99000030', 'F99000031'].map((id) => at(id)).concat(at('F99000032', '0:1')),
      [
        feld('F99000021', 'text', { praezisierung: { minLength: 2, maxLength: 50 } }),
        feld('F99000022', 'text_latin', { praezisierung: { maxLength: 100 } }),
        feld('F99000023', 'date', { praezisierung: { minValue: '2000-01-01', maxValue: '2030-12-31' } }),
        feld('F99000024', 'time'),
        feld('F99000025', 'datetime'),
        feld('F99000026', 'bool'),
        feld('F99000027', 'num', { praezisierung: { minValue: '0', maxValue: '1000,5' } }),
        feld('F99000028', 'num_int', { praezisierung: { minValue: '1.5', maxValue: '10' } }),
        feld('F99000029', 'num_currency', { praezisierung: { minValue: '0' } }),
        feld('F99000030', 'obj'),
        feld('F99000031', 'file', { mediaType: ['application/pdf'], maxSize: 1048576 }),
        feld('F99000032', 'file'),
      ],
      { standard: 'XDATENFELDER_3', angaben: { identifikation: { id: 'S99000001', version: '1.0.0' }, name: 'Testschema' } },
    );
    const { form, warnings, errors } = stammdatenschemaToForm(ir, [], STRICT);
    expect([warnings, errors]).toEqual([[], []]);
    const p = props(form.schema);
    expect(p.F99000021).toMatchObject({ type: 'string', minLength: 2, maxLength: 50 });
    expect(p.F99000022).toMatchObject({ type: 'string', maxLength: 100, 'x-format': 'din91379' });
    expect(p.F99000023).toMatchObject({ type: 'string', format: 'date', maxLength: 10, formatMinimum: '2000-01-01', formatMaximum: '2030-12-31' });
    expect(p.F99000023).not.toHaveProperty('minimum');
    expect(p.F99000024).toMatchObject({ type: 'string', format: 'time' });
    expect(p.F99000025).toMatchObject({ type: 'string', format: 'date-time', maxLength: 35 });
    expect(p.F99000026).toMatchObject({ type: 'boolean' });
    expect(p.F99000027).toMatchObject({ type: 'number', minimum: 0, maximum: 1000.5 });
    expect(p.F99000028).toMatchObject({ type: 'integer', minimum: 2, maximum: 10 });
    expect(p.F99000029).toMatchObject({ type: 'number', minimum: 0, multipleOf: 0.01, 'x-widget': 'currency' });
    expect(p.F99000030).toMatchObject({ type: 'string', maxLength: 1000 });
    expect(p.F99000031).toMatchObject({ type: 'object', 'x-widget': 'attachment', additionalProperties: false, required: ['attachmentId', 'fileName', 'mediaType', 'size'] });
    expect(props(p.F99000031).mediaType.enum).toEqual(['application/pdf']);
    expect(props(p.F99000031).size).toMatchObject({ type: 'integer', minimum: 1, maximum: 1048576 });
    expect(props(p.F99000032).mediaType.enum).toEqual(['application/pdf', 'image/jpeg', 'image/png']);
    expect(props(p.F99000032).size).not.toHaveProperty('maximum');
    expect(form.fim?.version).toBe('1.0.0');

    const valid = {
      F99000021: 'ab',
      F99000022: 'Łódź Ångström',
      F99000023: '2026-11-25',
      F99000024: '10:30:00+01:00',
      F99000025: '2026-11-25T10:30:00Z',
      F99000026: true,
      F99000027: 1000.5,
      F99000028: 2,
      F99000029: 19.99,
      F99000030: 'data:application/octet-stream;base64,AA==',
      F99000031: { attachmentId: UUID, fileName: 'nachweis.pdf', mediaType: 'application/pdf', size: 1000 },
    };
    await expectUsable(form, valid, [
      { ...valid, F99000021: 'a' },
      { ...valid, F99000022: 'Москва' },
      { ...valid, F99000023: '1999-12-31' },
      { ...valid, F99000023: '2026-02-30' },
      { ...valid, F99000024: '25:00:00Z' },
      { ...valid, F99000025: '2026-11-25 10:30:00Z' },
      { ...valid, F99000025: '2026-11-25' },
      { ...valid, F99000026: 'ja' },
      { ...valid, F99000027: 1000.6 },
      { ...valid, F99000028: 1 },
      { ...valid, F99000028: 2.5 },
      { ...valid, F99000029: -1 },
      { ...valid, F99000029: 19.999 },
      { ...valid, F99000031: { ...valid.F99000031, mediaType: 'image/png' } },
      { ...valid, F99000031: { ...valid.F99000031, size: 2000000 } },
      { ...valid, F99000031: { ...valid.F99000031, attachmentId: 'x' } },
    ]);
  });

  it('applies praezisierung: lengths, anchored patterns (whole value), a default maxLength, and warns about what does not fit', async () => {
    const ir = schema(
      [at('F99000041'), at('F99000042'), at('F99000043', '0:1')],
      [
        feld('F99000041', 'text', { praezisierung: { pattern: '[A-Z][0-9]+' } }),
        feld('F99000042', 'text', { praezisierung: { text: '' } }),
        feld('F99000043', 'num', { praezisierung: { minValue: 'eins', maxLength: 5 } }),
      ],
    );
    const { form, warnings, errors } = stammdatenschemaToForm(ir, [], STRICT);
    expect(errors).toEqual([]);
    expect(codes(warnings)).toEqual([ImportProblemCode.NOT_APPLIED, ImportProblemCode.NOT_APPLIED]);
    const p = props(form.schema);
    expect(p.F99000041).toMatchObject({ type: 'string', maxLength: 1000, pattern: '^(?:[A-Z][0-9]+)$' });
    expect(p.F99000042).toMatchObject({ type: 'string', maxLength: 1000 });
    expect(p.F99000043).toMatchObject({ type: 'number' });
    expect(p.F99000043).not.toHaveProperty('minimum');
    const { xsd } = await expectUsable(form, { F99000041: 'A12', F99000042: '' }, [{ F99000041: 'xA12', F99000042: '' }, { F99000041: 'A12x', F99000042: '' }]);
    expect(xsd).toContain('<xs:pattern value="([A-Z][0-9]+)"/>');

    const crossed = schema([at('F99000044')], [feld('F99000044', 'text', { praezisierung: { minLength: 10, maxLength: 5 } })]);
    expect(codes(stammdatenschemaToForm(crossed, [], STRICT).errors)).toEqual([ImportProblemCode.STRUCTURE]);
    const lenient = stammdatenschemaToForm(crossed, [], LENIENT);
    expect(props(lenient.form.schema).F99000044).toEqual(expect.objectContaining({ type: 'string', maxLength: 5 }));
    expect(props(lenient.form.schema).F99000044).not.toHaveProperty('minLength');
  });

  it('refuses unsafe or broken patterns in strict mode and drops them with a warning in lenient mode', async () => {
    const ir = schema(
      [at('F99000045'), at('F99000046')],
      [feld('F99000045', 'text', { praezisierung: { maxLength: 20, pattern: '(a+)+$' } }), feld('F99000046', 'text', { praezisierung: { maxLength: 20, pattern: '[' } })],
    );
    const strict = stammdatenschemaToForm(ir, [], STRICT);
    expect(codes(strict.errors)).toEqual([ImportProblemCode.PATTERN_UNSAFE, ImportProblemCode.PATTERN_UNSAFE]);
    expect(strict.errors[0].message).toContain('(a+)+$');

    const lenient = stammdatenschemaToForm(ir, [], LENIENT);
    expect(lenient.errors).toEqual([]);
    expect(codes(lenient.warnings)).toEqual([ImportProblemCode.PATTERN_UNSAFE, ImportProblemCode.PATTERN_UNSAFE]);
    expect(props(lenient.form.schema).F99000045).toEqual({
      type: 'string',
      maxLength: 20,
      'x-label': { de: 'Feld F99000045' },
      'x-fim': { id: 'F99000045', version: '1.0', datentyp: 'text', feldart: 'input' },
    });
    await expectUsable(lenient.form, { F99000045: 'aaaa!', F99000046: '[' }, [{ F99000045: 'a'.repeat(21), F99000046: '' }]);
  });

  describe('select fields', () => {
    // made-up lists; the code column has a non-standard id, which the genericode parser already resolved via codeKey
    const staat = (version: string, extra: Array<{ code: string; name: string }> = []): GenericodeList => ({
      shortName: 'staat',
      canonicalUri: 'urn:lotse:test:codeliste:staat',
      version,
      canonicalVersionUri: `urn:lotse:test:codeliste:staat_${version}`,
      codeColumn: 'schluessel-staat',
      nameColumn: 'staatsangehoerigkeit',
      codes: [{ code: '000', name: 'deutsch' }, { code: '121', name: 'albanisch' }, ...extra],
    });
    const select = (id: string, codeliste: Element['codeliste']) => feld(id, 'text', { feldart: 'select', codeliste });

    it('finds the code list by canonicalVersionUri, by canonical URI + version, or by URI alone (latest, with a warning)', async () => {
      const ir = schema(
        [at('F99000051'), at('F99000052'), at('F99000053', '0:1')],
        [
          select('F99000051', { id: 'C99000001', canonicalIdentification: 'urn:lotse:test:codeliste:staat', genericodeVersion: '2024-01-01', canonicalVersionUri: 'urn:lotse:test:codeliste:staat_2024-01-01' }),
          select('F99000052', { canonicalIdentification: 'urn:lotse:test:codeliste:staat', genericodeVersion: '2023-01-01' }),
          select('F99000053', { canonicalIdentification: 'urn:lotse:test:codeliste:staat' }),
        ],
      );
      const lists = [staat('2024-01-01', [{ code: '122', name: 'andorranisch' }]), staat('2023-01-01')];
      const { form, warnings, errors } = stammdatenschemaToForm(ir, lists, STRICT);
      expect(errors).toEqual([]);
      expect(codes(warnings)).toEqual([ImportProblemCode.NOT_APPLIED]);
      expect(warnings[0].message).toContain('2024-01-01');
      const p = props(form.schema);
      expect(p.F99000051).toMatchObject({
        type: 'string',
        enum: ['000', '121', '122'],
        'x-enum-labels': { '000': { de: 'deutsch' }, '121': { de: 'albanisch' }, '122': { de: 'andorranisch' } },
      });
      expect(p.F99000051).not.toHaveProperty('x-codelist');
      expect(p.F99000052.enum).toEqual(['000', '121']);
      expect(p.F99000053.enum).toEqual(['000', '121', '122']);
      const { xsd } = await expectUsable(form, { F99000051: '122', F99000052: '000' }, [{ F99000051: '999', F99000052: '000' }, { F99000051: '122', F99000052: '122' }]);
      expect(xsd).toContain('<xs:enumeration value="122"/>');
    });

    it('reports a missing code list: an error naming it in strict mode, a bounded text field in lenient mode', async () => {
      const ir = schema([at('F99000054')], [select('F99000054', { canonicalVersionUri: 'urn:lotse:test:codeliste:fehlt_1' })]);
      const strict = stammdatenschemaToForm(ir, [staat('2024-01-01')], STRICT);
      expect(codes(strict.errors)).toEqual([ImportProblemCode.CODELIST_MISSING]);
      expect(strict.errors[0].message).toContain('urn:lotse:test:codeliste:fehlt_1');

      const lenient = stammdatenschemaToForm(ir, [], LENIENT);
      expect(lenient.errors).toEqual([]);
      expect(codes(lenient.warnings)).toEqual([ImportProblemCode.CODELIST_MISSING]);
      expect(props(lenient.form.schema).F99000054).toMatchObject({ type: 'string', maxLength: 200 });
      expect(props(lenient.form.schema).F99000054).not.toHaveProperty('enum');
      await expectUsable(lenient.form, { F99000054: 'frei' }, [{ F99000054: 'x'.repeat(201) }]);
    });

    it('reports an empty code list as CODELIST_INVALID', () => {
      const ir = schema([at('F99000055')], [select('F99000055', { canonicalVersionUri: 'urn:lotse:test:codeliste:staat_2024-01-01' })]);
      const empty = { ...staat('2024-01-01'), codes: [] };
      expect(codes(stammdatenschemaToForm(ir, [empty], STRICT).errors)).toEqual([ImportProblemCode.CODELIST_INVALID]);
      const lenient = stammdatenschemaToForm(ir, [empty], LENIENT);
      expect(codes(lenient.warnings)).toEqual([ImportProblemCode.CODELIST_INVALID]);
      expect(props(lenient.form.schema).F99000055).toMatchObject({ type: 'string', maxLength: 200 });
    });

    it('maps xdf3 inline werte to enum + x-enum-labels', async () => {
      const ir = schema([at('F99000061')], [feld('F99000061', 'text', { feldart: 'select', werte: [{ code: 'J', name: 'Ja' }, { code: 'N', name: 'Nein', hilfe: 'Nur wenn …' }] })], {
        standard: 'XDATENFELDER_3',
      });
      const { form, warnings, errors } = stammdatenschemaToForm(ir, [], STRICT);
      expect([warnings, errors]).toEqual([[], []]);
      expect(props(form.schema).F99000061).toMatchObject({ type: 'string', enum: ['J', 'N'], 'x-enum-labels': { J: { de: 'Ja' }, N: { de: 'Nein' } } });
      await expectUsable(form, { F99000061: 'N' }, [{ F99000061: 'Nein' }, {}]);
    });
  });

  it('turns label fields into help of their group or into the description of the top-level section', async () => {
    const ir = schema(
      [at('F99000074'), at('F99000075'), at('G99000071'), at('F99000076')],
      [
        gruppe('G99000071', [at('F99000072'), at('F99000073', '0:1')], { angaben: { identifikation: { id: 'G99000071', version: '1.0' }, name: 'Person', hilfetextEingabe: 'Angaben zur Person.' } }),
        feld('F99000072', 'text', { feldart: 'label', inhalt: 'Bitte tragen Sie den Namen wie im Ausweis ein.' }),
        feld('F99000073', 'text', { praezisierung: { maxLength: 60 }, angaben: { identifikation: { id: 'F99000073', version: '1.0' }, name: 'name', bezeichnungEingabe: 'Familienname', hilfetextEingabe: '-' } }),
        feld('F99000074', 'text', { feldart: 'label', inhalt: '-', angaben: { identifikation: { id: 'F99000074', version: '1.0' }, name: 'hinweis', bezeichnungEingabe: 'Hinweis zu den Angaben' } }),
        feld('F99000075', 'bool'),
        feld('F99000076', 'text', { feldart: 'label', inhalt: 'Vielen Dank.' }),
      ],
    );
    const { form, warnings, errors } = stammdatenschemaToForm(ir, [], STRICT);
    expect([warnings, errors]).toEqual([[], []]);
    const p = props(form.schema);
    expect(Object.keys(p)).toEqual(['F99000075', 'G99000071']);
    expect(p.G99000071['x-help']).toEqual({ de: 'Angaben zur Person.\n\nBitte tragen Sie den Namen wie im Ausweis ein.' });
    expect(Object.keys(props(p.G99000071))).toEqual(['F99000073']);
    expect(props(p.G99000071).F99000073['x-label']).toEqual({ de: 'Familienname' });
    expect(props(p.G99000071).F99000073).not.toHaveProperty('x-help');
    expect(form.layout.steps.map((s) => s.sections.map((x) => [x.title.de, x.description?.de, x.fields]))).toEqual([
      [['Angaben', 'Hinweis zu den Angaben', ['F99000075']]],
      [['Person', 'Vielen Dank.', ['G99000071']]],
    ]);
    await expectUsable(form, { F99000075: false, G99000071: {} }, [{ F99000075: false, G99000071: {}, F99000072: 'x' }]);
  });

  it('maps hidden and locked fields and takes inhalt as default where it fits the field', async () => {
    const ir = schema(
      ['F99000081', 'F99000082', 'F99000083', 'F99000084', 'F99000085', 'F99000086'].map((id) => at(id)).concat(at('F99000087')),
      [
        feld('F99000081', 'text', { feldart: 'hidden', inhalt: 'intern-1', praezisierung: { maxLength: 20 } }),
        feld('F99000082', 'num_int', { feldart: 'locked', inhalt: '42' }),
        feld('F99000083', 'bool', { inhalt: 'true' }),
        feld('F99000084', 'num', { inhalt: 'viel' }),
        feld('F99000085', 'text', { feldart: 'select', inhalt: 'B', werte: [{ code: 'J', name: 'Ja' }, { code: 'N', name: 'Nein' }] }),
        feld('F99000086', 'text', { feldart: 'select', inhalt: 'N', werte: [{ code: 'J', name: 'Ja' }, { code: 'N', name: 'Nein' }] }),
        feld('F99000087', 'text', { feldart: 'hidden', inhalt: '' }),
      ],
      { standard: 'XDATENFELDER_3' },
    );
    const { form, warnings, errors } = stammdatenschemaToForm(ir, [], STRICT);
    expect(errors).toEqual([]);
    expect(codes(warnings)).toEqual([ImportProblemCode.NOT_APPLIED, ImportProblemCode.NOT_APPLIED, ImportProblemCode.NOT_APPLIED]);
    expect(warnings.map((w) => w.message).join(' ')).toMatch(/„viel“.*„B“.*verborgene Pflichtfeld „Feld F99000087“/);
    const p = props(form.schema);
    expect(p.F99000081).toMatchObject({ type: 'string', 'x-widget': 'hidden', default: 'intern-1' });
    expect(p.F99000082).toMatchObject({ type: 'integer', readOnly: true, default: 42 });
    expect(p.F99000083).toMatchObject({ type: 'boolean', default: true });
    expect(p.F99000084).not.toHaveProperty('default');
    expect(p.F99000085).not.toHaveProperty('default');
    expect(p.F99000086).toMatchObject({ default: 'N' });

    const valid = { F99000081: 'intern-1', F99000082: 42, F99000083: true, F99000084: 1.5, F99000085: 'J', F99000086: 'N', F99000087: 'x' };
    const { published } = await expectUsable(form, valid, [{ ...valid, F99000081: 'x'.repeat(21) }]);
    const ui = rjsfUiSchema(form, published, new Localizer('de'));
    expect(ui.F99000081).toEqual({ 'ui:widget': 'hidden' });
  });

  it('maps an Auswahlgruppe (gruppenart X) to oneOf: exactly one child', async () => {
    const ir = schema(
      [at('G99000091')],
      [
        gruppe('G99000091', [at('F99000092'), at('F99000093')], { gruppenart: 'X' }, 'Person oder Firma'),
        feld('F99000092', 'text', { praezisierung: { maxLength: 50 } }),
        feld('F99000093', 'text', { praezisierung: { maxLength: 50 } }),
      ],
      { standard: 'XDATENFELDER_3' },
    );
    const { form, warnings, errors } = stammdatenschemaToForm(ir, [], STRICT);
    expect([warnings, errors]).toEqual([[], []]);
    const g = props(form.schema).G99000091;
    expect(g.oneOf).toEqual([{ required: ['F99000092'] }, { required: ['F99000093'] }]);
    expect(g).not.toHaveProperty('required');
    await expectUsable(form, { G99000091: { F99000093: 'Muster GmbH' } }, [{ G99000091: {} }, { G99000091: { F99000092: 'Erika', F99000093: 'Muster GmbH' } }]);
  });

  it('keys a UUID-like FIM id by its sanitised form and keeps the id for x-fim and the XML element name', async () => {
    const id = 'F00-4cb0dd14-629c-4661-9435-4e9eadc43e07';
    const ir = schema([{ anzahl: '1:1', element: id }], [[id, { art: 'FELD', angaben: { identifikation: { id }, name: 'Bestätigung' }, regelKeys: [], feldart: 'input', datentyp: 'bool' }]]);
    const { form, warnings, errors } = stammdatenschemaToForm(ir, [], STRICT);
    expect([warnings, errors]).toEqual([[], []]);
    const key = 'F00_4cb0dd14_629c_4661_9435_4e9eadc43e07';
    expect(props(form.schema)[key]).toEqual({ type: 'boolean', 'x-label': { de: 'Bestätigung' }, 'x-fim': { id, datentyp: 'bool', feldart: 'input' } });
    expect(form.layout.steps[0].sections[0].fields).toEqual([key]);
    const { xsd } = await expectUsable(form, { [key]: true }, [{ [id]: true }]);
    expect(xsd).toContain(`name="${id}"`);
  });

  it('suffixes a second occurrence of the same element under one parent with _2 and warns', async () => {
    const ir = schema(
      [at('G99000101')],
      [gruppe('G99000101', [at('F99000102'), at('F99000102', '0:1'), at('F99000102', '0:1')]), feld('F99000102', 'text', { praezisierung: { maxLength: 10 } })],
    );
    const { form, warnings, errors } = stammdatenschemaToForm(ir, [], STRICT);
    expect(errors).toEqual([]);
    expect(codes(warnings)).toEqual([ImportProblemCode.STRUCTURE, ImportProblemCode.STRUCTURE]);
    expect(warnings.map((w) => w.message).join(' ')).toMatch(/F99000102_2.*F99000102_3/);
    const g = props(form.schema).G99000101;
    expect(Object.keys(props(g))).toEqual(['F99000102', 'F99000102_2', 'F99000102_3']);
    expect(g.required).toEqual(['F99000102']);
    expect(props(g).F99000102_2['x-fim']).toMatchObject({ id: 'F99000102' });
    await expectUsable(form, { G99000101: { F99000102: 'a', F99000102_2: 'b' } }, [{ G99000101: { F99000102_2: 'b' } }]);
  });

  it('keeps rules as x-rules on the schema, groups and fields, with one NOT_APPLIED warning for the import', async () => {
    const regel = (id: string, more: Partial<Regel>): [string, Regel] => [k(id), { angaben: { identifikation: { id, version: '1.0' }, name: `Regel ${id}`, ...more.angaben }, ...more }];
    const ir = schema(
      [at('G99000121')],
      [gruppe('G99000121', [at('F99000122')], { regelKeys: [k('R99000002')] }), feld('F99000122', 'text', { regelKeys: [k('R99000001'), k('R99000002')], praezisierung: { maxLength: 10 } })],
      {
        regelKeys: [k('R99000001')],
        regeln: Object.fromEntries([
          regel('R99000001', { angaben: { identifikation: { id: 'R99000001', version: '1.0' }, name: 'Pflicht bei Umzug', definition: 'Wenn F99000122 angegeben ist, dann wird G99000121 zur Pflichtangabe.' }, script: 'function script() {  }' }),
          regel('R99000002', { freitextRegel: 'Nur Großbuchstaben.', typ: 'V' }),
        ]),
      },
    );
    const { form, warnings, errors } = stammdatenschemaToForm(ir, [], STRICT);
    expect(errors).toEqual([]);
    expect(codes(warnings)).toEqual([ImportProblemCode.NOT_APPLIED]);
    expect(warnings[0].message).toContain('2 Regeln');
    const r1 = { id: 'R99000001', version: '1.0', name: 'Pflicht bei Umzug', text: { de: 'Wenn F99000122 angegeben ist, dann wird G99000121 zur Pflichtangabe.' } };
    const r2 = { id: 'R99000002', version: '1.0', name: 'Regel R99000002', text: { de: 'Nur Großbuchstaben.' } };
    expect((form.schema as Node)['x-rules']).toEqual([r1]);
    expect(props(form.schema).G99000121['x-rules']).toEqual([r2]);
    expect(props(props(form.schema).G99000121).F99000122['x-rules']).toEqual([r1, r2]);
    await expectUsable(form, { G99000121: { F99000122: 'abc' } }, [{ G99000121: {} }]);

    const missing = schema([at('F99000123')], [feld('F99000123', 'bool', { regelKeys: ['R99000009@1.0'] })]);
    expect(codes(stammdatenschemaToForm(missing, [], STRICT).errors)).toEqual([ImportProblemCode.STRUCTURE]);
  });

  it('lays out one step per top-level group and gathers top-level fields; beyond 20 steps the rest become sections of the last step', async () => {
    const groups = Array.from({ length: 25 }, (_, i) => `G99${String(200 + i).padStart(6, '0')}`);
    const fields = groups.map((g) => `F${g.slice(1)}`);
    const ir = schema(
      groups.map((g) => at(g)),
      [...groups.map((g, i) => gruppe(g, [at(fields[i])], {}, `Abschnitt ${i + 1}`)), ...fields.map((f) => feld(f, 'bool'))],
    );
    const { form, warnings, errors } = stammdatenschemaToForm(ir, [], STRICT);
    expect([warnings, errors]).toEqual([[], []]);
    const steps = form.layout.steps;
    expect(steps).toHaveLength(20);
    expect(steps[18]).toEqual({ id: 'schritt-19', title: { de: 'Abschnitt 19' }, sections: [{ id: 'abschnitt-19', title: { de: 'Abschnitt 19' }, fields: [groups[18]] }] });
    expect(steps[19].title).toEqual({ de: 'Weitere Angaben' });
    expect(steps[19].sections.map((s) => [s.id, s.title.de, s.fields])).toEqual(groups.slice(19).map((g, i) => [`abschnitt-${20 + i}`, `Abschnitt ${20 + i}`, [g]]));
    const valid = Object.fromEntries(groups.map((g, i) => [g, { [fields[i]]: true }]));
    await expectUsable(form, valid, [{ ...valid, [groups[24]]: {} }]);
  });

  it('gathers consecutive top-level fields into "Angaben" steps, at most 100 fields per section', async () => {
    const many = Array.from({ length: 230 }, (_, i) => `F99${String(300 + i).padStart(6, '0')}`);
    const ir = schema(
      [at('F99000001'), at('G99000001'), ...many.map((f) => at(f, '0:1'))],
      [feld('F99000001', 'bool'), gruppe('G99000001', [at('F99000002')], {}, 'Kontakt'), feld('F99000002', 'bool'), ...many.map((f) => feld(f, 'bool'))],
    );
    const { form, errors } = stammdatenschemaToForm(ir, [], STRICT);
    expect(errors).toEqual([]);
    expect(form.layout.steps.map((s) => [s.title.de, s.sections.map((x) => [x.title.de, x.fields.length])])).toEqual([
      ['Angaben', [['Angaben', 1]]],
      ['Kontakt', [['Kontakt', 1]]],
      ['Angaben', [['Angaben', 100], ['Angaben (2)', 100], ['Angaben (3)', 30]]],
    ]);
    await expectUsable(form, { F99000001: true, G99000001: { F99000002: false } }, [{ F99000001: true, G99000001: {} }]);
  });

  it('fills the form header from the schema: title and description skip placeholders, fim keeps the IR, no serviceId when none is given', () => {
    const ir = schema([at('F99000001')], [feld('F99000001', 'bool')], {
      standard: 'XDATENFELDER_3',
      bezeichnung: '-',
      hilfetext: ' ',
      angaben: { identifikation: { id: 'S99000001', version: 'V1' }, name: 'antrag_test', bezeichnungEingabe: 'Antrag auf Teststellung', beschreibung: 'x'.repeat(5000) },
    });
    const before = structuredClone(ir);
    const { form, errors } = stammdatenschemaToForm(ir, [], { ...STRICT, serviceId: undefined });
    expect(errors).toEqual([]);
    expect(form).toMatchObject({ id: 'fim-test', version: '1.0', status: 'DRAFT', owner: 'test-amt', title: { de: 'Antrag auf Teststellung' } });
    expect(form).not.toHaveProperty('serviceId');
    expect([...(form.description?.de ?? '')].length).toBeLessThanOrEqual(2000);
    expect(form.description?.de.endsWith('…')).toBe(true);
    expect(form.fim).toEqual({ id: 'S99000001', stammdatenschema: before });
    expect(ir).toEqual(before);
    const validateFile = catalogAjv.getSchema('form.schema.json');
    expect(validateFile?.(form)).toBe(true);

    const named = stammdatenschemaToForm(schema([at('F99000001')], [feld('F99000001', 'bool')], { bezeichnung: 'Kurzantrag', hilfetext: 'Für alle.' }), [], STRICT).form;
    expect([named.title, named.description, named.fim?.version]).toEqual([{ de: 'Kurzantrag' }, { de: 'Für alle.' }, '1.0']);
    const plain = stammdatenschemaToForm(schema([at('F99000001')], [feld('F99000001', 'bool')]), [], STRICT).form;
    expect(plain.title).toEqual({ de: 'Testschema' });
    expect(plain).not.toHaveProperty('description');
  });

  it('is deterministic: the same input gives the same bytes', () => {
    const ir = schema(
      [at('G99000071'), at('F99000001', '0:*')],
      [gruppe('G99000071', [at('F99000002'), at('F99000003', '0:1')], { gruppenart: 'X' }), feld('F99000001', 'date'), feld('F99000002', 'text'), feld('F99000003', 'num_currency')],
    );
    const a = JSON.stringify(stammdatenschemaToForm(ir, [], LENIENT));
    const b = JSON.stringify(stammdatenschemaToForm(structuredClone(ir), [], LENIENT));
    expect(a).toBe(b);
  });

  it('treats an unknown datentyp as text with a NOT_APPLIED warning, also in strict mode', async () => {
    const ir = schema([at('F99000131')], [feld('F99000131', 'geo')]);
    const { form, warnings, errors } = stammdatenschemaToForm(ir, [], STRICT);
    expect(errors).toEqual([]);
    expect(codes(warnings)).toEqual([ImportProblemCode.NOT_APPLIED]);
    expect(warnings[0].message).toContain('„geo“');
    expect(props(form.schema).F99000131).toMatchObject({ type: 'string', maxLength: 1000, 'x-fim': { datentyp: 'geo' } });
    await expectUsable(form, { F99000131: '52.5,13.4' }, [{}]);
  });

  it('refuses a group that contains itself and a schema without fields, also in lenient mode', () => {
    const cyclic = schema([at('G99000141')], [gruppe('G99000141', [at('G99000141', '0:1'), at('F99000142')]), feld('F99000142', 'bool')]);
    expect(codes(stammdatenschemaToForm(cyclic, [], LENIENT).errors)).toEqual([ImportProblemCode.STRUCTURE]);
    const empty = schema([at('F99000143')], [feld('F99000143', 'text', { feldart: 'label', inhalt: 'Nur ein Hinweis.' })]);
    expect(codes(stammdatenschemaToForm(empty, [], LENIENT).errors)).toEqual([ImportProblemCode.STRUCTURE]);
  });
});
