/**
 * Conformance with real FIM material in ../shared/reference (or LOTSE_REFERENCE_DIR), which is never committed:
 * the Bewohnerparkausweis export S05000058 with its code lists, the flxbe test files, the official XSDs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { canonicalJson } from '../../src/common/canonical-json.js';
import { projectRoot } from '../../src/common/project-root.js';
import { publishSchema, validationSchema } from '../../src/forms/form-schema.js';
import type { FormSchemaNode, FormVersionFile } from '../../src/forms/form.types.js';
import { CompiledForm, createFormAjv } from '../../src/forms/form-validator.js';
import type { FimStammdatenschema } from '../../src/generated/fim-stammdatenschema.js';
import { readImportInput } from '../../src/interop/format-detect.js';
import { DEFAULT_XML_LIMITS } from '../../src/interop/xml/safe-xml.js';
import { codeListsOfForm } from '../../src/interop/xdf/xdf-export.js';
import { genericodeXml } from '../../src/interop/xdf/genericode.serializer.js';
import { prepareXdfForm, type XdfImportOptions } from '../../src/interop/xdf/xdf-import.js';
import { stammdatenschemaToXdf2 } from '../../src/interop/xdf/xdf2.serializer.js';
import { fachdatenXml } from '../../src/xoev/fachdaten.serializer.js';
import { formXsd, formNamespace } from '../../src/xoev/form-xsd.js';
import { validateAgainstXsd } from '../../src/xoev/xml-validator.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REFERENCE = process.env.LOTSE_REFERENCE_DIR ?? join(projectRoot(), '..', 'shared', 'reference');
const XDF = join(REFERENCE, 'xdatenfelder');
const SAMPLES = join(XDF, 'samples-xdf2');
const available = existsSync(join(SAMPLES, 'S05000058V1.0_xdf2.xml')) && existsSync(join(XDF, 'xsd-2.0', 'xdatenfelder.xsd'));
const conformance = available ? describe : describe.skip;
if (!available) console.log(`[lotse] XDatenfelder conformance tests skipped: no FIM reference files in ${XDF} (set LOTSE_REFERENCE_DIR)`);

const options = (overrides: Partial<XdfImportOptions> = {}): XdfImportOptions => ({
  lenient: false,
  xsdDir: XDF,
  codeListTexts: [],
  limits: DEFAULT_XML_LIMITS,
  formId: () => 'bewohnerparkausweis',
  version: '1.0',
  owner: '03453004',
  ...overrides,
});

async function importText(content: string, overrides: Partial<XdfImportOptions> = {}) {
  const input = readImportInput(content, 'AUTO', DEFAULT_XML_LIMITS);
  return prepareXdfForm(content, input.root!, input.format as 'XDATENFELDER_2' | 'XDATENFELDER_3', options(overrides));
}

/** The source's own structure, read independently of the importer: each position with its id, anzahl, kind and code list. */
interface SourceNode {
  id: string;
  min: number;
  max: number | '*';
  feldart?: string;
  codeList?: string;
  children: SourceNode[];
}
function sourceTree(xml: string): SourceNode[] {
  const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, isArray: (name) => name === 'struktur' });
  const doc = parser.parse(xml) as Json;
  const walk = (strukturen: Json[] = []): SourceNode[] =>
    strukturen.map((s) => {
      const [min, max] = String(s.anzahl).trim().split(':');
      const element = s.enthaelt.datenfeld ?? s.enthaelt.datenfeldgruppe;
      return {
        id: String(element.identifikation.id).trim(),
        min: Number(min),
        max: max === '*' ? '*' : Number(max),
        feldart: s.enthaelt.datenfeld ? String(element.feldart.code).trim() : undefined,
        codeList: element.codelisteReferenz?.genericodeIdentification?.canonicalVersionUri?.trim(),
        children: s.enthaelt.datenfeldgruppe ? walk(element.struktur) : [],
      };
    });
  return walk(doc['xdatenfelder.stammdatenschema.0102'].stammdatenschema.struktur);
}

function genericodeCodes(xml: string): Map<string, string[]> {
  const doc = new XMLParser({ removeNSPrefix: true, ignoreAttributes: false, parseTagValue: false, isArray: (n) => n === 'Row' || n === 'Value' || n === 'Key' }).parse(xml) as Json;
  const list = doc.CodeList;
  const codeColumn = list.ColumnSet.Key.find((k: Json) => k['@_Id'] === 'codeKey').ColumnRef['@_Ref'];
  const codes = list.SimpleCodeList.Row.map((r: Json) => String(r.Value.find((v: Json) => v['@_ColumnRef'] === codeColumn).SimpleValue).trim());
  return new Map([[String(list.Identification.CanonicalVersionUri).trim(), codes]]);
}

conformance('XDatenfelder 2.0: the real export S05000058 (Bewohnerparkausweis)', () => {
  const content = available ? readFileSync(join(SAMPLES, 'S05000058V1.0_xdf2.xml'), 'utf8') : '';
  const listFiles = available ? readdirSync(SAMPLES).filter((f) => f.endsWith('_genericode.xml')).sort() : [];
  const listTexts = listFiles.map((f) => readFileSync(join(SAMPLES, f), 'utf8'));
  let form: FormVersionFile;
  let published: FormSchemaNode;

  beforeAll(async () => {
    const result = await importText(content, { codeListTexts: listTexts });
    expect(result.errors).toEqual([]);
    form = result.form!;
    published = publishSchema(form.schema as FormSchemaNode, new Map());
  });

  it('imports in strict mode into a form whose fields, required set, array bounds and code lists match the source', () => {
    const lists = new Map(listTexts.flatMap((t) => [...genericodeCodes(t)]));
    let checked = 0;
    const compare = (nodes: SourceNode[], parent: FormSchemaNode, path: string) => {
      for (const source of nodes) {
        if (source.feldart === 'label') continue;
        // no parent in the file holds the same id twice
        const [key, property] = Object.entries(parent.properties ?? {}).find(([, p]) => p['x-fim']?.id === source.id) ?? [];
        expect({ path, id: source.id, found: property !== undefined }).toEqual({ path, id: source.id, found: true });
        const required = (parent.required ?? []).includes(key!);
        expect({ path: `${path}/${key}`, required }).toEqual({ path: `${path}/${key}`, required: source.min >= 1 });
        let value = property!;
        if (source.max === '*' || source.max > 1) {
          expect(property!.type).toBe('array');
          expect(property!.minItems).toBe(source.min);
          expect(property!.maxItems).toBe(source.max === '*' ? undefined : source.max);
          value = property!.items as FormSchemaNode;
        } else {
          expect(property!.type).not.toBe('array');
        }
        if (source.codeList) {
          expect(value.enum).toEqual(lists.get(source.codeList));
        }
        if (source.children.length) compare(source.children, value, `${path}/${key}`);
        checked += 1;
      }
    };
    compare(sourceTree(content), form.schema as FormSchemaNode, '');
    expect(checked).toBe(41); // every struktur of the file: 33 field and 8 group occurrences
    expect((form.schema as Json).properties.F00_4cb0dd14_629c_4661_9435_4e9eadc43e07['x-fim'].id).toBe('F00-4cb0dd14-629c-4661-9435-4e9eadc43e07');
    expect(form.fim).toMatchObject({ id: 'S05000058', version: '1.0' });
  });

  it('accepts the valid example submission and refuses an incomplete one; the submission exports to valid XÖV XML', async () => {
    const example = JSON.parse(readFileSync(join(projectRoot(), 'test', 'fixtures', 'xdf', 'S05000058-valid.json'), 'utf8')) as Json;
    const checker = new CompiledForm(createFormAjv().compile(validationSchema(published, '2026-11-25')), published, form.title);
    expect(checker.check(example, 'de').errors).toEqual([]);
    const incomplete = structuredClone(example);
    delete incomplete[Object.keys(example)[0]];
    expect(checker.check(incomplete, 'de').valid).toBe(false);

    const xsd = formXsd(form.id, form.version, published);
    const validation = await validateAgainstXsd(fachdatenXml(form.id, form.version, published, example), [{ fileName: 'form.xsd', contents: xsd, namespace: formNamespace(form.id, form.version) }]);
    expect(validation.errors).toEqual([]);
  });

  it('exports back to XDatenfelder 2.0 that validates, and re-importing the export gives the same form', async () => {
    const exported = stammdatenschemaToXdf2(form.fim!.stammdatenschema as FimStammdatenschema, { nachrichtID: 'LOTSE-TEST', erstellungszeitpunkt: '2026-11-25T12:00:00Z' });
    expect(exported.warnings).toEqual([]);
    const lists = codeListsOfForm(form.fim!.stammdatenschema as FimStammdatenschema, published).map(({ list }) => genericodeXml(list));
    expect(lists.length).toBe(listFiles.length);
    const again = await importText(exported.xml, { codeListTexts: lists });
    expect(again.errors).toEqual([]);
    expect(canonicalJson(again.form)).toBe(canonicalJson(form));
  });
});

const FLXBE = join(XDF, 'flxbe-tests');
const flxbe = existsSync(FLXBE) ? describe : describe.skip;
if (!existsSync(FLXBE)) console.log(`[lotse] flxbe XDatenfelder test files skipped: none in ${FLXBE} (set LOTSE_REFERENCE_DIR)`);

flxbe('XDatenfelder test files of flxbe/xdatenfelder-xml', () => {
  // SOURCES.md in the reference folder lists which files break the official XSDs
  const invalid = new Set(['v2-data/minimal.xml', 'v2-data/simple.xml', 'v2-data/select.xml', 'v2-data/data-field-rule.xml', 'v3-data/simple.xml', 'v3-data/input.xml']);
  const files = existsSync(FLXBE) ? ['v2-data', 'v3-data'].flatMap((d) => readdirSync(join(FLXBE, d)).filter((f) => f.endsWith('.xml')).map((f) => `${d}/${f}`)) : [];

  // these hold no input field (nothing, a rule, a label, an empty group): they import without a form, with a warning
  const withoutFields = new Set(['v2-data/minimal.xml', 'v2-data/rule.xml', 'v2-data/label.xml', 'v2-data/data-group-rule.xml']);

  it.each(files)('%s imports in lenient mode', async (file) => {
    const result = await importText(readFileSync(join(FLXBE, file), 'utf8'), { lenient: true, formId: () => 'flxbe-test' });
    expect(result.errors).toEqual([]);
    expect(result.schema).toBeDefined();
    if (withoutFields.has(file)) {
      expect(result.form).toBeUndefined();
      expect(result.warnings.map((w) => w.code)).toContain('NOT_APPLIED');
    } else {
      expect(Object.keys((result.form!.schema as Json).properties).length).toBeGreaterThan(0);
    }
  });

  it.each(files.filter((f) => invalid.has(f)))('%s is refused in strict mode with line numbers', async (file) => {
    const result = await importText(readFileSync(join(FLXBE, file), 'utf8'), { formId: () => 'flxbe-test' });
    expect(result.form).toBeUndefined();
    expect(result.errors.length).toBeGreaterThan(0);
    for (const error of result.errors) {
      expect(error.code).toBe('SCHEMA_VIOLATION');
      expect(error.line).toBeGreaterThan(0);
    }
  });
});
