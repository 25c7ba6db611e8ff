import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../common/project-root.js';
import type { Element } from '../../generated/fim-stammdatenschema.js';
import { validateAgainstXsd } from '../../xoev/xml-validator.js';
import { ImportProblemCode, type ImportProblem } from '../import.problems.js';
import { parseXml } from '../xml/safe-xml.js';
import { child, type XmlElement } from '../xml/xml-element.js';
import { parseXdf3, readPraezisierungXdf3, XDF3_NAMESPACE } from './xdf3.parser.js';

// Own fixtures: fictitious ids (S99…, D99…, G99…, F99…, R99…), see the comment at the top of the file.
const FIXTURES = join(projectRoot(), 'test', 'fixtures', 'xdf', 'xdf3');
const fixtureText = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

const LENIENT = { lenient: true };
const STRICT = { lenient: false };

const codes = (problems: ImportProblem[]) => problems.map((p) => p.code);
const get = (elements: Record<string, Element | undefined>, key: string): Element => {
  const found = elements[key];
  if (!found) throw new Error(`no element ${key}`);
  return found;
};

/** An xdf3 message around the given Stammdatenschema content (after identifikation and name of the fictitious S99000002). */
function xdf3(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="${XDF3_NAMESPACE}">
  <xdf:header><xdf:nachrichtID>T</xdf:nachrichtID><xdf:erstellungszeitpunkt>2026-11-25T10:00:00Z</xdf:erstellungszeitpunkt></xdf:header>
  <xdf:stammdatenschema><xdf:identifikation><xdf:id>S99000002</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation><xdf:name>Test</xdf:name>${body}</xdf:stammdatenschema>
</xdf:xdatenfelder.stammdatenschema.0102>`;
}

const TEXT_INPUT = '<xdf:feldart><code>input</code></xdf:feldart><xdf:datentyp><code>text</code></xdf:datentyp>';

/** A struktur holding a field with a fictitious id. */
function feld(id: string, inner = TEXT_INPUT, anzahl = '1:1'): string {
  return `<xdf:struktur><xdf:anzahl>${anzahl}</xdf:anzahl><xdf:enthaelt><xdf:datenfeld>
    <xdf:identifikation><xdf:id>${id}</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation><xdf:name>Feld ${id}</xdf:name>${inner}
  </xdf:datenfeld></xdf:enthaelt></xdf:struktur>`;
}

describe('parseXdf3', () => {
  describe('full fixture', () => {
    const { schema, warnings, errors } = parseXdf3(parseXml(fixtureText('full.xml')), LENIENT);

    it('reads without errors; relation and rule parameters are reported once each as not applied', () => {
      expect(errors).toEqual([]);
      expect(codes(warnings)).toEqual([ImportProblemCode.NOT_APPLIED, ImportProblemCode.NOT_APPLIED, ImportProblemCode.NOT_APPLIED]);
      expect(warnings[0].message).toContain('relation');
      expect(warnings[1].message).toContain('param');
      expect(warnings[1].message).toContain('„R99000010“');
      // the text of a praezisierung is kept but not applied, and said so (issue 18: no silent loss)
      expect(warnings[2].message).toContain('„Nur gültige Adressen“');
    });

    it('reads the schema: Angaben with several bezug and stichwort, bezeichnung, dokumentsteckbrief', () => {
      expect(schema.standard).toBe('XDATENFELDER_3');
      expect(schema.angaben).toEqual({
        identifikation: { id: 'S99000002', version: '1.0.0' },
        name: 'Testantrag drei',
        beschreibung: '-',
        definition: '',
        bezug: [{ text: '§ 1 Testgesetz', link: 'https://example.org/testgesetz#p1' }, { text: '§ 2 Testverordnung' }],
        status: '6',
        statusListVersionID: '2020-03-19',
        statusGesetztAm: '2026-01-01',
        statusGesetztDurch: 'Testredaktion',
        letzteAenderung: '2026-01-02T10:00:00Z',
        stichwort: ['Parken', 'Ausweis'],
      });
      expect(schema.bezeichnung).toBe('Antrag (Test)');
      expect(schema.hilfetext).toBe('Hilfe');
      expect(schema.ableitungsmodifikationenStruktur).toBe('0');
      expect(schema.ableitungsmodifikationenRepraesentation).toBe('1');
      expect(schema.dokumentsteckbrief).toEqual({ id: 'D99000001', version: '1.0.0' });
    });

    it('keeps a group reused with another anzahl once, and positions with and without bezug', () => {
      expect(schema.struktur).toEqual([
        { anzahl: '1:1', element: 'G99000010@1.0.0' },
        { anzahl: '1:1', element: 'G99000011@1.0.0' },
        { anzahl: '0:3', element: 'G99000011@1.0.0' },
        { anzahl: '1:1', element: 'F99000015@1.0.0' },
        { anzahl: '0:1', element: 'F99000016@1.0.0' },
        { anzahl: '0:*', element: 'F99000017@1.0.0' },
      ]);
      expect(Object.keys(schema.elements)).toHaveLength(10);
      expect(get(schema.elements, 'G99000011@1.0.0').struktur?.map((s) => s.element)).toEqual(['F99000012@1.0.0', 'F99000013@1.0.0', 'F99000014@1.0.0']);
    });

    it('reads an Auswahlgruppe (art X) with rules on every level', () => {
      const group = get(schema.elements, 'G99000010@1.0.0');
      expect(group).toMatchObject({ art: 'GRUPPE', gruppenart: 'X', regelKeys: ['R99000011@1.0.0'] });
      expect(group.angaben).toMatchObject({ status: '3', bezeichnungEingabe: 'Wie erreichen wir Sie?', schemaelementart: 'HAR' });
      expect(group.struktur).toEqual([
        { anzahl: '1:1', bezug: [{ text: 'Kontakt per Telefon' }], element: 'F99000010@1.0.0' },
        { anzahl: '1:1', element: 'F99000011@1.0.0' },
      ]);
      expect(get(schema.elements, 'G99000011@1.0.0')).not.toHaveProperty('gruppenart');
      expect(schema.regelKeys).toEqual(['R99000010@1.0.0']);
      expect(get(schema.elements, 'F99000010@1.0.0').regelKeys).toEqual(['R99000012@1.0.0']);
      expect(schema.regeln['R99000010@1.0.0']).toEqual({
        angaben: { identifikation: { id: 'R99000010', version: '1.0.0' }, name: 'Regel am Schema', letzteAenderung: '2026-01-02T10:00:00Z' },
        freitextRegel: 'Genau eine Kontaktart muss angegeben werden.',
        script: 'return true;',
        typ: 'V',
      });
      expect(schema.regeln['R99000011@1.0.0']).toMatchObject({ typ: 'K' });
      expect(schema.regeln['R99000011@1.0.0']).not.toHaveProperty('script');
      expect(schema.regeln['R99000012@1.0.0']?.angaben.bezug).toEqual([{ text: 'TKG (Test)', link: 'https://example.org/tkg' }]);
    });

    it('reads precision attributes and text, vorbefuellung, hidden/locked, datetime/time/text_latin', () => {
      expect(get(schema.elements, 'F99000010@1.0.0')).toMatchObject({
        feldart: 'input',
        datentyp: 'text_latin',
        praezisierung: { minLength: 3, maxLength: 30, pattern: '[0-9 +/]*' },
        vorbefuellung: 'optional',
      });
      expect(get(schema.elements, 'F99000010@1.0.0').praezisierung).not.toHaveProperty('text');
      expect(get(schema.elements, 'F99000011@1.0.0').praezisierung).toEqual({ maxLength: 254, text: 'Nur gültige Adressen' });
      expect(get(schema.elements, 'F99000012@1.0.0')).toMatchObject({ feldart: 'input', datentyp: 'datetime' });
      expect(get(schema.elements, 'F99000012@1.0.0')).not.toHaveProperty('praezisierung');
      expect(get(schema.elements, 'F99000012@1.0.0')).not.toHaveProperty('inhalt');
      expect(get(schema.elements, 'F99000013@1.0.0')).toMatchObject({ feldart: 'locked', datentyp: 'time', inhalt: '08:00', vorbefuellung: 'verpflichtend' });
      expect(get(schema.elements, 'F99000014@1.0.0')).toMatchObject({ feldart: 'hidden', datentyp: 'text', inhalt: 'TERMIN' });
    });

    it('reads inline werte, a genericode reference with its keys, and file limits', () => {
      const werte = get(schema.elements, 'F99000015@1.0.0');
      expect(werte.feldart).toBe('select');
      expect(werte.werte).toEqual([
        { code: '01', name: 'Erteilung' },
        { code: '02', name: 'Verlängerung', hilfe: 'Nur bei gültigem Ausweis' },
      ]);
      expect(werte).not.toHaveProperty('codeliste');
      const list = get(schema.elements, 'F99000016@1.0.0');
      expect(list.codeliste).toEqual({
        canonicalIdentification: 'urn:de:lotse:test:codeliste:staat',
        genericodeVersion: '2026-01-01',
        canonicalVersionUri: 'urn:de:lotse:test:codeliste:staat_2026-01-01',
      });
      expect(list).toMatchObject({ codeKey: 'schluessel', nameKey: 'bezeichnung', helpKey: 'hinweis' });
      expect(list).not.toHaveProperty('werte');
      const file = get(schema.elements, 'F99000017@1.0.0');
      expect(file).toMatchObject({ datentyp: 'file', maxSize: 5242880, mediaType: ['application/pdf', 'image/jpeg'] });
      expect(get(schema.elements, 'F99000016@1.0.0')).not.toHaveProperty('mediaType');
    });

    it('gives the same result in strict mode (NOT_APPLIED stays a warning)', () => {
      const strict = parseXdf3(parseXml(fixtureText('full.xml')), STRICT);
      expect(strict.errors).toEqual([]);
      expect(strict.warnings).toEqual(warnings);
      expect(strict.schema).toEqual(schema);
    });
  });

  describe('problems', () => {
    it('anzahl 0:n: strict error, lenient 0:* with a warning', () => {
      const xml = xdf3(feld('F99000001', TEXT_INPUT, '0:n'));
      expect(codes(parseXdf3(parseXml(xml), STRICT).errors)).toEqual([ImportProblemCode.STRUCTURE]);
      const lenient = parseXdf3(parseXml(xml), LENIENT);
      expect(lenient.errors).toEqual([]);
      expect(codes(lenient.warnings)).toEqual([ImportProblemCode.STRUCTURE]);
      expect(lenient.schema.struktur[0].anzahl).toBe('0:*');
    });

    it('a field without feldart: strict error, lenient input with a warning', () => {
      const xml = xdf3(feld('F99000001', '<xdf:datentyp><code>date</code></xdf:datentyp>'));
      const strict = parseXdf3(parseXml(xml), STRICT);
      expect(codes(strict.errors)).toEqual([ImportProblemCode.STRUCTURE]);
      expect(strict.errors[0].message).toContain('„F99000001“');
      const lenient = parseXdf3(parseXml(xml), LENIENT);
      expect(lenient.errors).toEqual([]);
      expect(get(lenient.schema.elements, 'F99000001@1.0.0')).toMatchObject({ feldart: 'input', datentyp: 'date' });
    });

    it('the same key with different content keeps the first and warns once', () => {
      const { schema, warnings, errors } = parseXdf3(
        parseXml(xdf3(feld('F99000001', TEXT_INPUT) + feld('F99000001', '<xdf:feldart><code>hidden</code></xdf:feldart><xdf:datentyp><code>text</code></xdf:datentyp>', '0:1'))),
        STRICT,
      );
      expect(errors).toEqual([]);
      expect(codes(warnings)).toEqual([ImportProblemCode.STRUCTURE]);
      expect(warnings[0].message).toContain('„F99000001“');
      expect(get(schema.elements, 'F99000001@1.0.0').feldart).toBe('input');
      expect(schema.struktur.map((s) => s.anzahl)).toEqual(['1:1', '0:1']);
    });

    it('a wert without code: strict error, lenient left out with a warning', () => {
      const inner =
        '<xdf:feldart><code>select</code></xdf:feldart><xdf:datentyp><code>text</code></xdf:datentyp>' +
        '<xdf:werte><xdf:wert><xdf:name>ohne Code</xdf:name></xdf:wert><xdf:wert><xdf:code>A</xdf:code><xdf:name>Alpha</xdf:name></xdf:wert><xdf:wert><xdf:code>B</xdf:code></xdf:wert></xdf:werte>';
      expect(codes(parseXdf3(parseXml(xdf3(feld('F99000001', inner))), STRICT).errors)).toEqual([ImportProblemCode.STRUCTURE, ImportProblemCode.STRUCTURE]);
      const lenient = parseXdf3(parseXml(xdf3(feld('F99000001', inner))), LENIENT);
      expect(lenient.errors).toEqual([]);
      expect(codes(lenient.warnings)).toEqual([ImportProblemCode.STRUCTURE, ImportProblemCode.STRUCTURE]);
      expect(get(lenient.schema.elements, 'F99000001@1.0.0').werte).toEqual([{ code: 'A', name: 'Alpha' }]);
    });

    it('maxSize that is not a positive integer is reported and left out', () => {
      for (const value of ['0', 'groß', '-3']) {
        const inner = `<xdf:feldart><code>input</code></xdf:feldart><xdf:datentyp><code>file</code></xdf:datentyp><xdf:maxSize>${value}</xdf:maxSize>`;
        const { schema, warnings, errors } = parseXdf3(parseXml(xdf3(feld('F99000001', inner))), STRICT);
        expect(errors).toEqual([]);
        expect(codes(warnings)).toEqual([ImportProblemCode.NOT_APPLIED]);
        expect(get(schema.elements, 'F99000001@1.0.0')).not.toHaveProperty('maxSize');
      }
    });

    it('refuses a Datenfeld message and an xdf2 file with UNSUPPORTED_FORMAT', () => {
      const single = parseXml(`<xdf:xdatenfelder.datenfeld.0104 xmlns:xdf="${XDF3_NAMESPACE}"><xdf:datenfeld/></xdf:xdatenfelder.datenfeld.0104>`);
      expect(codes(parseXdf3(single, LENIENT).errors)).toEqual([ImportProblemCode.UNSUPPORTED_FORMAT]);
      const xdf2 = parseXml(xdf3(feld('F99000001')).replace(XDF3_NAMESPACE, 'urn:xoev-de:fim:standard:xdatenfelder_2'));
      const result = parseXdf3(xdf2, LENIENT);
      expect(codes(result.errors)).toEqual([ImportProblemCode.UNSUPPORTED_FORMAT]);
      expect(result.errors[0].message).toContain('urn:xoev-de:fim:standard:xdatenfelder_2');
    });

    it('an empty Stammdatenschema is an error in strict mode and a warning in lenient mode', () => {
      expect(codes(parseXdf3(parseXml(xdf3('<xdf:bezeichnung>leer</xdf:bezeichnung>')), STRICT).errors)).toEqual([ImportProblemCode.STRUCTURE]);
      const lenient = parseXdf3(parseXml(xdf3('<xdf:bezeichnung>leer</xdf:bezeichnung>')), LENIENT);
      expect(lenient.errors).toEqual([]);
      expect(codes(lenient.warnings)).toEqual([ImportProblemCode.STRUCTURE]);
    });
  });
});

describe('readPraezisierungXdf3', () => {
  const read = (xml: string) => {
    const reports: string[] = [];
    const result = readPraezisierungXdf3(parseXml(xml), 'des Datenfelds „F99000001“', (m) => reports.push(m));
    return { result, reports };
  };

  it('reads the attributes, keeps the pattern untouched and the text only when there is one', () => {
    expect(read('<praezisierung minLength="0" maxLength="10" minValue=" 1 " maxValue="9" pattern=" [a-z]+"/>')).toEqual({
      result: { minLength: 0, maxLength: 10, minValue: '1', maxValue: '9', pattern: ' [a-z]+' },
      reports: [],
    });
    expect(read('<praezisierung>  </praezisierung>').result).toEqual({});
    expect(read('<praezisierung maxLength="5"> Hinweis </praezisierung>')).toEqual({ result: { maxLength: 5, text: 'Hinweis' }, reports: [expect.stringContaining('„Hinweis“')] });
  });

  it('reports length attributes that are not integers ≥ 0 and leaves them out', () => {
    const { result, reports } = read('<praezisierung minLength="-1" maxLength="zehn"/>');
    expect(result).toEqual({});
    expect(reports).toHaveLength(2);
    expect(reports[1]).toContain('„zehn“');
    expect(reports[1]).toContain('„F99000001“');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Conformance: third-party xdf3 test data (flxbe, EUPL) from the shared reference folder, never copied here.

const REFERENCE = join(process.env.LOTSE_REFERENCE_DIR ?? join(projectRoot(), '..', 'shared', 'reference'), 'xdatenfelder');
const FLXBE = join(REFERENCE, 'flxbe-tests', 'v3-data');
const conformance = existsSync(FLXBE) ? describe : describe.skip;
if (!existsSync(FLXBE)) console.log(`[lotse] XDatenfelder 3.0.0 conformance tests skipped: no reference files in ${REFERENCE} (set LOTSE_REFERENCE_DIR)`);

/**
 * The flxbe v3 files are `xdatenfelder.datenfeldgruppe.0103` messages, not Stammdatenschemata. To read their content
 * through the parser, the group is put into a Stammdatenschema message in memory (fictitious id S99000099).
 */
function asSchemaMessage(message: XmlElement): XmlElement {
  const group = child(message, 'datenfeldgruppe');
  if (!group) throw new Error('no datenfeldgruppe');
  const el = (name: string, children: XmlElement[] = [], text = ''): XmlElement => ({ name, namespace: message.namespace, attributes: {}, children, text });
  return el('xdatenfelder.stammdatenschema.0102', [
    el('stammdatenschema', [
      el('identifikation', [el('id', [], 'S99000099'), el('version', [], '1.0.0')]),
      el('name', [], 'Testhülle'),
      el('struktur', [el('anzahl', [], '1:1'), el('enthaelt', [group])]),
    ]),
  ]);
}

conformance('parseXdf3 with the flxbe v3 test data', () => {
  const read = (file: string) => parseXml(readFileSync(join(FLXBE, file), 'utf8'));

  it('reads the Datenfeldgruppe messages as a schema holding the group, in lenient mode without errors', () => {
    for (const file of ['input.xml', 'simple.xml']) {
      const direct = parseXdf3(read(file), LENIENT);
      expect({ file, errors: direct.errors }).toEqual({ file, errors: [] });
      expect(direct.schema).toMatchObject({ nachricht: 'DATENFELDGRUPPE', angaben: { identifikation: { id: 'G60000000088', version: '1.2.0' } } });
      expect(direct.schema.struktur).toEqual([{ anzahl: '1:1', element: 'G60000000088@1.2.0' }]);
      const { schema, errors } = parseXdf3(asSchemaMessage(read(file)), LENIENT);
      expect({ file, errors }).toEqual({ file, errors: [] });
      expect(Object.keys(schema.elements).length).toBeGreaterThan(0);
      expect(schema.struktur).toEqual([{ anzahl: '1:1', element: 'G60000000088@1.2.0' }]);
    }
  });

  it('input.xml: elements out of XSD order, precision attributes and text, empty code-list reference, file limits', () => {
    const { schema } = parseXdf3(asSchemaMessage(read('input.xml')), LENIENT);
    expect(get(schema.elements, 'F60000000243@1.1.0')).toMatchObject({
      feldart: 'select',
      datentyp: 'text',
      praezisierung: { text: 'Constraints', minLength: 0, maxLength: 1, minValue: '0', maxValue: '1', pattern: 'abc' },
      codeliste: {},
      inhalt: '',
      vorbefuellung: 'keine',
      codeKey: 'CodeKey',
      nameKey: 'NameKey',
      helpKey: 'HelpKey',
      maxSize: 10,
      mediaType: ['application/json'],
    });
    expect(get(schema.elements, 'G60000000088@1.2.0').angaben).toMatchObject({ status: '6', statusListVersionID: '2020-03-19', beschreibung: '' });
  });

  it('simple.xml: rules on group and field (same content, no conflict), bezug with link, stichwort, relation reported', () => {
    const { schema, warnings } = parseXdf3(asSchemaMessage(read('simple.xml')), LENIENT);
    expect(codes(warnings)).toEqual([ImportProblemCode.NOT_APPLIED]);
    expect(warnings[0].message).toContain('relation');
    const group = get(schema.elements, 'G60000000088@1.2.0');
    expect(group.regelKeys).toEqual(['R60000000019@1.2.0']);
    expect(group.angaben).toMatchObject({ bezug: [{ text: 'Rechtsbezug' }], stichwort: ['Ein Stichwort'], versionshinweis: 'Hausnummerzusatz aufgenommen', gueltigAb: '2021-03-01' });
    expect(group.struktur).toEqual([{ anzahl: '0:1', bezug: [{ text: 'Rechtsbezug' }], element: 'G60000000086@1.2.0' }]);
    expect(get(schema.elements, 'F60000000243@1.1.0')).toMatchObject({ regelKeys: ['R60000000019@1.2.0'], praezisierung: { minLength: 1, maxLength: 55 } });
    expect(schema.regeln['R60000000019@1.2.0']).toMatchObject({
      typ: 'V',
      script: 'some script content',
      angaben: { bezug: [{ text: 'Eine Bezugsquelle', link: 'some reference link' }], stichwort: ['Ein Stichwort'] },
    });
    expect(schema.regeln['R60000000019@1.2.0']?.freitextRegel).toMatch(/^Es muss entweder Feldgruppe G60000086 .* befüllt werden\.$/);
  });

  const XSD = join(REFERENCE, 'xsd-3.0.0');
  (existsSync(XSD) ? it : it.skip)('own fixture full.xml is valid against the official XSD 3.0.0', async () => {
    const xsd = (name: string) => readFileSync(join(XSD, name), 'utf8');
    const result = await validateAgainstXsd(fixtureText('full.xml'), [
      { fileName: 'xdatenfelder.xsd', contents: xsd('xdatenfelder.xsd'), namespace: XDF3_NAMESPACE },
      ...['xdatenfelder-baukasten.xsd', 'xdatenfelder-datentypen.xsd', 'xoev-code.xsd', 'latinchars.xsd'].map((fileName) => ({ fileName, contents: xsd(fileName) })),
    ]);
    expect(result).toEqual({ valid: true, errors: [] });
  });
});
