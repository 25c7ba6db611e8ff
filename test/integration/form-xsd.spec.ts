import { checkCatalogDir, codeListsOf, defaultCatalogDir, type FullCheck } from '../../src/catalog/catalog.check.js';
import type { CodeListFile } from '../../src/catalog/catalog.types.js';
import { latestVersions } from '../../src/forms/form.checker.js';
import { publishSchema } from '../../src/forms/form-schema.js';
import type { FormSchemaNode } from '../../src/forms/form.types.js';
import { fachdatenXml } from '../../src/xoev/fachdaten.serializer.js';
import { formXsd } from '../../src/xoev/form-xsd.js';
import { toXsdPattern } from '../../src/xoev/xsd-pattern.js';
import { validateAgainstXsd } from '../../src/xoev/xml-validator.js';

/** First slice of the XÖV export: an XSD per form version, and every valid example valid against it. */
describe('XSD per form version', () => {
  let check: FullCheck;
  let codeLists: Map<string, CodeListFile>;
  beforeAll(async () => {
    check = await checkCatalogDir(defaultCatalogDir());
    codeLists = codeListsOf(check.catalog);
  });

  it('carries ECMAScript patterns over to XSD where the meaning is the same', () => {
    expect(toXsdPattern('^[0-9]{5}$')).toBe('[0-9]{5}');
    expect(toXsdPattern('^(?:0|[1-9][0-9]{0,5})(?:\\.[0-9][0-9])?$')).toBe('(0|[1-9][0-9]{0,5})(\\.[0-9][0-9])?');
    expect(toXsdPattern('^(?!-)[a-z-]+$')).toBeUndefined(); // lookahead: left out
    expect(toXsdPattern('[0-9]+')).toBeUndefined(); // unanchored
  });

  it('is deterministic, compiles in libxml2, and accepts every valid example of every form', async () => {
    let examples = 0;
    const latest = latestVersions(check.catalog.forms.values());
    for (const { data: file } of latest.values()) {
      const published = publishSchema(file.schema as FormSchemaNode, codeLists);
      const xsd = formXsd(file.id, file.version, published);
      expect(formXsd(file.id, file.version, publishSchema(file.schema as FormSchemaNode, codeLists))).toBe(xsd);
      for (const [path, { data: example }] of check.catalog.formExamples) {
        if (!path.startsWith(`forms/${file.id}/examples/valid-`)) continue;
        examples += 1;
        const xml = fachdatenXml(file.id, file.version, published, example.data);
        const result = await validateAgainstXsd(xml, [{ fileName: `${file.id}.xsd`, contents: xsd }]);
        expect([path, result.errors]).toEqual([path, []]);
      }
    }
    expect(examples).toBeGreaterThanOrEqual(24);
  });

  it('rejects what the form rejects, and escapes citizen text', async () => {
    const form = latestVersions(check.catalog.forms.values()).get('schuelerbefoerderung-antrag')!.data;
    const published = publishSchema(form.schema as FormSchemaNode, codeLists);
    const xsd = [{ fileName: 'f.xsd', contents: formXsd(form.id, form.version, published) }];
    const example = [...check.catalog.formExamples].find(([p]) => p.endsWith('schuelerbefoerderung-antrag/examples/valid-bus.json'))![1].data.data as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const tricky = { ...example, antragsteller: { ...example.antragsteller, vorname: 'Ä <b>&amp; "x" ]]> --> 😀 Łódź' } };
    const ok = await validateAgainstXsd(fachdatenXml(form.id, form.version, published, tricky), xsd);
    expect(ok.errors).toEqual([]);
    const badPostcode = { ...example, anschrift: { ...example.anschrift, postleitzahl: '4966' } };
    expect((await validateAgainstXsd(fachdatenXml(form.id, form.version, published, badPostcode), xsd)).valid).toBe(false);
    const badCode = { ...example, anschrift: { ...example.anschrift, gemeinde: '03459999' } };
    expect((await validateAgainstXsd(fachdatenXml(form.id, form.version, published, badCode), xsd)).valid).toBe(false);
  });

  it('maps date, time and date-time to their XSD types', async () => {
    const schema: FormSchemaNode = {
      type: 'object',
      required: ['tag', 'uhrzeit', 'zeitpunkt'],
      properties: { tag: { type: 'string', format: 'date' }, uhrzeit: { type: 'string', format: 'time' }, zeitpunkt: { type: 'string', format: 'date-time' } },
    };
    const contents = formXsd('zeiten', '1.0', schema);
    expect(contents).toMatch(/name="uhrzeit"[^>]*type="xs:time"|name="uhrzeit"[\s\S]*?base="xs:time"/);
    const xsd = [{ fileName: 'z.xsd', contents }];
    const valid = { tag: '2026-11-25', uhrzeit: '14:30:00+01:00', zeitpunkt: '2026-11-25T14:30:00Z' };
    expect((await validateAgainstXsd(fachdatenXml('zeiten', '1.0', schema, valid), xsd)).errors).toEqual([]);
    expect((await validateAgainstXsd(fachdatenXml('zeiten', '1.0', schema, { ...valid, uhrzeit: '25:00:00Z' }), xsd)).valid).toBe(false);
  });

  it('keeps amounts to cents and absolute date bounds', async () => {
    const schema: FormSchemaNode = {
      type: 'object',
      required: ['betrag', 'tag'],
      properties: {
        betrag: { type: 'number', minimum: 0, multipleOf: 0.01, 'x-widget': 'currency' },
        tag: { type: 'string', format: 'date', formatMinimum: '2026-01-01', formatMaximum: '2026-12-31' },
      },
    };
    const xsd = [{ fileName: 'b.xsd', contents: formXsd('betraege', '1.0', schema) }];
    const check = async (data: Record<string, unknown>) => (await validateAgainstXsd(fachdatenXml('betraege', '1.0', schema, data), xsd)).valid;
    expect(await check({ betrag: 19.99, tag: '2026-06-30' })).toBe(true);
    expect(await check({ betrag: 1e-7, tag: '2026-06-30' })).toBe(false);
    expect(await check({ betrag: 19.999, tag: '2026-06-30' })).toBe(false);
    expect(await check({ betrag: 19.99, tag: '2027-01-01' })).toBe(false);
    expect(await check({ betrag: 19.99, tag: '2025-12-31' })).toBe(false);
  });

  it('holds generated XSDs to the schema for schemas: libxml2 refuses a schema that breaks its content models', async () => {
    const schema: FormSchemaNode = { type: 'object', properties: { name: { type: 'string', maxLength: 10 } } };
    const good = formXsd('s4s', '1.0', schema);
    expect((await validateAgainstXsd(fachdatenXml('s4s', '1.0', schema, { name: 'a' }), [{ fileName: 'good.xsd', contents: good }])).valid).toBe(true);
    const data = fachdatenXml('s4s', '1.0', schema, { name: 'a' });
    // an attribute XML Schema does not define; an element where xs:complexType allows none
    const unknownAttribute = good.replace('name="name"', 'tipp="x" name="name"');
    const misplacedElement = good.replace('<xs:complexType>', '<xs:complexType><xs:element name="lose"/>');
    for (const broken of [unknownAttribute, misplacedElement]) expect(broken).not.toBe(good);
    await expect(validateAgainstXsd(data, [{ fileName: 'a.xsd', contents: unknownAttribute }])).rejects.toThrow(/attribute 'tipp' is not allowed[\s\S]*failed to compile/);
    await expect(validateAgainstXsd(data, [{ fileName: 'b.xsd', contents: misplacedElement }])).rejects.toThrow(/content is not valid[\s\S]*failed to compile/);
  });
});
