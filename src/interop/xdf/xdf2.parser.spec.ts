import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../common/project-root.js';
import type { Element } from '../../generated/fim-stammdatenschema.js';
import { validateAgainstXsd } from '../../xoev/xml-validator.js';
import { ImportProblemCode, type ImportProblem } from '../import.problems.js';
import { parseXml } from '../xml/safe-xml.js';
import { readPraezisierungXdf2, parseXdf2, XDF2_NAMESPACE } from './xdf2.parser.js';

// Own fixtures: fictitious ids (S99…, G99…, F99…, R99…, C99…), see the comment at the top of each file.
const FIXTURES = join(projectRoot(), 'test', 'fixtures', 'xdf', 'xdf2');
const fixtureText = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const fixture = (name: string) => parseXml(fixtureText(name));

const LENIENT = { lenient: true };
const STRICT = { lenient: false };

const codes = (problems: ImportProblem[]) => problems.map((p) => p.code);
const field = (elements: Record<string, Element | undefined>, key: string): Element => {
  const found = elements[key];
  if (!found) throw new Error(`no element ${key}`);
  return found;
};

/** An xdf2 message around the given Stammdatenschema content (after the Angaben of the fictitious S99000001). */
function xdf2(body: string, schemaId = '<xdf:identifikation><xdf:id>S99000001</xdf:id><xdf:version>1.0</xdf:version></xdf:identifikation>'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="${XDF2_NAMESPACE}">
  <xdf:header><xdf:nachrichtID>T</xdf:nachrichtID><xdf:erstellungszeitpunkt>2026-11-25T10:00:00Z</xdf:erstellungszeitpunkt></xdf:header>
  <xdf:stammdatenschema>${schemaId}<xdf:name>Test</xdf:name>${body}</xdf:stammdatenschema>
</xdf:xdatenfelder.stammdatenschema.0102>`;
}

/** A struktur holding a field (fictitious id), with optional extra content inside the datenfeld. */
function feld(id: string, anzahl = '1:1', inner = '<xdf:feldart><code>input</code></xdf:feldart><xdf:datentyp><code>text</code></xdf:datentyp>'): string {
  return `<xdf:struktur><xdf:anzahl>${anzahl}</xdf:anzahl><xdf:enthaelt><xdf:datenfeld>
    <xdf:identifikation><xdf:id>${id}</xdf:id><xdf:version>1.0</xdf:version></xdf:identifikation><xdf:name>Feld ${id}</xdf:name>${inner}
  </xdf:datenfeld></xdf:enthaelt></xdf:struktur>`;
}

/** The XML without its first `xdf:<name>` element (start to end tag). */
function without(xml: string, name: string): string {
  const start = xml.indexOf(`<xdf:${name}>`);
  const endTag = `</xdf:${name}>`;
  const end = xml.indexOf(endTag, start);
  if (start < 0 || end < 0) throw new Error(`no ${name} in ${xml}`);
  return xml.slice(0, start) + xml.slice(end + endTag.length);
}

function gruppe(id: string, inner: string, anzahl = '1:1'): string {
  return `<xdf:struktur><xdf:anzahl>${anzahl}</xdf:anzahl><xdf:enthaelt><xdf:datenfeldgruppe>
    <xdf:identifikation><xdf:id>${id}</xdf:id><xdf:version>1.0</xdf:version></xdf:identifikation><xdf:name>Gruppe ${id}</xdf:name>${inner}
  </xdf:datenfeldgruppe></xdf:enthaelt></xdf:struktur>`;
}

describe('parseXdf2', () => {
  describe('full fixture', () => {
    const { schema, warnings, errors } = parseXdf2(fixture('full.xml'), LENIENT);

    it('reads without errors; the warnings are how the bare-number praezisierung was read (once) and the code-list name in a praezisierung', () => {
      expect(errors).toEqual([]);
      expect(codes(warnings)).toEqual([ImportProblemCode.INTERPRETED, ImportProblemCode.NOT_APPLIED]);
      expect(warnings[0].message).toContain('„F99000003“');
      expect(warnings[0].message).toContain('höchstens 5 Zeichen');
      expect(warnings[1].message).toContain('„Anrede“');
      expect(warnings[1].message).toContain('„F99000005“');
      expect(warnings[1]).not.toHaveProperty('line');
    });

    it('reads the schema Angaben: names and texts as written (spaces kept), placeholders kept, absent stays absent, codes with list version', () => {
      expect(schema.standard).toBe('XDATENFELDER_2');
      expect(schema.angaben).toEqual({
        identifikation: { id: 'S99000001', version: '1.0' },
        name: '  Testantrag Parkausweis  ',
        bezeichnungEingabe: 'Testantrag',
        beschreibung: '-',
        definition: '.',
        bezug: [{ text: '§ 1 Testgesetz' }],
        status: 'aktiv',
        statusListVersionID: '1.0',
        fachlicherErsteller: 'Testredaktion',
        freigabedatum: '2026-01-01',
        veroeffentlichungsdatum: '2026-01-02',
      });
      expect(schema.hilfetext).toBe('Hilfe zum Antrag');
      expect(schema.ableitungsmodifikationenStruktur).toBe('3');
      expect(schema.ableitungsmodifikationenRepraesentation).toBe('1');
      expect(schema).not.toHaveProperty('bezeichnung');
      expect(schema).not.toHaveProperty('dokumentsteckbrief');
    });

    it('stores each building block once and records every occurrence in the struktur of its parent', () => {
      expect(schema.struktur).toEqual([
        { anzahl: '1:1', bezug: [{ text: 'Hauptanschrift' }], element: 'G99000001@1.2' },
        { anzahl: '0:1', bezug: [{ text: 'Zweitanschrift' }], element: 'G99000001@1.2' },
        { anzahl: '1:1', bezug: [{ text: '' }], element: 'F99000004@1.1' },
        { anzahl: '1:*', bezug: [{ text: '' }], element: 'F99000002@1.0' },
        { anzahl: '1:1', bezug: [{ text: '' }], element: 'F99000005' },
      ]);
      expect(Object.keys(schema.elements).sort()).toEqual(['F99000001@1.0', 'F99000002@1.0', 'F99000003@1.0', 'F99000004@1.1', 'F99000005', 'G99000001@1.2']);
      const group = field(schema.elements, 'G99000001@1.2');
      expect(group.art).toBe('GRUPPE');
      expect(group.angaben.schemaelementart).toBe('HAR');
      expect(group.angaben.hilfetextEingabe).toBe('');
      expect(group.struktur).toEqual([
        { anzahl: '1:1', bezug: [{ text: '' }], element: 'F99000001@1.0' },
        { anzahl: '1:1', bezug: [{ text: '' }], element: 'F99000003@1.0' },
      ]);
    });

    it('keeps rules once and references them from schema, group and field', () => {
      expect(schema.regelKeys).toEqual(['R99000001@1.0']);
      expect(field(schema.elements, 'G99000001@1.2').regelKeys).toEqual(['R99000002@1.0']);
      expect(field(schema.elements, 'F99000001@1.0').regelKeys).toEqual(['R99000003@1.0']);
      expect(field(schema.elements, 'F99000004@1.1').regelKeys).toEqual([]);
      expect(Object.keys(schema.regeln).sort()).toEqual(['R99000001@1.0', 'R99000002@1.0', 'R99000003@1.0']);
      expect(schema.regeln['R99000001@1.0']).toEqual({
        angaben: {
          identifikation: { id: 'R99000001', version: '1.0' },
          name: 'Regel am Schema',
          bezeichnungEingabe: '',
          beschreibung: '',
          definition: 'Wenn F99000004 "ja" ist, wird G99000001 Pflicht.',
          bezug: [{ text: '' }],
          status: 'aktiv',
          statusListVersionID: '1.0',
        },
        script: 'function script() {  }',
      });
      expect(schema.regeln['R99000002@1.0']?.script).toBe('');
    });

    it('reads praezisierung as JSON, legacy range, plain length and empty, always keeping the text', () => {
      expect(field(schema.elements, 'F99000001@1.0').praezisierung).toEqual({
        text: '{"minLength":"1","pattern":"[\\\\p{L}0-9. ]*","maxLength":"55"}',
        minLength: 1,
        maxLength: 55,
        pattern: '[\\p{L}0-9. ]*',
      });
      expect(field(schema.elements, 'F99000002@1.0').praezisierung).toEqual({ text: '1..31', minValue: '1', maxValue: '31' });
      expect(field(schema.elements, 'F99000003@1.0').praezisierung).toEqual({ text: '5', maxLength: 5 });
      expect(field(schema.elements, 'F99000004@1.1').praezisierung).toEqual({ text: '' });
      expect(field(schema.elements, 'F99000005').praezisierung).toEqual({ text: 'Anrede' });
    });

    it('reads a select field with its code-list reference, and a label with its text', () => {
      const select = field(schema.elements, 'F99000004@1.1');
      expect(select).toMatchObject({ art: 'FELD', feldart: 'select', datentyp: 'text', inhalt: '' });
      expect(select.codeliste).toEqual({
        id: 'C99000001',
        version: '1.0',
        canonicalIdentification: 'urn:de:lotse:test:codeliste:zustimmung',
        genericodeVersion: '2026-01-01',
        canonicalVersionUri: 'urn:de:lotse:test:codeliste:zustimmung_2026-01-01',
      });
      expect(select.angaben).toMatchObject({ status: 'inVorbereitung', gueltigAb: '2026-01-01', schemaelementart: 'RNG', bezeichnungAusgabe: 'Zustimmung' });
      const label = field(schema.elements, 'F99000005');
      expect(label.angaben.identifikation).toEqual({ id: 'F99000005' });
      expect(label.feldart).toBe('label');
      expect(label.inhalt).toBe('Bitte füllen Sie alle Pflichtfelder aus & prüfen Sie Ihre Angaben.');
      expect(field(schema.elements, 'F99000001@1.0')).not.toHaveProperty('codeliste');
    });

    it('gives the same result in strict mode', () => {
      const strict = parseXdf2(fixture('full.xml'), STRICT);
      expect(strict.errors).toEqual([]);
      expect(strict.schema).toEqual(schema);
    });
  });

  describe('anzahl', () => {
    it('strict: an anzahl such as 1:n is a STRUCTURE error naming the field', () => {
      const { errors } = parseXdf2(fixture('broken-anzahl.xml'), STRICT);
      expect(errors).toHaveLength(1);
      expect(errors[0].code).toBe(ImportProblemCode.STRUCTURE);
      expect(errors[0].message).toContain('„1:n“');
      expect(errors[0].message).toContain('„F99000001“');
    });

    it('lenient: 1:n becomes 1:* with a warning', () => {
      const { schema, warnings, errors } = parseXdf2(fixture('broken-anzahl.xml'), LENIENT);
      expect(errors).toEqual([]);
      expect(codes(warnings)).toEqual([ImportProblemCode.STRUCTURE]);
      expect(warnings[0].message).toContain('„1:*“');
      expect(schema.struktur.map((s) => s.anzahl)).toEqual(['1:*', '0:1']);
    });

    it('lenient: repairs spaces and reads a missing or unreadable anzahl as 1:1, each with a warning', () => {
      const { schema, warnings, errors } = parseXdf2(
        parseXml(xdf2(feld('F99000001', ' 0 : 1 ') + feld('F99000002', 'viele') + without(feld('F99000003'), 'anzahl') + feld('F99000004', '1..n'))),
        LENIENT,
      );
      expect(errors).toEqual([]);
      expect(schema.struktur.map((s) => s.anzahl)).toEqual(['0:1', '1:1', '1:1', '1:*']);
      expect(codes(warnings)).toEqual(Array(4).fill(ImportProblemCode.STRUCTURE));
    });

    it('min greater than max is an error in both modes', () => {
      for (const options of [STRICT, LENIENT]) {
        const { errors } = parseXdf2(parseXml(xdf2(feld('F99000001', '3:1') + feld('F99000002'))), options);
        expect(codes(errors)).toEqual([ImportProblemCode.STRUCTURE]);
        expect(errors[0].message).toContain('„3:1“');
      }
      expect(parseXdf2(parseXml(xdf2(feld('F99000001', '10:9') + feld('F99000002'))), LENIENT).errors).toHaveLength(1);
      expect(parseXdf2(parseXml(xdf2(feld('F99000001', '9:10') + feld('F99000002', '007:7'))), LENIENT).errors).toEqual([]);
    });
  });

  describe('missing required content', () => {
    it('strict: a field without feldart or datentyp is an error', () => {
      const { errors } = parseXdf2(fixture('missing-feldart.xml'), STRICT);
      expect(codes(errors)).toEqual([ImportProblemCode.STRUCTURE, ImportProblemCode.STRUCTURE]);
      expect(errors[0].message).toContain('„F99000001“');
      expect(errors[0].message).toContain('Feldart');
      expect(errors[1].message).toContain('„F99000002“');
      expect(errors[1].message).toContain('Datentyp');
    });

    it('lenient: feldart input and datentyp text are assumed, with warnings', () => {
      const { schema, warnings, errors } = parseXdf2(fixture('missing-feldart.xml'), LENIENT);
      expect(errors).toEqual([]);
      expect(codes(warnings)).toEqual([ImportProblemCode.STRUCTURE, ImportProblemCode.STRUCTURE]);
      expect(field(schema.elements, 'F99000001@1.0')).toMatchObject({ feldart: 'input', datentyp: 'text' });
      expect(field(schema.elements, 'F99000002@1.0')).toMatchObject({ feldart: 'input', datentyp: 'text' });
    });

    it('a field or rule without id and a struktur without enthaelt: strict error, lenient skipped with a warning', () => {
      const body =
        `<xdf:regel><xdf:name>Regel ohne Kennung</xdf:name><xdf:script/></xdf:regel>` +
        feld('F99000001') +
        without(feld('F99000002'), 'identifikation') +
        '<xdf:struktur><xdf:anzahl>1:1</xdf:anzahl><xdf:enthaelt/></xdf:struktur>' +
        '<xdf:struktur><xdf:anzahl>1:1</xdf:anzahl></xdf:struktur>';
      const strict = parseXdf2(parseXml(xdf2(body)), STRICT);
      expect(codes(strict.errors)).toEqual(Array(4).fill(ImportProblemCode.STRUCTURE));
      const lenient = parseXdf2(parseXml(xdf2(body)), LENIENT);
      expect(lenient.errors).toEqual([]);
      expect(codes(lenient.warnings)).toEqual(Array(4).fill(ImportProblemCode.STRUCTURE));
      expect(lenient.schema.struktur).toEqual([{ anzahl: '1:1', element: 'F99000001@1.0' }]);
      expect(lenient.schema.regelKeys).toEqual([]);
      expect(lenient.schema.regeln).toEqual({});
    });

    it('an id longer than the IR allows (200 characters) is treated like a missing one', () => {
      const long = `F${'9'.repeat(200)}`;
      const body = feld('F99000001') + feld(long);
      const strict = parseXdf2(parseXml(xdf2(body)), STRICT);
      expect(codes(strict.errors)).toEqual([ImportProblemCode.STRUCTURE]);
      expect(strict.errors[0].message).toContain('zu lange Kennung');
      expect(strict.errors[0].message.length).toBeLessThan(400);
      const lenient = parseXdf2(parseXml(xdf2(body)), LENIENT);
      expect(lenient.errors).toEqual([]);
      expect(Object.keys(lenient.schema.elements)).toEqual(['F99000001@1.0']);
      const schemaId = `<xdf:identifikation><xdf:id>S${'9'.repeat(200)}</xdf:id></xdf:identifikation>`;
      expect(codes(parseXdf2(parseXml(xdf2(feld('F99000001'), schemaId)), LENIENT).errors)).toEqual([ImportProblemCode.STRUCTURE]);
    });

    it('a missing name is an error in strict mode and empty with a warning in lenient mode', () => {
      const body = feld('F99000001').replace('<xdf:name>Feld F99000001</xdf:name>', '');
      expect(codes(parseXdf2(parseXml(xdf2(body)), STRICT).errors)).toEqual([ImportProblemCode.STRUCTURE]);
      const lenient = parseXdf2(parseXml(xdf2(body)), LENIENT);
      expect(lenient.errors).toEqual([]);
      expect(field(lenient.schema.elements, 'F99000001@1.0').angaben.name).toBe('');
    });

    it('an empty Stammdatenschema is an error in strict mode and a warning in lenient mode', () => {
      const strict = parseXdf2(parseXml(xdf2('<xdf:hilfetext>nichts</xdf:hilfetext>')), STRICT);
      expect(codes(strict.errors)).toEqual([ImportProblemCode.STRUCTURE]);
      expect(strict.errors[0].message).toContain('„S99000001“');
      const lenient = parseXdf2(parseXml(xdf2('<xdf:hilfetext>nichts</xdf:hilfetext>')), LENIENT);
      expect(lenient.errors).toEqual([]);
      expect(codes(lenient.warnings)).toEqual([ImportProblemCode.STRUCTURE]);
      // all its content skipped in lenient mode: just as empty
      const skipped = parseXdf2(parseXml(xdf2('<xdf:struktur><xdf:anzahl>1:1</xdf:anzahl></xdf:struktur>')), LENIENT);
      expect(skipped.errors).toEqual([]);
      expect(codes(skipped.warnings)).toContain(ImportProblemCode.STRUCTURE);
    });

    it('a Stammdatenschema without id is an error in both modes', () => {
      for (const options of [STRICT, LENIENT]) {
        const { errors } = parseXdf2(parseXml(xdf2(feld('F99000001'), '')), options);
        expect(codes(errors)).toEqual([ImportProblemCode.STRUCTURE]);
      }
    });
  });

  describe('reuse', () => {
    it('the same key with different content keeps the first and warns once, naming the id', () => {
      for (const options of [STRICT, LENIENT]) {
        const { schema, warnings, errors } = parseXdf2(fixture('duplicate-key.xml'), options);
        expect(errors).toEqual([]);
        expect(codes(warnings)).toEqual([ImportProblemCode.STRUCTURE]);
        expect(warnings[0].message).toContain('„F99000001“');
        expect(schema.struktur).toEqual([
          { anzahl: '1:1', bezug: [{ text: '' }], element: 'F99000001@1.0' },
          { anzahl: '0:1', bezug: [{ text: '' }], element: 'F99000001@1.0' },
        ]);
        expect(field(schema.elements, 'F99000001@1.0').angaben.name).toBe('Vorname');
      }
    });

    it('a rule reused with different content warns once as well', () => {
      const regel = (definition: string) =>
        `<xdf:regel><xdf:identifikation><xdf:id>R99000001</xdf:id></xdf:identifikation><xdf:name>R</xdf:name><xdf:definition>${definition}</xdf:definition><xdf:script/></xdf:regel>`;
      const inner = '<xdf:feldart><code>input</code></xdf:feldart><xdf:datentyp><code>text</code></xdf:datentyp>';
      const { schema, warnings } = parseXdf2(parseXml(xdf2(feld('F99000001', '1:1', inner + regel('A')) + feld('F99000002', '1:1', inner + regel('B')) + feld('F99000003', '1:1', inner + regel('C')))), LENIENT);
      expect(codes(warnings)).toEqual([ImportProblemCode.STRUCTURE]);
      expect(warnings[0].message).toContain('Regel „R99000001“');
      expect(schema.regeln.R99000001?.angaben.definition).toBe('A');
      expect(field(schema.elements, 'F99000003@1.0').regelKeys).toEqual(['R99000001']);
    });

    it('a group that contains itself is an error in both modes, and the IR keeps no cycle', () => {
      const inner = gruppe('G99000001', feld('F99000001'));
      for (const options of [STRICT, LENIENT]) {
        const { schema, errors } = parseXdf2(parseXml(xdf2(gruppe('G99000001', inner))), options);
        expect(codes(errors)).toEqual([ImportProblemCode.STRUCTURE]);
        expect(errors[0].message).toContain('„G99000001“');
        expect(errors[0].message).toContain('enthält sich selbst');
        expect(field(schema.elements, 'G99000001@1.0').struktur).toEqual([]);
      }
    });

    it('takes ids as they are, also odd ones such as __proto__, as own keys', () => {
      const body = feld('F00-4cb0dd14-test').replace('<xdf:version>1.0</xdf:version>', '') + feld('__proto__').replace('<xdf:version>1.0</xdf:version>', '');
      const { schema, errors } = parseXdf2(parseXml(xdf2(body)), STRICT);
      expect(errors).toEqual([]);
      expect(Object.keys(schema.elements)).toEqual(['F00-4cb0dd14-test', '__proto__']);
      expect(Object.getPrototypeOf(schema.elements)).toBe(Object.prototype);
      expect(Object.prototype.hasOwnProperty.call(schema.elements, '__proto__')).toBe(true);
    });
  });

  describe('the root', () => {
    it('refuses another message or namespace with UNSUPPORTED_FORMAT', () => {
      const other = parseXml(`<xdf:xdatenfelder.datenfeld.0104 xmlns:xdf="${XDF2_NAMESPACE}"><xdf:datenfeld/></xdf:xdatenfelder.datenfeld.0104>`);
      const otherResult = parseXdf2(other, LENIENT);
      expect(codes(otherResult.errors)).toEqual([ImportProblemCode.UNSUPPORTED_FORMAT]);
      expect(otherResult.errors[0].message).toContain('xdatenfelder.datenfeld.0104');
      const xdf3 = parseXml(xdf2(feld('F99000001')).replace(XDF2_NAMESPACE, 'urn:xoev-de:fim:standard:xdatenfelder_3.0.0'));
      expect(codes(parseXdf2(xdf3, LENIENT).errors)).toEqual([ImportProblemCode.UNSUPPORTED_FORMAT]);
      const noSchema = parseXml(`<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="${XDF2_NAMESPACE}"/>`);
      expect(codes(parseXdf2(noSchema, LENIENT).errors)).toEqual([ImportProblemCode.STRUCTURE]);
    });
  });
});

describe('readPraezisierungXdf2', () => {
  const read = (text: string, datentyp = 'text') => {
    const reports: string[] = [];
    const result = readPraezisierungXdf2(text, datentyp, 'des Datenfelds „F99000001“', (m) => reports.push(m));
    return { result, reports };
  };

  it('converts the JSON string values', () => {
    expect(read('{"minLength":"0","maxLength":"250","minValue":"1","maxValue":" 9,5 ","pattern":"[a-z ]+"}')).toEqual({
      result: { text: '{"minLength":"0","maxLength":"250","minValue":"1","maxValue":" 9,5 ","pattern":"[a-z ]+"}', minLength: 0, maxLength: 250, minValue: '1', maxValue: '9,5', pattern: '[a-z ]+' },
      reports: [],
    });
    expect(read('{"maxLength":12,"minValue":0}').result).toEqual({ text: '{"maxLength":12,"minValue":0}', maxLength: 12, minValue: '0' });
  });

  it('reports what it cannot use and keeps the rest', () => {
    const notNumeric = read('{"minLength":"1","maxLength":"viele"}');
    expect(notNumeric.result).toEqual({ text: '{"minLength":"1","maxLength":"viele"}', minLength: 1 });
    expect(notNumeric.reports).toHaveLength(1);
    expect(notNumeric.reports[0]).toContain('„viele“');
    expect(notNumeric.reports[0]).toContain('„F99000001“');
    expect(read('{"maxLength":"-1"}').result).toEqual({ text: '{"maxLength":"-1"}' });
    expect(read('{"maxLength":"1.5"}').reports).toHaveLength(1);
    expect(read('{"pattern":["a"]}').reports).toHaveLength(1);
    const unknown = read('{"format":"email","maxLength":"9"}');
    expect(unknown.result).toEqual({ text: '{"format":"email","maxLength":"9"}', maxLength: 9 });
    expect(unknown.reports[0]).toContain('„format“');
  });

  it('keeps malformed JSON and non-object JSON as text only, with a report', () => {
    expect(read('{"minLength":"1",')).toEqual({ result: { text: '{"minLength":"1",' }, reports: [expect.stringContaining('kein gültiges JSON')] });
    expect(read('{').reports).toHaveLength(1);
  });

  it('reads legacy ranges and placeholders silently, and a plain number on text fields as maximum length with a report', () => {
    expect(read('1..31', 'num_int')).toEqual({ result: { text: '1..31', minValue: '1', maxValue: '31' }, reports: [] });
    expect(read('-5.5..10', 'num').result).toEqual({ text: '-5.5..10', minValue: '-5.5', maxValue: '10' });
    expect(read('..10', 'num').result).toEqual({ text: '..10', maxValue: '10' });
    expect(read('5')).toEqual({ result: { text: '5', maxLength: 5 }, reports: [expect.stringContaining('als Höchstlänge gelesen: höchstens 5 Zeichen')] });
    const onNumber = read('5', 'num');
    expect(onNumber.result).toEqual({ text: '5' });
    expect(onNumber.reports).toHaveLength(1);
    expect(read('..')).toMatchObject({ result: { text: '..' }, reports: [expect.any(String)] });
    expect(read('-')).toEqual({ result: { text: '-' }, reports: [] });
    expect(read('')).toEqual({ result: { text: '' }, reports: [] });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Conformance with the real export and third-party test data in the shared reference folder (never copied here).

const REFERENCE = join(process.env.LOTSE_REFERENCE_DIR ?? join(projectRoot(), '..', 'shared', 'reference'), 'xdatenfelder');
const SAMPLE = join(REFERENCE, 'samples-xdf2', 'S05000058V1.0_xdf2.xml');
const conformance = existsSync(SAMPLE) ? describe : describe.skip;
if (!existsSync(SAMPLE)) console.log(`[lotse] XDatenfelder 2.0 conformance tests skipped: no reference files in ${REFERENCE} (set LOTSE_REFERENCE_DIR)`);

conformance('parseXdf2 with the reference files', () => {
  it('reads the real export S05000058 (counts checked by hand against the XML)', () => {
    const { schema, warnings, errors } = parseXdf2(parseXml(readFileSync(SAMPLE, 'utf8')), STRICT);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(schema.angaben.identifikation).toEqual({ id: 'S05000058', version: '1.0' });

    // every occurrence: the schema's struktur plus that of each group occurrence (groups are not reused in this file)
    const groups = Object.values(schema.elements).filter((e): e is Element => e?.art === 'GRUPPE');
    const positions = [...schema.struktur, ...groups.flatMap((g) => g.struktur ?? [])];
    const tally = (values: string[]) => values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});
    expect(tally(positions.map((p) => p.anzahl))).toEqual({ '1:1': 34, '0:1': 6, '1:*': 1 });
    const fieldOccurrences = positions.map((p) => field(schema.elements, p.element)).filter((e) => e.art === 'FELD');
    expect(fieldOccurrences).toHaveLength(33);
    expect(Object.values(schema.elements).filter((e) => e?.art === 'FELD')).toHaveLength(31);
    expect(groups).toHaveLength(8);
    expect(tally(fieldOccurrences.map((f) => f.feldart ?? ''))).toEqual({ input: 26, select: 7 });
    expect(tally(fieldOccurrences.map((f) => f.datentyp ?? ''))).toEqual({ text: 26, date: 3, num: 2, file: 2 });

    const odd = field(schema.elements, 'F00-4cb0dd14-629c-4661-9435-4e9eadc43e07@1.0');
    expect(odd.angaben.identifikation.id).toBe('F00-4cb0dd14-629c-4661-9435-4e9eadc43e07');
    for (const select of fieldOccurrences.filter((f) => f.feldart === 'select')) {
      expect(select.codeliste?.canonicalIdentification).toBeTruthy();
      expect(select.codeliste?.id).toMatch(/^C\d+$/);
    }
    expect(field(schema.elements, 'F05001344@1.0').codeliste?.id).toBeDefined();
    expect(schema.regeln['R05000281@1.0']?.angaben.definition).toContain('G05000499 zur Pflichtangabe');
    expect(schema.regelKeys).toContain('R05000281@1.0');
    expect(Object.keys(schema.regeln).sort()).toEqual(['R05000281@1.0', 'R05000334@1.0']);
    // the JSON praezisierung spread over lines in the export
    const withPattern = Object.values(schema.elements).filter((e) => e?.praezisierung?.pattern !== undefined);
    expect(withPattern.map((e) => e?.praezisierung?.pattern).sort()).toEqual(['([0]{1}[1-9]{1}|[1-9]{1}[0-9]{1})[0-9]{3}', '[\\p{L}0-9. ]*', '[\\p{L}0-9. ]*']);
  });

  it('reads the flxbe v2 test data in lenient mode; the two files without struktur come with a warning', () => {
    const dir = join(REFERENCE, 'flxbe-tests', 'v2-data');
    const files = readdirSync(dir).filter((f) => f.endsWith('.xml')).sort();
    expect(files).toEqual(['data-field-rule.xml', 'data-group-rule.xml', 'label.xml', 'minimal.xml', 'rule.xml', 'select.xml', 'simple.xml']);
    for (const file of files) {
      const { schema, errors, warnings } = parseXdf2(parseXml(readFileSync(join(dir, file), 'utf8')), LENIENT);
      expect(schema.angaben.identifikation.id).toBe('T1234');
      if (file === 'minimal.xml' || file === 'rule.xml') {
        // struktur is 0..n in xdf2, but a Stammdatenschema without struktur gives no form
        expect(errors).toEqual([]);
        expect(codes(warnings)).toContain(ImportProblemCode.STRUCTURE);
        continue;
      }
      expect({ file, errors }).toEqual({ file, errors: [] });
      expect(Object.keys(schema.elements).length).toBeGreaterThan(0);
    }
    const rule = parseXdf2(parseXml(readFileSync(join(dir, 'rule.xml'), 'utf8')), LENIENT).schema;
    expect(rule.regelKeys).toEqual(['R60000037@1.2']);
    const select = parseXdf2(parseXml(readFileSync(join(dir, 'select.xml'), 'utf8')), LENIENT).schema;
    expect(field(select.elements, 'F123@1.0')).toMatchObject({ feldart: 'select', codeliste: { id: 'C123', canonicalIdentification: 'urn:de:example', genericodeVersion: '1' } });
    expect(field(select.elements, 'F123@1.0')).not.toHaveProperty('praezisierung');
  });

  it('own fixture full.xml is valid against the official XSD 2.0', async () => {
    const xsd = (name: string) => readFileSync(join(REFERENCE, 'xsd-2.0', name), 'utf8');
    const result = await validateAgainstXsd(fixtureText('full.xml'), [
      { fileName: 'xdatenfelder.xsd', contents: xsd('xdatenfelder.xsd'), namespace: XDF2_NAMESPACE },
      ...['xdatenfelder-baukasten.xsd', 'xdatenfelder-datentypen.xsd', 'xoev-code.xsd', 'latinchars.xsd', 'genericode.xsd'].map((fileName) => ({ fileName, contents: xsd(fileName) })),
    ]);
    expect(result).toEqual({ valid: true, errors: [] });
  });
});
