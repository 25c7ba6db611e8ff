import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { projectRoot } from '../../common/project-root.js';
import { validateAgainstXsd, type XsdFile } from '../../xoev/xml-validator.js';
import type { GenericodeList } from '../import.problems.js';
import { parseGenericodeText } from './genericode.parser.js';
import { GENERICODE_NAMESPACE, genericodeFileName, genericodeXml } from './genericode.serializer.js';
import { obj, list, str } from '../../../test/support/parsed-xml.js';

// ---------------------------------------------------------------------------------------------------------------
// The official genericode.xsd, read from the shared reference folder (never copied into the project).

const REFERENCE = process.env.LOTSE_REFERENCE_DIR ?? join(projectRoot(), '..', 'shared', 'reference');
const XSD = join(REFERENCE, 'xdatenfelder', 'xsd-2.0', 'genericode.xsd');
const haveXsd = existsSync(XSD);
const withXsd = haveXsd ? it : it.skip;
if (!haveXsd) console.log(`[lotse] genericode XSD checks skipped: no genericode.xsd at ${XSD} (set LOTSE_REFERENCE_DIR)`);

/**
 * genericode.xsd imports the W3C schema of the `xml:` namespace from `xml.xsd`, which is not in the folder and cannot be
 * fetched (libxml2 then fails to compile: "xml:lang does not resolve"). This stand-in, written here, declares the four
 * attributes of that namespace, with the types the W3C schema gives them.
 */
const XML_NAMESPACE_STANDIN = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/XML/1998/namespace">
  <xs:attribute name="lang"><xs:simpleType><xs:union memberTypes="xs:language"><xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value=""/></xs:restriction></xs:simpleType></xs:union></xs:simpleType></xs:attribute>
  <xs:attribute name="space"><xs:simpleType><xs:restriction base="xs:NCName"><xs:enumeration value="default"/><xs:enumeration value="preserve"/></xs:restriction></xs:simpleType></xs:attribute>
  <xs:attribute name="base" type="xs:anyURI"/>
  <xs:attribute name="id" type="xs:ID"/>
</xs:schema>`;

const SAMPLES = join(REFERENCE, 'xdatenfelder', 'samples-xdf2');
const REAL_LISTS = ['C05000073_genericode.xml', 'C60000016_genericode.xml'].map((f) => join(SAMPLES, f));
const haveReal = haveXsd && REAL_LISTS.every((f) => existsSync(f));
const withReal = haveReal ? it : it.skip;
if (!haveReal) console.log(`[lotse] genericode round trip of real FIM lists skipped: not found in ${SAMPLES} (set LOTSE_REFERENCE_DIR)`);

const genericodeSchemas = (): XsdFile[] => [
  { fileName: 'genericode.xsd', contents: readFileSync(XSD, 'utf8'), namespace: GENERICODE_NAMESPACE },
  { fileName: 'xml.xsd', contents: XML_NAMESPACE_STANDIN },
];

// ---------------------------------------------------------------------------------------------------------------
// Fixtures: made-up lists (the URNs under urn:de:lotse:test are NOT real code lists).

/** Column ids that are not "code"/"name", as in real lists (the code column id differs from list to list). */
const staaten = (): GenericodeList => ({
  shortName: 'Staat',
  longName: 'Staaten (Testliste)',
  version: '2026-02-01',
  canonicalUri: 'urn:de:lotse:test:staat',
  canonicalVersionUri: 'urn:de:lotse:test:staat_2026-02-01',
  codeColumn: 'schluessel-staat',
  nameColumn: 'suchbegriff',
  helpColumn: 'hinweis',
  codes: [
    { code: '000', name: 'Deutschland' },
    { code: '999', name: 'Ǻ ẞ Ḑ M\u0302 <Test> & "Staat" \'x\' ]]> €', help: 'Zeile 1\r\nZeile 2' },
  ],
});

const parser = new XMLParser({
  ignoreAttributes: false,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true,
  isArray: (name) => ['Column', 'Key', 'Row', 'Value'].includes(name),
});

/** Reads a genericode document back as a reader should: code and name columns through the codeKey/codenameKey Keys. */
function readBack(xml: string) {
  const root = obj(obj(parser.parse(xml))['gc:CodeList']);
  const ident = obj(root.Identification);
  const columnSet = obj(root.ColumnSet);
  const keyRef = (id: string) => str(obj(obj(list(columnSet.Key).find((k) => k['@_Id'] === id)).ColumnRef)['@_Ref']);
  const codeColumn = keyRef('codeKey');
  const nameColumn = keyRef('codenameKey');
  const rows = list(obj(root.SimpleCodeList).Row).map((row) => {
    const values = new Map(list(row.Value).map((v) => [str(v['@_ColumnRef']), str(v.SimpleValue)]));
    return Object.fromEntries([...values.entries()]);
  });
  return {
    root,
    identification: {
      shortName: str(ident.ShortName),
      longName: ident.LongName === undefined ? undefined : str(ident.LongName),
      version: str(ident.Version),
      canonicalUri: str(ident.CanonicalUri),
      canonicalVersionUri: str(ident.CanonicalVersionUri),
    },
    columns: list(columnSet.Column).map((c) => ({ id: str(c['@_Id']), use: str(c['@_Use']) })),
    codeColumn,
    nameColumn,
    rows,
  };
}

describe('genericodeXml', () => {
  withXsd('writes a document that validates against the official genericode 1.0 XSD', async () => {
    const sameColumn: GenericodeList = { codeColumn: 'wert', nameColumn: 'wert', codes: [{ code: 'a', name: 'a' }] };
    const empty: GenericodeList = { version: '1', canonicalUri: 'urn:de:lotse:test:leer', codeColumn: 'code', nameColumn: 'name', codes: [] };
    const result = await validateAgainstXsd([genericodeXml(staaten()), genericodeXml(sameColumn), genericodeXml(empty)], genericodeSchemas());
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  withXsd('the XSD check fails on broken output (so the check above can fail)', async () => {
    const broken = genericodeXml(staaten()).replace('<Identification>', '<Identifikation>').replace('</Identification>', '</Identifikation>');
    const result = await validateAgainstXsd(broken, genericodeSchemas());
    expect(result.valid).toBe(false);
  });

  it('writes gc:CodeList with unqualified children, Identification, the list’s own columns and the codeKey/codenameKey Keys', () => {
    const xml = genericodeXml(staaten());
    const lines = xml.split('\n');
    expect(lines[0]).toBe('<?xml version="1.0" encoding="UTF-8"?>');
    expect(lines[1]).toBe(`<gc:CodeList xmlns:gc="${GENERICODE_NAMESPACE}">`);
    expect(lines[2]).toBe('  <Identification>');
    expect(xml).toContain(
      [
        '  <ColumnSet>',
        '    <Column Id="schluessel-staat" Use="required">',
        '      <ShortName>schluessel-staat</ShortName>',
        '      <Data Type="string"/>',
        '    </Column>',
      ].join('\n'),
    );
    expect(xml).toContain(
      ['    <Key Id="codeKey">', '      <ShortName>CodeKey</ShortName>', '      <ColumnRef Ref="schluessel-staat"/>', '    </Key>'].join('\n'),
    );
    expect(xml).toContain(['    <Key Id="codenameKey">', '      <ShortName>CodenameKey</ShortName>', '      <ColumnRef Ref="suchbegriff"/>'].join('\n'));
    expect(xml).toContain(['    <Key Id="helpKey">', '      <ShortName>HelpKey</ShortName>', '      <ColumnRef Ref="hinweis"/>'].join('\n'));
    const back = readBack(xml);
    expect(back.identification).toEqual({
      shortName: 'Staat',
      longName: 'Staaten (Testliste)',
      version: '2026-02-01',
      canonicalUri: 'urn:de:lotse:test:staat',
      canonicalVersionUri: 'urn:de:lotse:test:staat_2026-02-01',
    });
    expect(back.columns).toEqual([
      { id: 'schluessel-staat', use: 'required' },
      { id: 'suchbegriff', use: 'required' },
      { id: 'hinweis', use: 'optional' },
    ]);
    expect([back.codeColumn, back.nameColumn]).toEqual(['schluessel-staat', 'suchbegriff']);
    expect(Object.keys(back.root).filter((k) => !k.startsWith('@_') && k !== '#text')).toEqual(['Identification', 'ColumnSet', 'SimpleCodeList']);
  });

  it('reads back to the same codes, names and help texts; escaping keeps <, &, ]]>, quotes, CR and DIN 91379 letters', () => {
    const input = staaten();
    const xml = genericodeXml(input);
    const back = readBack(xml);
    expect(back.rows).toEqual([
      { 'schluessel-staat': '000', suchbegriff: 'Deutschland' },
      { 'schluessel-staat': '999', suchbegriff: input.codes[1].name, hinweis: 'Zeile 1\r\nZeile 2' },
    ]);
    expect(xml).toContain('<SimpleValue>Ǻ ẞ Ḑ M\u0302 &lt;Test&gt; &amp; "Staat" \'x\' ]]&gt; €</SimpleValue>');
    expect(xml).not.toContain(']]>');
    expect(xml.match(/&#[^;]*;/g)).toEqual(['&#13;']);
  });

  it('escapes attribute values too', () => {
    const odd: GenericodeList = { codeColumn: 'c"&<', nameColumn: "n'>", codes: [{ code: '1', name: 'eins' }] };
    const back = readBack(genericodeXml(odd));
    expect([back.codeColumn, back.nameColumn]).toEqual(['c"&<', "n'>"]);
    expect(back.rows).toEqual([{ 'c"&<': '1', "n'>": 'eins' }]);
  });

  it('fills what the list lacks: empty ShortName/Version, no LongName, CanonicalVersionUri as <uri>_<version>, a help column when codes have help', () => {
    const bare: GenericodeList = {
      version: '1',
      canonicalUri: 'urn:lotse:fim:werte:F99000000003',
      codeColumn: 'code',
      nameColumn: 'name',
      codes: [{ code: 'g', name: 'Grün', help: 'wie Gras' }],
    };
    const xml = genericodeXml(bare);
    expect(xml).toContain('<ShortName/>');
    expect(xml).not.toContain('<LongName');
    const back = readBack(xml);
    expect(back.identification.canonicalVersionUri).toBe('urn:lotse:fim:werte:F99000000003_1');
    expect(back.columns.map((c) => c.id)).toEqual(['code', 'name', 'hilfe']);
    expect(back.rows).toEqual([{ code: 'g', name: 'Grün', hilfe: 'wie Gras' }]);
  });

  it('writes one column when code and name share it, with both Keys pointing to it', () => {
    const back = readBack(genericodeXml({ codeColumn: 'wert', nameColumn: 'wert', codes: [{ code: 'a', name: 'a' }] }));
    expect(back.columns).toEqual([{ id: 'wert', use: 'required' }]);
    expect([back.codeColumn, back.nameColumn]).toEqual(['wert', 'wert']);
    expect(back.rows).toEqual([{ wert: 'a' }]);
  });

  it('reads back through the project’s genericode parser to the same list', () => {
    expect(parseGenericodeText(genericodeXml(staaten()))).toEqual(staaten());
  });

  withReal('writes real FIM lists (read with the project’s parser) as XSD-valid genericode that reads back the same', async () => {
    const lists = REAL_LISTS.map((f) => parseGenericodeText(readFileSync(f, 'utf8')));
    const written = lists.map((l) => genericodeXml(l));
    const result = await validateAgainstXsd(written, genericodeSchemas());
    expect(result.errors).toEqual([]);
    expect(written.map((x) => parseGenericodeText(x))).toEqual(lists);
    // the Destatis list keeps its own column ids
    expect([lists[1].codeColumn, lists[1].nameColumn]).toEqual(['schluessel-staat', 'suchbegriff']);
    expect(genericodeFileName(lists[0], 'C05000073')).toBe('C05000073_genericode.xml');
  });

  it('is deterministic', () => {
    expect(genericodeXml(staaten())).toBe(genericodeXml(staaten()));
  });
});

describe('genericodeFileName', () => {
  it('uses the FIM id when given, else the canonical (version) URI or short name, made safe for file systems', () => {
    expect(genericodeFileName(staaten(), 'C99000001')).toBe('C99000001_genericode.xml');
    expect(genericodeFileName(staaten())).toBe('urn_de_lotse_test_staat_2026-02-01_genericode.xml');
    expect(genericodeFileName({ ...staaten(), canonicalVersionUri: undefined })).toBe('urn_de_lotse_test_staat_2026-02-01_genericode.xml');
    expect(genericodeFileName({ codeColumn: 'c', nameColumn: 'n', codes: [], shortName: 'Bestätigung' })).toBe('Best_tigung_genericode.xml');
    expect(genericodeFileName({ codeColumn: 'c', nameColumn: 'n', codes: [] })).toBe('codeliste_genericode.xml');
    expect(genericodeFileName(staaten(), '../C99/000001')).toBe('C99_000001_genericode.xml');
  });
});
