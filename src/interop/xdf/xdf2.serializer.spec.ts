import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { projectRoot } from '../../common/project-root.js';
import type { Element, FimStammdatenschema, Regel, Struktur } from '../../generated/fim-stammdatenschema.js';
import { validateAgainstXsd, type XsdFile } from '../../xoev/xml-validator.js';
import { ImportProblemCode, ImportRejectedError, type GenericodeList } from '../import.problems.js';
import { parseXml } from '../xml/safe-xml.js';
import { genericodeXml } from './genericode.serializer.js';
import { parseXdf2 } from './xdf2.parser.js';
import { nonLatinCharacters, stammdatenschemaToXdf2, xdf2FileName, XDF2_NAMESPACE, type Xdf2ExportOptions } from './xdf2.serializer.js';
import { obj, list, str, type Parsed } from '../../../test/support/parsed-xml.js';

// ---------------------------------------------------------------------------------------------------------------
// Official XSDs, read from the shared reference folder (never copied into the project).

const REFERENCE = process.env.LOTSE_REFERENCE_DIR ?? join(projectRoot(), '..', 'shared', 'reference');
const XSD_DIR = join(REFERENCE, 'xdatenfelder', 'xsd-2.0');
const haveXsd = existsSync(join(XSD_DIR, 'xdatenfelder.xsd'));
const withXsd = haveXsd ? it : it.skip;
if (!haveXsd) console.log(`[lotse] XDatenfelder 2 XSD checks skipped: no official XSDs in ${XSD_DIR} (set LOTSE_REFERENCE_DIR)`);
const REAL_EXPORT = join(REFERENCE, 'xdatenfelder', 'samples-xdf2', 'S05000058V1.0_xdf2.xml');
const haveReal = haveXsd && existsSync(REAL_EXPORT);
const withReal = haveReal ? it : it.skip;
if (!haveReal) console.log(`[lotse] XDatenfelder 2 round trip of a real export skipped: ${REAL_EXPORT} not found (set LOTSE_REFERENCE_DIR)`);

/** xdatenfelder.xsd (main, imported by the validator's wrapper) and every file it includes or imports, by file name. */
function xdf2Schemas(): XsdFile[] {
  const read = (fileName: string) => readFileSync(join(XSD_DIR, fileName), 'utf8');
  return [
    { fileName: 'xdatenfelder.xsd', contents: read('xdatenfelder.xsd'), namespace: XDF2_NAMESPACE },
    ...['xdatenfelder-baukasten.xsd', 'xdatenfelder-datentypen.xsd', 'latinchars.xsd', 'xoev-code.xsd'].map((fileName) => ({
      fileName,
      contents: read(fileName),
    })),
  ];
}

async function expectValid(xml: string | string[]): Promise<void> {
  const result = await validateAgainstXsd(xml, xdf2Schemas());
  expect(result.errors).toEqual([]);
  expect(result.valid).toBe(true);
}

// ---------------------------------------------------------------------------------------------------------------
// Hand-built IR fixtures. ALL ids below (S99…, G99…, F99…, R99…, C99…) are MADE UP for these tests; they are not
// FIM identifiers.

const OPTIONS: Xdf2ExportOptions = { nachrichtID: 'lotse-test-0001', erstellungszeitpunkt: '2026-11-25T10:00:00Z' };

const angaben = (id: string, version: string | undefined, name: string, extra: Partial<Element['angaben']> = {}): Element['angaben'] => ({
  identifikation: version === undefined ? { id } : { id, version },
  name,
  bezeichnungEingabe: name,
  beschreibung: '',
  definition: '',
  bezug: [],
  status: 'aktiv',
  schemaelementart: 'HAR',
  hilfetextEingabe: '',
  hilfetextAusgabe: '',
  ...extra,
});

const feld = (id: string, name: string, extra: Partial<Element> = {}, angabenExtra: Partial<Element['angaben']> = {}): Element => ({
  art: 'FELD',
  angaben: angaben(id, '1.0', name, angabenExtra),
  regelKeys: [],
  feldart: 'input',
  datentyp: 'text',
  inhalt: '',
  ...extra,
});

const gruppe = (id: string, name: string, struktur: Struktur[], extra: Partial<Element> = {}): Element => ({
  art: 'GRUPPE',
  angaben: angaben(id, '1.0', name),
  regelKeys: [],
  struktur,
  ...extra,
});

const regel = (id: string, definition: string): Regel => ({
  angaben: { identifikation: { id, version: '1.0' }, name: `Regel ${id}`, definition, status: 'aktiv' },
  script: 'function script() {\n}',
});

const ESCAPED_NAME = 'Straße <Haus> & "Nr." \'a\' ]]> Ǻ ẞ Ḑ M\u0302';

/** An xdf2 IR: a group reused at two places, a select field with a code list, a label, rules on all levels. */
function xdf2Fixture(): FimStammdatenschema {
  return {
    standard: 'XDATENFELDER_2',
    angaben: {
      identifikation: { id: 'S99000001', version: '1.0' },
      name: 'Testantrag (erfunden)',
      bezeichnungEingabe: 'Testantrag',
      beschreibung: '-',
      definition: 'Ein Stammdatenschema nur für Tests.',
      bezug: [{ text: '§ 1 Testgesetz' }, { text: '§ 2 Testverordnung' }],
      status: 'aktiv',
      fachlicherErsteller: 'Lotse Test',
      freigabedatum: '2026-01-15',
      veroeffentlichungsdatum: '2026-01-20',
    },
    hilfetext: 'Hilfe zum Antrag',
    ableitungsmodifikationenStruktur: '3',
    ableitungsmodifikationenRepraesentation: '1',
    regelKeys: ['R99000001@1.0'],
    struktur: [
      { anzahl: '1:1', element: 'F99000005@1.0' },
      { anzahl: '1:1', element: 'G99000001@1.0', bezug: [{ text: 'Anschrift der antragstellenden Person' }] },
      { anzahl: '0:1', element: 'G99000001@1.0' },
      { anzahl: '1:*', element: 'F99000004@1.0' },
      { anzahl: '2:5', element: 'F99000003@1.0' },
    ],
    elements: {
      'G99000001@1.0': {
        ...gruppe('G99000001', 'Anschrift', [
          { anzahl: '1:1', element: 'F99000001@1.0' },
          { anzahl: '0:1', element: 'F99000002@1.0' },
          { anzahl: '0:*', element: 'G99000002@1.0' },
        ]),
        regelKeys: ['R99000002@1.0'],
      },
      'G99000002@1.0': gruppe('G99000002', 'Zusatz', [{ anzahl: '0:1', element: 'F99000003@1.0' }]),
      'F99000001@1.0': feld(
        'F99000001',
        ESCAPED_NAME,
        { praezisierung: { text: '{"minLength":"1","maxLength":"55"}', minLength: 1, maxLength: 55 } },
        { bezug: [{ text: 'Zeile 1\r\nZeile 2' }], beschreibung: 'Tab\tund Ümlaut' },
      ),
      'F99000002@1.0': feld('F99000002', 'Postleitzahl', { praezisierung: { minLength: 5, maxLength: 5, pattern: '[0-9]{5}' } }),
      'F99000003@1.0': feld('F99000003', 'Zusatzangabe', { datentyp: 'num_int', praezisierung: { minValue: '1', maxValue: '31' } }),
      'F99000004@1.0': {
        ...feld('F99000004', 'Zustimmung', {
          feldart: 'select',
          codeliste: { id: 'C99000001', canonicalIdentification: 'urn:de:lotse:test:codeliste:zustimmung', genericodeVersion: '2026-01-01' },
        }),
        regelKeys: ['R99000003@1.0'],
      },
      'F99000005@1.0': feld('F99000005', 'Hinweis', { feldart: 'label', inhalt: 'Bitte füllen Sie alle Pflichtfelder aus.' }, { schemaelementart: 'RNG' }),
    },
    regeln: {
      'R99000001@1.0': regel('R99000001', 'Regel am Schema.'),
      'R99000002@1.0': regel('R99000002', 'Wenn F99000002 angegeben ist, dann ...'),
      'R99000003@1.0': regel('R99000003', 'Regel am Feld.'),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Parse-back helpers (fast-xml-parser, test only).

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true,
  isArray: (name) => name === 'xdf:struktur' || name === 'xdf:regel',
});

const root = (xml: string): Parsed => obj(obj(parser.parse(xml))['xdf:xdatenfelder.stammdatenschema.0102']);
const schemaOf = (xml: string): Parsed => obj(root(xml)['xdf:stammdatenschema']);

interface Tree {
  id: string;
  anzahl: string;
  children: Tree[];
}

function treeFromXml(container: Parsed): Tree[] {
  return list(container['xdf:struktur']).map((s) => {
    const enthaelt = obj(s['xdf:enthaelt']);
    const element = obj(enthaelt['xdf:datenfeldgruppe'] ?? enthaelt['xdf:datenfeld']);
    const id = str(obj(element['xdf:identifikation'])['xdf:id']);
    return { id, anzahl: str(s['xdf:anzahl']), children: treeFromXml(element) };
  });
}

function treeFromIr(schema: FimStammdatenschema, struktur: Struktur[] | undefined): Tree[] {
  return (struktur ?? []).map((s) => {
    const element = schema.elements[s.element];
    if (!element) throw new Error(`fixture broken: ${s.element}`);
    return { id: element.angaben.identifikation.id, anzahl: s.anzahl, children: treeFromIr(schema, element.struktur) };
  });
}

/** Every element (group or field) with this id, at any depth, in document order. */
function findAll(container: Parsed, id: string, found: Parsed[] = []): Parsed[] {
  for (const s of list(container['xdf:struktur'])) {
    const enthaelt = obj(s['xdf:enthaelt']);
    const element = obj(enthaelt['xdf:datenfeldgruppe'] ?? enthaelt['xdf:datenfeld']);
    if (str(obj(element['xdf:identifikation'])['xdf:id']) === id) found.push(element);
    findAll(element, id, found);
  }
  return found;
}
const one = (container: Parsed, id: string): Parsed => {
  const all = findAll(container, id);
  if (all.length === 0) throw new Error(`${id} not in output`);
  return all[0];
};
const codeOf = (v: unknown): string => str(obj(v).code);
const regelIds = (element: Parsed): string[] => list(element['xdf:regel']).map((r) => str(obj(r['xdf:identifikation'])['xdf:id']));

// ---------------------------------------------------------------------------------------------------------------

describe('stammdatenschemaToXdf2', () => {
  withXsd('writes a message that validates against the official XDatenfelder 2.0 XSD', async () => {
    const { xml } = stammdatenschemaToXdf2(xdf2Fixture(), OPTIONS);
    await expectValid(xml);
  });

  withXsd('the XSD check fails on broken output (so the checks above can fail)', async () => {
    const { xml } = stammdatenschemaToXdf2(xdf2Fixture(), OPTIONS);
    const broken = xml.replace('<code>select</code>', '<code>radio</code>');
    const result = await validateAgainstXsd(broken, xdf2Schemas());
    expect(result.valid).toBe(false);
  });

  it('writes the root, header and layout of the message', () => {
    const { xml, warnings } = stammdatenschemaToXdf2(xdf2Fixture(), OPTIONS);
    expect(warnings).toEqual([]);
    const lines = xml.split('\n');
    expect(lines[0]).toBe('<?xml version="1.0" encoding="UTF-8"?>');
    expect(lines[1]).toBe(`<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="${XDF2_NAMESPACE}">`);
    expect(lines[2]).toBe('  <xdf:header>');
    expect(lines[3]).toBe('    <xdf:nachrichtID>lotse-test-0001</xdf:nachrichtID>');
    expect(lines[4]).toBe('    <xdf:erstellungszeitpunkt>2026-11-25T10:00:00Z</xdf:erstellungszeitpunkt>');
    expect(xml.endsWith('</xdf:xdatenfelder.stammdatenschema.0102>\n')).toBe(true);
    // 2-space indentation throughout
    for (const line of lines.slice(1)) expect(/^( {2})*\S/.test(line) || line === '').toBe(true);
    const s = schemaOf(xml);
    expect(str(obj(s['xdf:identifikation'])['xdf:id'])).toBe('S99000001');
    expect(str(obj(s['xdf:identifikation'])['xdf:version'])).toBe('1.0');
    expect(str(s['xdf:bezug'])).toBe('§ 1 Testgesetz\n§ 2 Testverordnung');
    expect(str(s['xdf:hilfetext'])).toBe('Hilfe zum Antrag');
    expect(codeOf(s['xdf:ableitungsmodifikationenStruktur'])).toBe('3');
    expect(codeOf(s['xdf:ableitungsmodifikationenRepraesentation'])).toBe('1');
  });

  it('writes XÖV codes with the fixed listURI/listVersionID and an unqualified <code>', () => {
    const { xml } = stammdatenschemaToXdf2(xdf2Fixture(), OPTIONS);
    expect(xml).toContain(
      '<xdf:status listURI="urn:xoev-de:fim:codeliste:xdatenfelder.status" listVersionID="1.0">\n      <code>aktiv</code>\n    </xdf:status>',
    );
    expect(xml).toContain('<xdf:feldart listURI="urn:xoev-de:fim:codeliste:xdatenfelder.feldart" listVersionID="1.0">');
    expect(xml).toContain('<xdf:datentyp listURI="urn:xoev-de:fim:codeliste:xdatenfelder.datentyp" listVersionID="1.0">');
    expect(xml).toContain('<xdf:schemaelementart listURI="urn:xoev-de:fim:codeliste:xdatenfelder.schemaelementart" listVersionID="1.0">');
    expect(xml).toContain(
      '<xdf:ableitungsmodifikationenStruktur listURI="urn:xoev-de:fim:codeliste:xdatenfelder.ableitungsmodifikationenStruktur" listVersionID="1.0">',
    );
    expect(xml).toContain(
      '<xdf:ableitungsmodifikationenRepraesentation listURI="urn:xoev-de:fim:codeliste:xdatenfelder.ableitungsmodifikationenRepraesentation" listVersionID="1.0">',
    );
    expect(xml).not.toMatch(/<xdf:code>/);
  });

  it('writes the full definition of a reused group at each place, with its rule', () => {
    const schema = xdf2Fixture();
    const { xml } = stammdatenschemaToXdf2(schema, OPTIONS);
    const s = schemaOf(xml);
    const places = findAll(s, 'G99000001');
    expect(places).toHaveLength(2);
    expect(places[0]).toEqual(places[1]);
    expect(regelIds(places[0])).toEqual(['R99000002']);
    expect(treeFromXml(places[1]).map((t) => t.id)).toEqual(['F99000001', 'F99000002', 'G99000002']);
    // the field F99000003 occurs inside both group places and once at the top: 3 full definitions
    expect(findAll(s, 'F99000003')).toHaveLength(3);
    expect((xml.match(/<xdf:id>R99000002<\/xdf:id>/g) ?? []).length).toBe(2);
  });

  it('parses back to the same struktur tree (ids and anzahl in order), every anzahl form included', () => {
    const schema = xdf2Fixture();
    const { xml } = stammdatenschemaToXdf2(schema, OPTIONS);
    const tree = treeFromXml(schemaOf(xml));
    expect(tree).toEqual(treeFromIr(schema, schema.struktur));
    const anzahlen = new Set<string>();
    const collect = (nodes: Tree[]): void => {
      for (const n of nodes) {
        anzahlen.add(n.anzahl);
        collect(n.children);
      }
    };
    collect(tree);
    expect([...anzahlen].sort()).toEqual(['0:*', '0:1', '1:*', '1:1', '2:5']);
    // struktur bezug: joined text where given, empty element where not
    const top = list(schemaOf(xml)['xdf:struktur']);
    expect(str(top[1]['xdf:bezug'])).toBe('Anschrift der antragstellenden Person');
    expect(str(top[0]['xdf:bezug'])).toBe('');
  });

  it('writes a select field with its code list reference and its rule after it', () => {
    const { xml } = stammdatenschemaToXdf2(xdf2Fixture(), OPTIONS);
    const f = one(schemaOf(xml), 'F99000004');
    expect(codeOf(f['xdf:feldart'])).toBe('select');
    const ref = obj(f['xdf:codelisteReferenz']);
    expect(str(obj(ref['xdf:identifikation'])['xdf:id'])).toBe('C99000001');
    const gc = obj(ref['xdf:genericodeIdentification']);
    expect(str(gc['xdf:canonicalIdentification'])).toBe('urn:de:lotse:test:codeliste:zustimmung');
    expect(str(gc['xdf:version'])).toBe('2026-01-01');
    // FIM's convention <canonicalIdentification>_<version> when the IR has no canonicalVersionUri
    expect(str(gc['xdf:canonicalVersionUri'])).toBe('urn:de:lotse:test:codeliste:zustimmung_2026-01-01');
    expect(regelIds(f)).toEqual(['R99000003']);
    const keys = Object.keys(f).filter((k) => k.startsWith('xdf:'));
    expect(keys.slice(-6)).toEqual(['xdf:feldart', 'xdf:datentyp', 'xdf:praezisierung', 'xdf:inhalt', 'xdf:codelisteReferenz', 'xdf:regel']);
  });

  it('writes a label with its text in inhalt', () => {
    const { xml } = stammdatenschemaToXdf2(xdf2Fixture(), OPTIONS);
    const f = one(schemaOf(xml), 'F99000005');
    expect(codeOf(f['xdf:feldart'])).toBe('label');
    expect(str(f['xdf:inhalt'])).toBe('Bitte füllen Sie alle Pflichtfelder aus.');
    expect(codeOf(f['xdf:schemaelementart'])).toBe('RNG');
  });

  it('writes rules on the schema, on groups and on fields, each in full', () => {
    const { xml } = stammdatenschemaToXdf2(xdf2Fixture(), OPTIONS);
    const s = schemaOf(xml);
    expect(regelIds(s)).toEqual(['R99000001']);
    const r = list(s['xdf:regel'])[0];
    expect(str(r['xdf:definition'])).toBe('Regel am Schema.');
    expect(str(r['xdf:script'])).toBe('function script() {\n}');
    expect(str(r['xdf:bezeichnungEingabe'])).toBe('');
    expect(codeOf(r['xdf:status'])).toBe('aktiv');
    // the schema's rule sits before its first struktur, as the XSD orders them
    expect(xml.indexOf('<xdf:id>R99000001</xdf:id>')).toBeLessThan(xml.indexOf('<xdf:struktur>'));
  });

  it('writes praezisierung as the original text when known, else as xdf2 JSON with string numbers, else empty', () => {
    const { xml } = stammdatenschemaToXdf2(xdf2Fixture(), OPTIONS);
    const s = schemaOf(xml);
    expect(str(one(s, 'F99000001')['xdf:praezisierung'])).toBe('{"minLength":"1","maxLength":"55"}');
    expect(str(one(s, 'F99000002')['xdf:praezisierung'])).toBe('{"minLength":"5","maxLength":"5","pattern":"[0-9]{5}"}');
    expect(str(one(s, 'F99000003')['xdf:praezisierung'])).toBe('{"minValue":"1","maxValue":"31"}');
    expect(str(one(s, 'F99000004')['xdf:praezisierung'])).toBe('');
    expect(xml).toContain('<xdf:praezisierung/>');
    expect(xml).toContain('<xdf:inhalt/>');
  });

  it('escapes text so that <, &, ]]>, quotes, CR and DIN 91379 letters survive, with UTF-8 and no needless references', () => {
    const { xml } = stammdatenschemaToXdf2(xdf2Fixture(), OPTIONS);
    const f = one(schemaOf(xml), 'F99000001');
    expect(str(f['xdf:name'])).toBe(ESCAPED_NAME);
    expect(str(f['xdf:bezug'])).toBe('Zeile 1\r\nZeile 2');
    expect(str(f['xdf:beschreibung'])).toBe('Tab\tund Ümlaut');
    expect(xml).toContain('Straße &lt;Haus&gt; &amp; "Nr." \'a\' ]]&gt; Ǻ ẞ Ḑ M\u0302');
    expect(xml).not.toContain(']]>');
    // the only character reference is the carriage return (which a parser would otherwise turn into a line feed)
    expect(new Set(xml.match(/&#[^;]*;/g))).toEqual(new Set(['&#13;']));
  });

  it('is deterministic: same input, same bytes, whatever the key order of elements and rules', () => {
    const a = stammdatenschemaToXdf2(xdf2Fixture(), OPTIONS);
    const b = stammdatenschemaToXdf2(xdf2Fixture(), OPTIONS);
    expect(b.xml).toBe(a.xml);
    const shuffled = xdf2Fixture();
    shuffled.elements = Object.fromEntries(Object.entries(shuffled.elements).reverse());
    shuffled.regeln = Object.fromEntries(Object.entries(shuffled.regeln).reverse());
    expect(stammdatenschemaToXdf2(shuffled, OPTIONS).xml).toBe(a.xml);
  });

  withXsd('writes required-but-absent elements empty, and documented defaults (with warnings) where a code is needed', async () => {
    const schema = xdf2Fixture();
    delete schema.angaben.status;
    delete schema.angaben.bezug;
    delete schema.angaben.beschreibung;
    delete schema.angaben.bezeichnungEingabe;
    delete schema.ableitungsmodifikationenStruktur;
    schema.ableitungsmodifikationenRepraesentation = '7';
    const f2 = schema.elements['F99000002@1.0'];
    if (!f2) throw new Error('fixture');
    delete f2.angaben.schemaelementart;
    delete f2.angaben.hilfetextEingabe;
    delete f2.feldart;
    delete f2.datentyp;
    delete f2.inhalt;
    const { xml, warnings } = stammdatenschemaToXdf2(schema, OPTIONS);
    await expectValid(xml);
    const s = schemaOf(xml);
    expect(codeOf(s['xdf:status'])).toBe('inVorbereitung');
    expect(str(s['xdf:bezug'])).toBe('');
    expect(str(s['xdf:beschreibung'])).toBe('');
    expect(codeOf(s['xdf:ableitungsmodifikationenStruktur'])).toBe('0');
    expect(codeOf(s['xdf:ableitungsmodifikationenRepraesentation'])).toBe('0');
    const f = one(s, 'F99000002');
    expect(codeOf(f['xdf:schemaelementart'])).toBe('HAR');
    expect(codeOf(f['xdf:feldart'])).toBe('input');
    expect(codeOf(f['xdf:datentyp'])).toBe('text');
    expect(str(f['xdf:inhalt'])).toBe('');
    expect(warnings.every((w) => w.code === ImportProblemCode.STRUCTURE)).toBe(true);
    const text = warnings.map((w) => w.message).join('\n');
    expect(text).toContain('Es fehlt ein Status; exportiert wurde der Standardwert „inVorbereitung“ bei: S99000001 (1.0).');
    expect(text).toContain('„7“ ist als Ableitungsmodifikation (Repräsentation) in XDatenfelder 2 unbekannt');
    expect(text).toContain('Es fehlt die Angabe „Schemaelementart“; exportiert wurde der Standardwert „HAR“ bei: F99000002 (1.0).');
    expect(text).toContain('Es fehlt die Angabe „Feldart“');
    expect(text).toContain('Es fehlt die Angabe „Datentyp“');
    // one warning per kind, even though F99000002 is written three times (in both places of G99000001)
    expect(warnings).toHaveLength(6);
  });

  it('reports characters outside String.Latin and removes characters XML cannot carry', () => {
    const schema = xdf2Fixture();
    const f = schema.elements['F99000002@1.0'];
    if (!f) throw new Error('fixture');
    f.angaben.name = 'Haken ✓ und Glocke\u0007';
    const { xml, warnings } = stammdatenschemaToXdf2(schema, OPTIONS);
    expect(str(one(schemaOf(xml), 'F99000002')['xdf:name'])).toBe('Haken ✓ und Glocke');
    expect(warnings.map((w) => w.code)).toEqual([ImportProblemCode.INVALID_CHARACTER_REFERENCE, ImportProblemCode.SCHEMA_VIOLATION]);
    expect(warnings[1].message).toContain('F99000002 (1.0): „✓“ (U+2713)');
    expect(nonLatinCharacters('Ǻ ẞ Ḑ M\u0302 € äöüß')).toEqual([]);
    expect(nonLatinCharacters('X\u0302 ✓ Ω')).toEqual(['\u0302', '✓', 'Ω']);
  });

  it('refuses an IR it cannot write: a missing element, a group containing itself, an anzahl not min:max, a bad header', () => {
    const missing = xdf2Fixture();
    missing.struktur.push({ anzahl: '1:1', element: 'F99000099@1.0' });
    expect(() => stammdatenschemaToXdf2(missing, OPTIONS)).toThrow(ImportRejectedError);

    const cycle = xdf2Fixture();
    cycle.elements['G99000002@1.0']?.struktur?.push({ anzahl: '0:1', element: 'G99000001@1.0' });
    expect(() => stammdatenschemaToXdf2(cycle, OPTIONS)).toThrow(/enthält sich selbst \(G99000001@1.0 → G99000002@1.0 → G99000001@1.0\)/);

    const anzahl = xdf2Fixture();
    anzahl.struktur[0].anzahl = '0:n';
    expect(() => stammdatenschemaToXdf2(anzahl, OPTIONS)).toThrow(/Die Anzahl „0:n“/);

    expect(() => stammdatenschemaToXdf2(xdf2Fixture(), { ...OPTIONS, erstellungszeitpunkt: '25.11.2026' })).toThrow(/Erstellungszeitpunkt/);
    expect(() => stammdatenschemaToXdf2(xdf2Fixture(), { ...OPTIONS, nachrichtID: ' ' })).toThrow(/Nachrichten-ID/);
  });

  it('names at most ten elements per warning', () => {
    const schema = xdf2Fixture();
    for (let i = 10; i < 22; i++) {
      const key = `F990000${i}@1.0`;
      schema.elements[key] = feld(`F990000${i}`, `Feld ${i}`, {}, { status: 'entwurf' });
      schema.struktur.push({ anzahl: '0:1', element: key });
    }
    const { warnings } = stammdatenschemaToXdf2(schema, OPTIONS);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toBe(
      '„entwurf“ ist in XDatenfelder 2 kein Status; exportiert wurde der Standardwert „inVorbereitung“ bei: ' +
        'F99000010 (1.0), F99000011 (1.0), F99000012 (1.0), F99000013 (1.0), F99000014 (1.0), F99000015 (1.0), F99000016 (1.0), ' +
        'F99000017 (1.0), F99000018 (1.0), F99000019 (1.0) und 2 weitere.',
    );
  });

  it('refuses an IR whose reuse would write more than 200 000 elements', () => {
    // a chain of 18 groups, each holding the next one twice: 2^18 occurrences of the innermost field
    const schema = xdf2Fixture();
    schema.struktur = [{ anzahl: '1:1', element: 'G99000100@1.0' }];
    for (let i = 0; i < 18; i++) {
      const next = i === 17 ? 'F99000001@1.0' : `G99000${101 + i}@1.0`;
      schema.elements[`G99000${100 + i}@1.0`] = gruppe(`G99000${100 + i}`, `Ebene ${i}`, [
        { anzahl: '1:1', element: next },
        { anzahl: '0:1', element: next },
      ]);
    }
    expect(() => stammdatenschemaToXdf2(schema, OPTIONS)).toThrow(/mehr als 200000 Elemente/);
  });

  it('reports a rule that the IR lacks and leaves it out', () => {
    const schema = xdf2Fixture();
    delete schema.regeln['R99000003@1.0'];
    const { xml, warnings } = stammdatenschemaToXdf2(schema, OPTIONS);
    expect(regelIds(one(schemaOf(xml), 'F99000004'))).toEqual([]);
    expect(warnings).toEqual([
      { code: ImportProblemCode.STRUCTURE, message: 'Diese Regeln fehlen im Stammdatenschema und konnten nicht exportiert werden: F99000004 (1.0) → R99000003@1.0.' },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// An IR read from XDatenfelder 3. Ids follow the 12-character xdf3 form but are MADE UP (S99…, G99…, F99…, R99…).

function xdf3Fixture(): FimStammdatenschema {
  const a3 = (id: string, name: string, status: string, extra: Partial<Element['angaben']> = {}): Element['angaben'] => ({
    identifikation: { id, version: '1.2.0' },
    name,
    bezeichnungEingabe: name,
    status,
    statusListVersionID: '2023-01-01',
    letzteAenderung: '2026-01-02T03:04:05Z',
    schemaelementart: 'HAR',
    ...extra,
  });
  return {
    standard: 'XDATENFELDER_3',
    angaben: {
      identifikation: { id: 'S99000000001', version: '1.2.0' },
      name: 'Testantrag xdf3 (erfunden)',
      bezug: [{ text: '§ 3 Testgesetz', link: 'https://example.org/testgesetz#p3' }],
      status: '6',
      letzteAenderung: '2026-01-02T03:04:05Z',
      stichwort: ['Test'],
    },
    bezeichnung: 'Testantrag',
    ableitungsmodifikationenStruktur: '1',
    ableitungsmodifikationenRepraesentation: '0',
    dokumentsteckbrief: { id: 'D99000000001', version: '1.0.0' },
    struktur: [
      { anzahl: '1:1', element: 'G99000000001@1.2.0' },
      { anzahl: '0:1', element: 'F99000000004@1.2.0' },
    ],
    elements: {
      'G99000000001@1.2.0': {
        art: 'GRUPPE',
        angaben: a3('G99000000001', 'Auswahl', '2'),
        gruppenart: 'X',
        regelKeys: ['R99000000001@1.2.0'],
        struktur: [
          { anzahl: '0:1', element: 'F99000000001@1.2.0' },
          { anzahl: '0:1', element: 'F99000000002@1.2.0' },
          { anzahl: '0:1', element: 'F99000000003@1.2.0' },
        ],
      },
      'F99000000001@1.2.0': {
        art: 'FELD',
        angaben: a3('F99000000001', 'Versteckt', '6'),
        regelKeys: [],
        feldart: 'hidden',
        datentyp: 'datetime',
        praezisierung: { minLength: 1, maxLength: 20 },
        vorbefuellung: 'optional',
      },
      'F99000000002@1.2.0': {
        art: 'FELD',
        angaben: a3('F99000000002', 'Gesperrt', '7'),
        regelKeys: [],
        feldart: 'locked',
        datentyp: 'time',
      },
      'F99000000003@1.2.0': {
        art: 'FELD',
        angaben: a3('F99000000003', 'Farbe', '5'),
        regelKeys: [],
        feldart: 'select',
        datentyp: 'text_latin',
        werte: [
          { code: 'r', name: 'Rot' },
          { code: 'g', name: 'Grün', hilfe: 'wie Gras' },
        ],
      },
      'F99000000004@1.2.0': {
        art: 'FELD',
        angaben: a3('F99000000004', 'Staat', '6'),
        regelKeys: [],
        feldart: 'select',
        datentyp: 'text',
        codeliste: { canonicalIdentification: 'urn:de:lotse:test:staat', genericodeVersion: '2026-02-01' },
        codeKey: 'schluessel',
      },
    },
    regeln: {
      'R99000000001@1.2.0': {
        angaben: { identifikation: { id: 'R99000000001', version: '1.2.0' }, name: 'Genau eins', status: '6', letzteAenderung: '2026-01-02T03:04:05Z' },
        freitextRegel: 'Genau eines der Felder F99000000001, F99000000002, F99000000003 ist anzugeben.',
        typ: 'K',
      },
    },
  };
}

describe('stammdatenschemaToXdf2 with an XDatenfelder 3 IR', () => {
  const byCode = (warnings: { code: ImportProblemCode; message: string }[], code: ImportProblemCode) =>
    warnings.filter((w) => w.code === code).map((w) => w.message);

  withXsd('maps down to xdf2 that validates against the official XSD', async () => {
    const { xml } = stammdatenschemaToXdf2(xdf3Fixture(), OPTIONS);
    await expectValid(xml);
  });

  it('maps feldart, datentyp, gruppenart, versions and freigabestatus to their closest xdf2 values', () => {
    const { xml } = stammdatenschemaToXdf2(xdf3Fixture(), OPTIONS);
    const s = schemaOf(xml);
    expect(str(obj(s['xdf:identifikation'])['xdf:version'])).toBe('1.2');
    expect(codeOf(s['xdf:status'])).toBe('aktiv');
    expect(str(s['xdf:bezeichnungEingabe'])).toBe('Testantrag');
    expect(str(s['xdf:bezug'])).toBe('§ 3 Testgesetz');
    const g = one(s, 'G99000000001');
    expect(codeOf(g['xdf:status'])).toBe('inVorbereitung');
    expect(treeFromXml(g).map((t) => t.id)).toEqual(['F99000000001', 'F99000000002', 'F99000000003']);
    const hidden = one(s, 'F99000000001');
    expect([codeOf(hidden['xdf:feldart']), codeOf(hidden['xdf:datentyp']), codeOf(hidden['xdf:status'])]).toEqual(['input', 'text', 'aktiv']);
    expect(str(hidden['xdf:praezisierung'])).toBe('{"minLength":"1","maxLength":"20"}');
    const locked = one(s, 'F99000000002');
    expect([codeOf(locked['xdf:feldart']), codeOf(locked['xdf:datentyp']), codeOf(locked['xdf:status'])]).toEqual(['input', 'text', 'inaktiv']);
    const rule = list(g['xdf:regel'])[0];
    expect(str(obj(rule['xdf:identifikation'])['xdf:version'])).toBe('1.2');
    expect(str(rule['xdf:definition'])).toBe('Genau eines der Felder F99000000001, F99000000002, F99000000003 ist anzugeben.');
    expect(str(rule['xdf:script'])).toBe('');
  });

  it('writes a code list reference for inline werte and one for an xdf3 reference without C id', () => {
    const { xml } = stammdatenschemaToXdf2(xdf3Fixture(), OPTIONS);
    const s = schemaOf(xml);
    const werte = obj(one(s, 'F99000000003')['xdf:codelisteReferenz']);
    expect(str(obj(werte['xdf:identifikation'])['xdf:id'])).toBe('urn:lotse:fim:werte:F99000000003');
    const gc = obj(werte['xdf:genericodeIdentification']);
    expect([str(gc['xdf:canonicalIdentification']), str(gc['xdf:version']), str(gc['xdf:canonicalVersionUri'])]).toEqual([
      'urn:lotse:fim:werte:F99000000003',
      '1',
      'urn:lotse:fim:werte:F99000000003_1',
    ]);
    const staat = obj(one(s, 'F99000000004')['xdf:codelisteReferenz']);
    expect(str(obj(staat['xdf:identifikation'])['xdf:id'])).toBe('urn:de:lotse:test:staat');
    expect(str(obj(staat['xdf:genericodeIdentification'])['xdf:canonicalVersionUri'])).toBe('urn:de:lotse:test:staat_2026-02-01');
  });

  it('warns once per kind of loss, naming the elements', () => {
    const { warnings } = stammdatenschemaToXdf2(xdf3Fixture(), OPTIONS);
    const notApplied = byCode(warnings, ImportProblemCode.NOT_APPLIED);
    const expected = [
      'XDatenfelder 2 kennt nur zweistellige Versionen (z. B. 1.2); die dreistelligen Versionen aus XDatenfelder 3 wurden gekürzt: S99000000001: 1.2.0 → 1.2',
      'Den Freigabestatus 6 aus XDatenfelder 3 gibt es in XDatenfelder 2 nicht; exportiert wurde der nächstliegende Status „aktiv“ bei: S99000000001 (1.2.0), R99000000001 (1.2.0), F99000000001 (1.2.0), F99000000004 (1.2.0).',
      'Den Freigabestatus 2 aus XDatenfelder 3 gibt es in XDatenfelder 2 nicht; exportiert wurde der nächstliegende Status „inVorbereitung“ bei: G99000000001 (1.2.0).',
      'Den Freigabestatus 7 aus XDatenfelder 3 gibt es in XDatenfelder 2 nicht; exportiert wurde der nächstliegende Status „inaktiv“ bei: F99000000002 (1.2.0).',
      'Den Freigabestatus 5 aus XDatenfelder 3 gibt es in XDatenfelder 2 nicht; exportiert wurde der nächstliegende Status „aktiv“ bei: F99000000003 (1.2.0).',
      'Auswahlgruppen (Gruppenart X: genau eines der enthaltenen Elemente) gibt es in XDatenfelder 2 nicht; sie wurden als gewöhnliche Gruppen exportiert: G99000000001 (1.2.0).',
      '„hidden“ ist als Feldart in XDatenfelder 2 nicht vorgesehen; exportiert wurde „input“ bei: F99000000001 (1.2.0).',
      '„datetime“ ist als Datentyp in XDatenfelder 2 nicht vorgesehen; exportiert wurde „text“ bei: F99000000001 (1.2.0).',
      '„locked“ ist als Feldart in XDatenfelder 2 nicht vorgesehen; exportiert wurde „input“ bei: F99000000002 (1.2.0).',
      '„time“ ist als Datentyp in XDatenfelder 2 nicht vorgesehen; exportiert wurde „text“ bei: F99000000002 (1.2.0).',
      '„text_latin“ ist als Datentyp in XDatenfelder 2 nicht vorgesehen; exportiert wurde „text“ bei: F99000000003 (1.2.0).',
      'Links von Rechtsbezügen gibt es in XDatenfelder 2 nicht',
      'Die Angabe „Stichwörter“ gibt es in XDatenfelder 2 nicht; sie wurde weggelassen bei: S99000000001 (1.2.0).',
      'Die Angabe „letzteAenderung“ gibt es in XDatenfelder 2 nicht',
      'Die Angabe „vorbefuellung“ gibt es in XDatenfelder 2 nicht; sie wurde weggelassen bei: F99000000001 (1.2.0).',
      'Die Angabe „codeKey/nameKey/helpKey“ gibt es in XDatenfelder 2 nicht; sie wurde weggelassen bei: F99000000004 (1.2.0).',
      'Den Regeltyp aus XDatenfelder 3 gibt es in XDatenfelder 2 nicht; er wurde weggelassen bei: R99000000001 (1.2.0).',
      'Dokumentsteckbrief (D99000000001)',
      'XDatenfelder 2 verlangt eine Kennung der Codeliste (C-Nummer), die hier fehlt; eingetragen wurde ihre kanonische Kennung bei: F99000000004 (1.2.0).',
    ];
    for (const e of expected) expect(notApplied.some((m) => m.includes(e))).toBe(true);
    // every xdf3 element got its version shortened, each named once
    const versions = notApplied.find((m) => m.startsWith('XDatenfelder 2 kennt nur zweistellige Versionen')) ?? '';
    for (const id of ['G99000000001', 'F99000000001', 'F99000000002', 'F99000000003', 'F99000000004', 'R99000000001'])
      expect(versions.split(`${id}: 1.2.0 → 1.2`)).toHaveLength(2);
    const codelist = byCode(warnings, ImportProblemCode.CODELIST_MISSING);
    expect(codelist).toHaveLength(1);
    expect(codelist[0]).toContain('„urn:lotse:fim:werte:<Feld-ID>“ (Version 1)');
    expect(codelist[0]).toContain('genericode');
    expect(codelist[0]).toContain('Betroffen: F99000000003 (1.2.0) → urn:lotse:fim:werte:F99000000003.');
    expect(new Set(warnings.map((w) => w.message)).size).toBe(warnings.length);
  });

  withXsd('the genericode list for the inline werte carries the identification the reference names', async () => {
    const schema = xdf3Fixture();
    const field = schema.elements['F99000000003@1.2.0'];
    const gcList: GenericodeList = {
      shortName: 'Farbe',
      version: '1',
      canonicalUri: 'urn:lotse:fim:werte:F99000000003',
      codeColumn: 'code',
      nameColumn: 'name',
      helpColumn: 'hilfe',
      codes: field?.werte ?? [],
    };
    const gc = genericodeXml(gcList);
    expect(gc).toContain('<CanonicalVersionUri>urn:lotse:fim:werte:F99000000003_1</CanonicalVersionUri>');
    const { xml } = stammdatenschemaToXdf2(schema, OPTIONS);
    expect(xml).toContain('<xdf:canonicalVersionUri>urn:lotse:fim:werte:F99000000003_1</xdf:canonicalVersionUri>');
  });
});

describe('stammdatenschemaToXdf2 with a real export', () => {
  withReal('S05000058 read into the IR and written back validates and reads back to the same IR, without warnings', async () => {
    const read = parseXdf2(parseXml(readFileSync(REAL_EXPORT, 'utf8')), { lenient: false });
    expect(read.errors).toEqual([]);
    const { xml, warnings } = stammdatenschemaToXdf2(read.schema, OPTIONS);
    expect(warnings).toEqual([]);
    await expectValid(xml);
    const again = parseXdf2(parseXml(xml), { lenient: false });
    expect(again.errors).toEqual([]);
    expect(again.schema).toEqual(read.schema);
    expect(treeFromXml(schemaOf(xml))).toEqual(treeFromIr(read.schema, read.schema.struktur));
    expect(xdf2FileName(read.schema)).toBe('S05000058V1.0_xdf2.xml');
  });
});

describe('xdf2FileName', () => {
  it('names the file as FIM does', () => {
    expect(xdf2FileName(xdf2Fixture())).toBe('S99000001V1.0_xdf2.xml');
    expect(xdf2FileName(xdf3Fixture())).toBe('S99000000001V1.2_xdf2.xml');
    const noVersion = xdf2Fixture();
    noVersion.angaben.identifikation = { id: 'S99000001' };
    expect(xdf2FileName(noVersion)).toBe('S99000001_xdf2.xml');
    noVersion.angaben.identifikation = { id: '../S 99/x' };
    expect(xdf2FileName(noVersion)).toBe('S_99_x_xdf2.xml');
  });
});
