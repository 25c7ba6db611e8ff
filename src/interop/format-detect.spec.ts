import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../common/project-root.js';
import { readImportInput, MAX_JSON_DEPTH } from './format-detect.js';
import { ImportProblemCode, ImportRejectedError, type ImportProblem } from './import.problems.js';
import { DEFAULT_XML_LIMITS } from './xml/safe-xml.js';
import { child, childText } from './xml/xml-element.js';

const REFERENCE = process.env.LOTSE_REFERENCE_DIR ?? join(projectRoot(), '..', 'shared', 'reference');
const XDF = join(REFERENCE, 'xdatenfelder');
const haveReference = existsSync(join(XDF, 'samples-xdf2', 'S05000058V1.0_xdf2.xml'));
if (!haveReference) console.log(`[lotse] format detection reference tests skipped: no XDatenfelder samples in ${XDF} (set LOTSE_REFERENCE_DIR)`);
const withReference = haveReference ? it : it.skip;

const XDF2 = 'urn:xoev-de:fim:standard:xdatenfelder_2';
const XDF3 = 'urn:xoev-de:fim:standard:xdatenfelder_3.0.0';

/** A root element only; what follows the root does not matter for detection. */
const xml = (root: string, namespace: string, body = ''): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<xdf:${root} xmlns:xdf="${namespace}">${body}</xdf:${root}>`;

function rejection(text: string, declared: Parameters<typeof readImportInput>[1] = 'AUTO'): ImportProblem {
  try {
    readImportInput(text, declared);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportRejectedError);
    const problems = (error as ImportRejectedError).problems;
    expect(problems).toHaveLength(1);
    return problems[0];
  }
  throw new Error('readImportInput accepted the input');
}

describe('readImportInput', () => {
  it('detects XDatenfelder 2 and 3 Stammdatenschemata by namespace and root', () => {
    const two = readImportInput(xml('xdatenfelder.stammdatenschema.0102', XDF2, '<xdf:header/>'), 'AUTO');
    expect(two.format).toBe('XDATENFELDER_2');
    expect(two.root?.children[0].name).toBe('header');
    expect(two.json).toBeUndefined();
    expect(readImportInput(xml('xdatenfelder.stammdatenschema.0102', XDF3), 'XDATENFELDER_3').format).toBe('XDATENFELDER_3');
    // A byte order mark and leading whitespace do not matter.
    expect(readImportInput('\uFEFF \n' + xml('xdatenfelder.stammdatenschema.0102', XDF2).replace(/^<\?xml[^>]*>\n/, ''), 'AUTO').format).toBe(
      'XDATENFELDER_2',
    );
  });

  it('reads bundles as JSON', () => {
    expect(readImportInput('\uFEFF  {"kind":"x","n":[1,2]}', 'AUTO')).toEqual({ format: 'BUNDLE', json: { kind: 'x', n: [1, 2] } });
    expect(readImportInput('[]', 'BUNDLE')).toEqual({ format: 'BUNDLE', json: [] });
  });

  it('reports malformed JSON with the line of the error', () => {
    const p = rejection('{\n  "a": 1,\n  "b": 2\n  "c": 3\n}');
    expect(p).toMatchObject({ code: ImportProblemCode.MALFORMED, line: 4 });
    expect(p.message).toMatch(/^Die Datei ist kein gültiges JSON/);
    expect(rejection('{\n"a": [1, 2')).toMatchObject({ code: ImportProblemCode.MALFORMED, line: 2 });
  });

  it('refuses JSON nested deeper than the limit, ignoring brackets in strings', () => {
    const ok = '['.repeat(MAX_JSON_DEPTH) + '"[[[{{{"' + ']'.repeat(MAX_JSON_DEPTH);
    expect(readImportInput(ok, 'AUTO').format).toBe('BUNDLE');
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    expect(rejection(deep)).toMatchObject({ code: ImportProblemCode.TOO_DEEP, line: 1 });
  });

  it('checks the size of JSON too', () => {
    const limits = { ...DEFAULT_XML_LIMITS, maxBytes: 10 };
    expect(() => readImportInput('{"a":"12345678"}', 'AUTO', limits)).toThrow(/erlaubt sind höchstens 10 Byte/);
  });

  it('names XDatenfelder 1 and asks for a newer export', () => {
    const p = rejection(xml('xdatenfelder.stammdatenschema.0102001', 'urn:xoev-de:fim:standard:xdatenfelder_1'));
    expect(p).toEqual({
      code: ImportProblemCode.UNSUPPORTED_FORMAT,
      message: 'XDatenfelder 1 wird nicht unterstützt; bitte exportieren Sie das Schema als XDatenfelder 2 oder 3.',
      line: 2,
    });
  });

  it.each([
    ['xdatenfelder.datenfeld.0104', XDF3, 'XDatenfelder-3-Nachricht „xdatenfelder.datenfeld.0104“ (ein einzelnes Datenfeld)'],
    ['xdatenfelder.codeliste.0105', XDF2, '(eine Codeliste)'],
    ['xdatenfelder.dokumentsteckbrief.0101', XDF3, '(einen Dokumentsteckbrief)'],
    ['xdatenfelder.sync.0201', XDF2, 'XDatenfelder-2-Nachricht „xdatenfelder.sync.0201“. Importiert'],
  ])('names another XDatenfelder message: %s', (root, namespace, expected) => {
    const p = rejection(xml(root, namespace));
    expect(p.code).toBe(ImportProblemCode.UNSUPPORTED_FORMAT);
    expect(p.message).toContain(expected);
  });

  it('names an unknown XDatenfelder version', () => {
    expect(rejection(xml('xdatenfelder.stammdatenschema.0102', 'urn:xoev-de:fim:standard:xdatenfelder_3.1.0')).message).toContain(
      '„urn:xoev-de:fim:standard:xdatenfelder_3.1.0“; diese Version wird nicht unterstützt',
    );
  });

  it('recognises a genericode list given as a schema', () => {
    const p = rejection(
      '<CodeList xmlns="http://docs.oasis-open.org/codelist/ns/genericode/1.0/"><Identification><ShortName>Testliste</ShortName></Identification></CodeList>',
    );
    expect(p.code).toBe(ImportProblemCode.UNSUPPORTED_FORMAT);
    expect(p.message).toContain('eine Codeliste (genericode „Testliste“) ohne Stammdatenschema');
  });

  it('names other XML by root element and namespace', () => {
    expect(rejection('<html><body/></html>').message).toContain('Wurzelelement „html“ ohne Namensraum');
    expect(rejection('<x:a xmlns:x="urn:beispiel"/>').message).toContain('Wurzelelement „a“ im Namensraum „urn:beispiel“');
  });

  it('refuses plain text and empty files', () => {
    expect(rejection('Hallo Welt')).toMatchObject({ code: ImportProblemCode.UNSUPPORTED_FORMAT, message: expect.stringContaining('weder XML noch JSON') });
    expect(rejection(' \n\uFEFF')).toMatchObject({ code: ImportProblemCode.UNSUPPORTED_FORMAT, message: 'Die Datei ist leer.' });
  });

  it('refuses a declared format that differs from the content, naming both', () => {
    const p = rejection(xml('xdatenfelder.stammdatenschema.0102', XDF2), 'XDATENFELDER_3');
    expect(p.code).toBe(ImportProblemCode.UNSUPPORTED_FORMAT);
    expect(p.message).toContain('Als Format wurde XDatenfelder 3 angegeben, die Datei ist aber XDatenfelder 2.');
    expect(rejection('{}', 'XDATENFELDER_2').message).toContain('XDatenfelder 2 angegeben, die Datei ist aber Lotse-Bundle (JSON)');
    expect(rejection(xml('xdatenfelder.stammdatenschema.0102', XDF3), 'BUNDLE').message).toContain('Lotse-Bundle (JSON) angegeben');
  });

  it('hands XML problems of the safe parser on unchanged', () => {
    expect(rejection('<!DOCTYPE x>\n<x/>')).toMatchObject({ code: ImportProblemCode.FORBIDDEN_CONSTRUCT, line: 1 });
  });

  withReference('reads the real S05000058 export as XDatenfelder 2, with &#xD; decoded to a carriage return', () => {
    const read = readImportInput(readFileSync(join(XDF, 'samples-xdf2', 'S05000058V1.0_xdf2.xml'), 'utf8'), 'AUTO');
    expect(read.format).toBe('XDATENFELDER_2');
    const schema = child(read.root, 'stammdatenschema');
    expect(childText(child(schema, 'identifikation'), 'id')).toBe('S05000058');
    expect(childText(schema, 'definition')).toContain('ausgewiesene Zonen.\r\n');
  });

  withReference('recognises the flxbe v3 test files, single Datenfeldgruppen, as XDatenfelder 3', () => {
    const read = readImportInput(readFileSync(join(XDF, 'flxbe-tests', 'v3-data', 'input.xml'), 'utf8'), 'AUTO');
    expect(read.format).toBe('XDATENFELDER_3');
    expect(read.root!.name).toBe('xdatenfelder.datenfeldgruppe.0103');
  });

  it.each([
    [XDF2, 'XDATENFELDER_2'],
    [XDF3, 'XDATENFELDER_3'],
  ])('takes a single Datenfeldgruppe message (%s) as importable', (namespace, format) => {
    expect(readImportInput(xml('xdatenfelder.datenfeldgruppe.0103', namespace), 'AUTO').format).toBe(format);
  });
});
