import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../common/project-root.js';
import { ImportProblemCode, ImportRejectedError, type ImportProblem } from '../import.problems.js';
import { parseXml } from '../xml/safe-xml.js';
import { parseGenericode, parseGenericodeText } from './genericode.parser.js';

const REFERENCE = process.env.LOTSE_REFERENCE_DIR ?? join(projectRoot(), '..', 'shared', 'reference');
const SAMPLES = join(REFERENCE, 'xdatenfelder', 'samples-xdf2');
const GENERICODE = join(REFERENCE, 'genericode');
const haveReference = existsSync(join(SAMPLES, 'C05000073_genericode.xml')) && existsSync(join(GENERICODE, 'Bundesland_2010-04-01.xml'));
if (!haveReference) console.log(`[lotse] genericode reference tests skipped: no reference code lists in ${REFERENCE} (set LOTSE_REFERENCE_DIR)`);
const withReference = haveReference ? it : it.skip;

const GC = 'http://docs.oasis-open.org/codelist/ns/genericode/1.0/';

// Made-up test list (canonical URI and values are fictitious, not an XRepository list).
const column = (id: string, use = 'required', type = 'string'): string =>
  `<Column Id="${id}" Use="${use}"><ShortName>${id}</ShortName><Data Type="${type}"/></Column>`;
const key = (id: string, ref: string): string => `<Key Id="${id}"><ShortName>${id}</ShortName><ColumnRef Ref="${ref}"/></Key>`;
const row = (...values: Array<[string | undefined, string]>): string =>
  `<Row>${values.map(([ref, v]) => `<Value${ref ? ` ColumnRef="${ref}"` : ''}><SimpleValue>${v}</SimpleValue></Value>`).join('')}</Row>`;
function list(columnSet: string, rows: string, identification = '<ShortName>Farbe</ShortName><Version>1</Version>'): string {
  return (
    `<gc:CodeList xmlns:gc="${GC}">\n` +
    `<Identification>${identification}<CanonicalUri>urn:de:lotse:test:farbe</CanonicalUri><CanonicalVersionUri>urn:de:lotse:test:farbe_1</CanonicalVersionUri></Identification>\n` +
    `<ColumnSet>${columnSet}</ColumnSet>\n` +
    `<SimpleCodeList>\n${rows}\n</SimpleCodeList>\n</gc:CodeList>`
  );
}

function rejection(text: string): ImportProblem {
  try {
    parseGenericodeText(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportRejectedError);
    const problems = (error as ImportRejectedError).problems;
    expect(problems).toHaveLength(1);
    return problems[0];
  }
  throw new Error('parseGenericodeText accepted the input');
}

describe('parseGenericode', () => {
  it('resolves the code and name columns through codeKey and codenameKey, whatever their names', () => {
    const parsed = parseGenericodeText(
      list(
        column('bezeichnung') + column('kennung') + column('hilfetext', 'optional') + key('codenameKey', 'bezeichnung') + key('codeKey', 'kennung'),
        row(['bezeichnung', ' Rot '], ['kennung', 'R'], ['hilfetext', 'wie Feuer']) + row(['kennung', 'G'], ['bezeichnung', 'Grün &amp; Co']),
      ),
    );
    expect(parsed).toEqual({
      shortName: 'Farbe',
      version: '1',
      canonicalUri: 'urn:de:lotse:test:farbe',
      canonicalVersionUri: 'urn:de:lotse:test:farbe_1',
      codeColumn: 'kennung',
      nameColumn: 'bezeichnung',
      helpColumn: 'hilfetext',
      codes: [
        { code: 'R', name: 'Rot', help: 'wie Feuer' },
        { code: 'G', name: 'Grün & Co' },
      ],
    });
    expect(parsed).not.toHaveProperty('longName');
  });

  it('takes the help column from helpKey before a column named like „hilfe“', () => {
    const parsed = parseGenericodeText(
      list(
        column('c') + column('n') + column('hilfe', 'optional') + column('erklaerung', 'optional') + key('codeKey', 'c') + key('codenameKey', 'n') + key('helpKey', 'erklaerung'),
        row(['c', '1'], ['n', 'Eins'], ['hilfe', 'nein'], ['erklaerung', 'ja']),
      ),
    );
    expect(parsed.helpColumn).toBe('erklaerung');
    expect(parsed.codes).toEqual([{ code: '1', name: 'Eins', help: 'ja' }]);
  });

  it('falls back to the first key and the first other required text column', () => {
    const parsed = parseGenericodeText(
      list(column('wert', 'optional') + column('Key') + column('anzahl', 'required', 'integer') + column('Text') + key('KeyKey', 'Key'), row(['Key', '7'], ['Text', 'Sieben'])),
    );
    expect(parsed).toMatchObject({ codeColumn: 'Key', nameColumn: 'Text', codes: [{ code: '7', name: 'Sieben' }] });
  });

  it('reads values without ColumnRef by position, skips rows without a code and keeps present-but-empty identification', () => {
    const parsed = parseGenericodeText(
      list(
        column('code') + column('name') + key('codeKey', 'code') + key('codenameKey', 'name'),
        row([undefined, 'A'], [undefined, 'Erster']) + row(['name', 'ohne Code']) + row(['code', '  '], ['name', 'leerer Code']) + row(['name', 'Zweiter'], ['code', 'B']),
        '<ShortName></ShortName><LongName/>',
      ),
    );
    expect(parsed.shortName).toBe('');
    expect(parsed.longName).toBe('');
    expect(parsed.version).toBeUndefined();
    expect(parsed.codes).toEqual([
      { code: 'A', name: 'Erster' },
      { code: 'B', name: 'Zweiter' },
    ]);
  });

  it('refuses duplicate codes with the line of the second row', () => {
    const p = rejection(list(column('code') + column('name') + key('codeKey', 'code') + key('codenameKey', 'name'), row(['code', '1'], ['name', 'a']) + '\n' + row(['code', '1'], ['name', 'b'])));
    expect(p).toMatchObject({ code: ImportProblemCode.CODELIST_INVALID, line: 6 });
    expect(p.message).toContain('„1“ kommt in der Codeliste „urn:de:lotse:test:farbe_1“ mehrfach vor (zuerst in Zeile 5)');
  });

  it.each([
    ['no columns', list('', row(['code', '1'])), 'keine Spalten'],
    ['a key to an unknown column', list(column('code') + column('name') + key('codeKey', 'schluessel'), row(['code', '1'])), '„schluessel“'],
    ['no key at all', list(column('code') + column('name'), row(['code', '1'])), 'keine Code-Spalte'],
    ['no name column', list(column('code') + key('codeKey', 'code'), row(['code', '1'])), 'keine Spalte für die Bezeichnungen'],
    ['no rows', list(column('code') + column('name') + key('codeKey', 'code'), ''), 'keinen einzigen Code'],
    ['a value for an unknown column', list(column('code') + column('name') + key('codeKey', 'code'), row(['code', '1'], ['farbe', 'x'])), 'unbekannte Spalte „farbe“'],
  ])('refuses a list with %s', (_what, text, expected) => {
    const p = rejection(text);
    expect(p.code).toBe(ImportProblemCode.CODELIST_INVALID);
    expect(p.message).toContain(expected);
    expect(p.line).toBeGreaterThan(0);
  });

  it('refuses XML that is not a genericode list', () => {
    expect(() => parseGenericode(parseXml('<CodeList/>'))).toThrow(/keine genericode-Codeliste/);
    expect(rejection(`<x:Liste xmlns:x="${GC}"/>`)).toMatchObject({ code: ImportProblemCode.CODELIST_INVALID, line: 1 });
  });

  it('passes the safe parser’s problems on', () => {
    expect(rejection('<!DOCTYPE x><x/>').code).toBe(ImportProblemCode.FORBIDDEN_CONSTRUCT);
  });

  withReference('reads the real FIM lists of S05000058', () => {
    const read = (file: string) => parseGenericodeText(readFileSync(join(SAMPLES, file), 'utf8'));
    const zustimmung = read('C05000073_genericode.xml');
    expect(zustimmung).toEqual({
      shortName: '',
      longName: '',
      version: '2021-01-11',
      canonicalUri: 'urn:de:fim:codeliste:zustimmung',
      canonicalVersionUri: 'urn:de:fim:codeliste:zustimmung_2021-01-11',
      codeColumn: 'code',
      nameColumn: 'name',
      codes: [{ code: '01', name: 'Ich stimme zu.' }],
    });
    expect(read('C05000108_genericode.xml').codes).toEqual([
      { code: '1', name: '12 Monate' },
      { code: '2', name: '24 Monate' },
    ]);
    const staat = read('C60000016_genericode.xml');
    expect(staat.codeColumn).toBe('schluessel-staat');
    expect(staat.nameColumn).toBe('suchbegriff');
    expect(staat.codes).toHaveLength(197);
    expect(staat.codes[0]).toEqual({ code: '000', name: 'Deutschland' });
  });

  withReference('reads XRepository lists, with and without codenameKey', () => {
    const read = (file: string) => parseGenericodeText(readFileSync(join(GENERICODE, file), 'utf8'));
    const bundesland = read('Bundesland_2010-04-01.xml');
    expect(bundesland).toMatchObject({ shortName: 'Bundesland', codeColumn: 'SCHLUESSEL', nameColumn: 'Bezeichnung' });
    expect(bundesland.codes).toHaveLength(16);
    expect(bundesland.codes[15]).toEqual({ code: '16', name: 'Thüringen' });
    const erreichbarkeit = read('Erreichbarkeit_3.xml');
    expect(erreichbarkeit).toMatchObject({ codeColumn: 'code', nameColumn: 'Beschreibung' });
    expect(erreichbarkeit.codes[0]).toEqual({ code: '01', name: 'E-Mail' });
    const nachrichtentyp = read('Nachrichtentyp_1.xml');
    expect(nachrichtentyp).toMatchObject({ codeColumn: 'Key', nameColumn: 'Nachricht' });
    expect(nachrichtentyp.codes[0]).toEqual({ code: '0010', name: 'administration.rueckweisung.0010' });
  });
});
