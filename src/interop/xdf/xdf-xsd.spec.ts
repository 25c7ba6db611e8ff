import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../common/project-root.js';
import { ImportProblemCode } from '../import.problems.js';
import { MAX_SCHEMA_PROBLEMS, validateXdatenfelderXsd } from './xdf-xsd.js';

const REFERENCE = process.env.LOTSE_REFERENCE_DIR ?? join(projectRoot(), '..', 'shared', 'reference');
const XDF = join(REFERENCE, 'xdatenfelder');
const haveReference = existsSync(join(XDF, 'xsd-2.0', 'xdatenfelder.xsd')) && existsSync(join(XDF, 'xsd-3.0.0', 'xdatenfelder.xsd'));
if (!haveReference) console.log(`[lotse] XDatenfelder XSD reference tests skipped: no official XSDs in ${XDF} (set LOTSE_REFERENCE_DIR)`);
const withReference = haveReference ? it : it.skip;

const XDF2 = 'urn:xoev-de:fim:standard:xdatenfelder_2';

/** A tiny schema set of our own, laid out like the official one (main schema includes a second file). */
const MAIN_XSD = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xdf="${XDF2}" targetNamespace="${XDF2}" elementFormDefault="qualified">
  <xs:include schemaLocation="teil.xsd"/>
  <xs:element name="liste"><xs:complexType><xs:sequence><xs:element ref="xdf:zahl" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>
</xs:schema>`;
const PART_XSD = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xdf="${XDF2}" targetNamespace="${XDF2}" elementFormDefault="qualified">
  <xs:element name="zahl" type="xs:int"/>
</xs:schema>`;
const numbers = (values: string[]): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<xdf:liste xmlns:xdf="${XDF2}">\n${values.map((v) => `<xdf:zahl>${v}</xdf:zahl>`).join('\n')}\n</xdf:liste>`;

describe('validateXdatenfelderXsd', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lotse-xdf-xsd-'));
    mkdirSync(join(dir, 'own', 'xsd-2.0'), { recursive: true });
    writeFileSync(join(dir, 'own', 'xsd-2.0', 'xdatenfelder.xsd'), MAIN_XSD);
    writeFileSync(join(dir, 'own', 'xsd-2.0', 'teil.xsd'), PART_XSD);
    mkdirSync(join(dir, 'incomplete', 'xsd-2.0'), { recursive: true });
    writeFileSync(join(dir, 'incomplete', 'xsd-2.0', 'xdatenfelder.xsd'), MAIN_XSD);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('asks for the XSD folder when none is configured', async () => {
    const problems = await validateXdatenfelderXsd(numbers(['1']), 'XDATENFELDER_2', undefined);
    expect(problems).toHaveLength(1);
    expect(problems[0].code).toBe(ImportProblemCode.SCHEMA_UNAVAILABLE);
    expect(problems[0].message).toMatch(/^Der strikte Modus braucht die offiziellen XDatenfelder-XSD \(XDATENFELDER_XSD_DIR\)/);
  });

  it('names a missing subfolder, main schema or included file', async () => {
    const [noSub] = await validateXdatenfelderXsd(numbers(['1']), 'XDATENFELDER_3', join(dir, 'own'));
    expect(noSub).toMatchObject({ code: ImportProblemCode.SCHEMA_UNAVAILABLE, message: expect.stringContaining('„xsd-3.0.0“ fehlt') });
    const [noInclude] = await validateXdatenfelderXsd(numbers(['1']), 'XDATENFELDER_2', join(dir, 'incomplete'));
    expect(noInclude).toMatchObject({ code: ImportProblemCode.SCHEMA_UNAVAILABLE, message: expect.stringContaining('die Datei „teil.xsd“') });
    const [noMain] = await validateXdatenfelderXsd(numbers(['1']), 'XDATENFELDER_2', join(dir, 'nichts'));
    expect(noMain.code).toBe(ImportProblemCode.SCHEMA_UNAVAILABLE);
  });

  it('accepts a valid file and reports each violation with its line, libxml2 text and a German prefix', async () => {
    expect(await validateXdatenfelderXsd(numbers(['1', '2']), 'XDATENFELDER_2', join(dir, 'own'))).toEqual([]);
    const problems = await validateXdatenfelderXsd(numbers(['1', 'zwei', '3']), 'XDATENFELDER_2', join(dir, 'own'));
    expect(problems).toHaveLength(1);
    expect(problems[0].code).toBe(ImportProblemCode.SCHEMA_VIOLATION);
    expect(problems[0].line).toBe(4);
    expect(problems[0].message).toMatch(/^Zeile 4: Das Dokument entspricht nicht dem XDatenfelder-2\.0-Schema: Element 'xdf:zahl': 'zwei' is not a valid value/);
  });

  it(`reports at most ${MAX_SCHEMA_PROBLEMS} violations and counts the rest`, async () => {
    const problems = await validateXdatenfelderXsd(numbers(Array.from({ length: 60 }, (_, i) => `x${i}`)), 'XDATENFELDER_2', join(dir, 'own'));
    expect(problems).toHaveLength(MAX_SCHEMA_PROBLEMS + 1);
    expect(problems.slice(0, MAX_SCHEMA_PROBLEMS).every((p) => p.code === ImportProblemCode.SCHEMA_VIOLATION && p.line !== undefined)).toBe(true);
    expect(problems[MAX_SCHEMA_PROBLEMS].message).toBe('… und 10 weitere Abweichungen vom XDatenfelder-2.0-Schema.');
  });

  it('does not hand a file with a DTD to libxml2', async () => {
    const problems = await validateXdatenfelderXsd('<!DOCTYPE x [<!ENTITY a "b">]>' + numbers(['1']).replace(/^<\?xml[^>]*>/, ''), 'XDATENFELDER_2', join(dir, 'own'));
    expect(problems.map((p) => p.code)).toEqual([ImportProblemCode.FORBIDDEN_CONSTRUCT]);
  });

  withReference('accepts the real S05000058 export against XDatenfelder 2.0', async () => {
    const xml = readFileSync(join(XDF, 'samples-xdf2', 'S05000058V1.0_xdf2.xml'), 'utf8');
    expect(await validateXdatenfelderXsd(xml, 'XDATENFELDER_2', XDF)).toEqual([]);
  });

  // Expected results as listed in the reference folder's SOURCES.md.
  const flxbe: Array<[string, 'XDATENFELDER_2' | 'XDATENFELDER_3', boolean]> = [
    ['v2-data/minimal.xml', 'XDATENFELDER_2', false],
    ['v2-data/simple.xml', 'XDATENFELDER_2', false],
    ['v2-data/select.xml', 'XDATENFELDER_2', false],
    ['v2-data/data-field-rule.xml', 'XDATENFELDER_2', false],
    ['v2-data/label.xml', 'XDATENFELDER_2', true],
    ['v2-data/rule.xml', 'XDATENFELDER_2', true],
    ['v2-data/data-group-rule.xml', 'XDATENFELDER_2', true],
    ['v3-data/simple.xml', 'XDATENFELDER_3', false],
    ['v3-data/input.xml', 'XDATENFELDER_3', false],
  ];
  withReference.each(flxbe)('flxbe %s (%s) is valid: %s', async (file, format, valid) => {
    const xml = readFileSync(join(XDF, 'flxbe-tests', file), 'utf8');
    const problems = await validateXdatenfelderXsd(xml, format, XDF);
    if (valid) {
      expect(problems).toEqual([]);
    } else {
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) {
        expect(p.code).toBe(ImportProblemCode.SCHEMA_VIOLATION);
        expect(p.line).toBeGreaterThan(0);
        expect(p.message).toContain(`Zeile ${p.line}: Das Dokument entspricht nicht dem XDatenfelder-${format === 'XDATENFELDER_2' ? '2.0' : '3.0.0'}-Schema: `);
      }
    }
  });
});
