import { Localizer } from '../../catalog/localize.js';
import { formRules } from '../../forms/form-rules.js';
import { publishSchema, renderSchema } from '../../forms/form-schema.js';
import type { FormSchemaNode, FormVersionFile } from '../../forms/form.types.js';
import { fachdatenXml } from '../../xoev/fachdaten.serializer.js';
import { formXsd } from '../../xoev/form-xsd.js';
import { buildMessage } from '../../xoev/message.builder.js';
import { parseMessage } from '../../xoev/message.parser.js';
import { messageSchemas } from '../../xoev/message-schemas.js';
import { validateAgainstXsd } from '../../xoev/xml-validator.js';
import { diffForms } from '../form-diff.js';
import { readImportInput } from '../format-detect.js';
import { ImportProblemCode, ImportRejectedError, type GenericodeList, type ImportProblem } from '../import.problems.js';
import { parseXml } from '../xml/safe-xml.js';
import { parseXdf2 } from './xdf2.parser.js';
import { stammdatenschemaToXdf2 } from './xdf2.serializer.js';
import { stammdatenschemaToForm, type XdfFormOptions } from './xdf-form.mapper.js';

/*
 * Small own fixtures for the edges of issue 18 (imports that keep everything). Every id (S99…, G99…, F99…, R99…,
 * C99…) and every urn:lotse-test:… list is made up for these tests and is no FIM id.
 */

type Node = FormSchemaNode;

const XDF2 = 'urn:xoev-de:fim:standard:xdatenfelder_2';
const XDF3 = 'urn:xoev-de:fim:standard:xdatenfelder_3.0.0';
const STRICT: XdfFormOptions = { formId: 'kante', version: '1.0', owner: '03453004', serviceId: 'hund-anmelden', lenient: false };
const LENIENT: XdfFormOptions = { ...STRICT, lenient: true };

const code = (element: string, value: string) => `<xdf:${element} listURI="urn:xoev-de:fim:codeliste:xdatenfelder.${element}" listVersionID="1.0"><code>${value}</code></xdf:${element}>`;

const angaben = (id: string, name: string, extra = '') => `
  <xdf:identifikation><xdf:id>${id}</xdf:id><xdf:version>1.0</xdf:version></xdf:identifikation>
  <xdf:name>${name}</xdf:name><xdf:bezeichnungEingabe>${name}</xdf:bezeichnungEingabe>
  <xdf:beschreibung></xdf:beschreibung><xdf:definition></xdf:definition><xdf:bezug></xdf:bezug>
  ${code('status', 'aktiv')}${extra}`;

interface FieldSpec {
  id: string;
  name: string;
  feldart?: string;
  datentyp?: string;
  praezisierung?: string;
  inhalt?: string;
  more?: string;
}

const datenfeld = (f: FieldSpec) => `<xdf:datenfeld>${angaben(f.id, f.name, code('schemaelementart', 'HAR'))}
  <xdf:hilfetextEingabe></xdf:hilfetextEingabe><xdf:hilfetextAusgabe></xdf:hilfetextAusgabe>
  ${code('feldart', f.feldart ?? 'input')}${code('datentyp', f.datentyp ?? 'text')}
  <xdf:praezisierung>${f.praezisierung ?? ''}</xdf:praezisierung><xdf:inhalt>${f.inhalt ?? ''}</xdf:inhalt>${f.more ?? ''}</xdf:datenfeld>`;

const struktur = (anzahl: string, inner: string) => `<xdf:struktur><xdf:anzahl>${anzahl}</xdf:anzahl><xdf:bezug></xdf:bezug><xdf:enthaelt>${inner}</xdf:enthaelt></xdf:struktur>`;

const gruppe = (id: string, name: string, inner: string) =>
  `<xdf:datenfeldgruppe>${angaben(id, name, code('schemaelementart', 'HAR'))}<xdf:hilfetextEingabe></xdf:hilfetextEingabe><xdf:hilfetextAusgabe></xdf:hilfetextAusgabe>${inner}</xdf:datenfeldgruppe>`;

const regel = (id: string, name: string, definition: string) =>
  `<xdf:regel><xdf:identifikation><xdf:id>${id}</xdf:id><xdf:version>1.0</xdf:version></xdf:identifikation><xdf:name>${name}</xdf:name><xdf:beschreibung></xdf:beschreibung><xdf:definition>${definition}</xdf:definition><xdf:bezug></xdf:bezug>${code('status', 'aktiv')}<xdf:script>function script() {  }</xdf:script></xdf:regel>`;

/** A Stammdatenschema message around `body` (strukturen and rules), in the given namespace. */
const message = (body: string, namespace = XDF2) => `<?xml version="1.0" encoding="UTF-8"?>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="${namespace}">
  <xdf:header><xdf:nachrichtID>KANTE-1</xdf:nachrichtID><xdf:erstellungszeitpunkt>2026-11-25T10:00:00Z</xdf:erstellungszeitpunkt></xdf:header>
  <xdf:stammdatenschema>${angaben('S99001800', 'Kantenfälle')}
    ${code('ableitungsmodifikationenStruktur', '3')}${code('ableitungsmodifikationenRepraesentation', '1')}
    ${body}
  </xdf:stammdatenschema>
</xdf:xdatenfelder.stammdatenschema.0102>`;

const reference = (uri: string, version: string) => `<xdf:codelisteReferenz><xdf:identifikation><xdf:id>C99001800</xdf:id></xdf:identifikation>
  <xdf:genericodeIdentification><xdf:canonicalIdentification>${uri}</xdf:canonicalIdentification><xdf:version>${version}</xdf:version>
  <xdf:canonicalVersionUri>${uri}_${version}</xdf:canonicalVersionUri></xdf:genericodeIdentification></xdf:codelisteReferenz>`;

const GEMEINDE = 'urn:lotse-test:codeliste:gemeinde';
const gemeindeListe = (version: string): GenericodeList => ({
  canonicalUri: GEMEINDE,
  version,
  canonicalVersionUri: `${GEMEINDE}_${version}`,
  codeColumn: 'schluessel',
  nameColumn: 'name',
  codes: [
    { code: '03453004', name: 'Testgemeinde A' },
    { code: '03453007', name: 'Testgemeinde B' },
  ],
});

function mapped(xml: string, lists: GenericodeList[], options: XdfFormOptions) {
  const parsed = parseXdf2(parseXml(xml), { lenient: options.lenient });
  expect(parsed.errors).toEqual([]);
  const result = stammdatenschemaToForm(parsed.schema, lists, options);
  return { ...result, parseWarnings: parsed.warnings, schema: parsed.schema };
}

const props = (node: Node | FormVersionFile['schema']): Record<string, Node> => (node as Node).properties ?? {};
const messages = (problems: ImportProblem[]) => problems.map((p) => p.message).join('\n');

function rejection(text: string): ImportProblem {
  try {
    readImportInput(text, 'AUTO');
  } catch (error) {
    expect(error).toBeInstanceOf(ImportRejectedError);
    return (error as ImportRejectedError).problems[0];
  }
  throw new Error('accepted');
}

describe('1. content that does not fit its namespace', () => {
  const xdf2Content = struktur('1:1', datenfeld({ id: 'F99001801', name: 'Name', praezisierung: '{"minLength":"1","maxLength":"34"}' }));

  it('refuses an xdf2 document declared with the xdf3 namespace, naming what was found', () => {
    const p = rejection(message(xdf2Content, XDF3));
    expect(p.code).toBe(ImportProblemCode.NAMESPACE_MISMATCH);
    expect(p.message).toContain('XDatenfelder 3.0.0');
    expect(p.message).toContain('„status“ statt „freigabestatus“');
    expect(p.message).toContain('Präzisierungen als JSON-Text');
    expect(p.line).toBe(2);
  });

  it('refuses an xdf3 document declared with the xdf2 namespace', () => {
    const xdf3Like = `<?xml version="1.0"?><xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="${XDF2}"><xdf:stammdatenschema>
      <xdf:identifikation><xdf:id>S99001800</xdf:id><xdf:version>1.0.0</xdf:version></xdf:identifikation><xdf:name>x</xdf:name>
      <xdf:freigabestatus listVersionID="1"><code>6</code></xdf:freigabestatus><xdf:letzteAenderung>2026-01-01T00:00:00Z</xdf:letzteAenderung>
      <xdf:struktur><xdf:anzahl>1:1</xdf:anzahl><xdf:enthaelt><xdf:datenfeld><xdf:praezisierung maxLength="5"/></xdf:datenfeld></xdf:enthaelt></xdf:struktur>
    </xdf:stammdatenschema></xdf:xdatenfelder.stammdatenschema.0102>`;
    const p = rejection(xdf3Like);
    expect(p.code).toBe(ImportProblemCode.NAMESPACE_MISMATCH);
    expect(p.message).toMatch(/„freigabestatus“.*„letzteAenderung“.*Präzisierungen als Attribute/);
  });

  it('accepts content that fits its namespace', () => {
    expect(readImportInput(message(xdf2Content), 'AUTO').format).toBe('XDATENFELDER_2');
  });
});

describe('2./3. select fields without their code list', () => {
  const agsField = datenfeld({
    id: 'F99001802',
    name: 'Gemeinde',
    feldart: 'select',
    praezisierung: '{"minLength":"8","maxLength":"8","pattern":"[0-9]{8}"}',
    more: reference(GEMEINDE, '2026-01-01'),
  });
  const prose = datenfeld({ id: 'F99001803', name: 'Region', praezisierung: '{"maxLength":"12","pattern":"Codeliste Regionalschlüssel"}' });
  const xml = message(struktur('1:1', agsField) + struktur('0:1', prose));

  it('lenient: keeps length and pattern, records the missing list in x-fim, says what was kept; prose patterns dropped with a warning', async () => {
    const { form, warnings, errors } = mapped(xml, [], LENIENT);
    expect(errors).toEqual([]);
    const p = props(form.schema);
    expect(p.F99001802).toMatchObject({ type: 'string', minLength: 8, maxLength: 8, pattern: '^(?:[0-9]{8})$' });
    expect(p.F99001802['x-fim']?.codeliste).toEqual({ uri: GEMEINDE, version: '2026-01-01', versionUri: `${GEMEINDE}_2026-01-01`, id: 'C99001800', missing: true });
    const missing = warnings.find((w) => w.code === ImportProblemCode.CODELIST_MISSING)!;
    expect(missing.message).toContain('nicht mitgeliefert');
    expect(missing.message).toContain('als Textfeld importiert');
    expect(missing.message).toContain('behält aus der Präzisierung: mindestens 8 Zeichen, höchstens 8 Zeichen, das Muster „^(?:[0-9]{8})$“');
    expect(p.F99001803).toEqual(expect.objectContaining({ type: 'string', maxLength: 12 }));
    expect(p.F99001803).not.toHaveProperty('pattern');
    expect(messages(warnings)).toMatch(/Das Muster „Codeliste Regionalschlüssel“ von „Region“ \(F99001803\) ist kein regulärer Ausdruck/);

    // the XÖV message still names the list: listURI and listVersionID, with the field's own limits on the code
    const published = publishSchema(form.schema as Node, new Map());
    const xsd = formXsd(form.id, form.version, published);
    expect(xsd).toContain(`fixed="${GEMEINDE}"`);
    const fachdaten = fachdatenXml(form.id, form.version, published, { F99001802: '03453004' });
    expect(fachdaten).toContain(`<f:F99001802 listURI="${GEMEINDE}" listVersionID="2026-01-01"><code>03453004</code></f:F99001802>`);
    expect((await validateAgainstXsd(fachdaten, [{ fileName: 'form.xsd', contents: xsd }])).errors).toEqual([]);
    const tooShort = fachdatenXml(form.id, form.version, published, { F99001802: '0345' });
    expect((await validateAgainstXsd(tooShort, [{ fileName: 'form.xsd', contents: xsd }])).valid).toBe(false);
  });

  it('lenient without any limits in the source: says that the default length applies', () => {
    const bare = message(struktur('1:1', datenfeld({ id: 'F99001804', name: 'Staat', feldart: 'select', more: reference(GEMEINDE, '2026-01-01') })));
    const { form, warnings } = mapped(bare, [], LENIENT);
    expect(props(form.schema).F99001804).toMatchObject({ type: 'string', maxLength: 200 });
    expect(props(form.schema).F99001804).not.toHaveProperty('minLength');
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining('(höchstens 200 Zeichen, weil die Quelle keine Höchstlänge nennt)')]);
  });

  it('strict: refused, and the message says so instead of how it would be imported', () => {
    const { errors } = mapped(xml, [], STRICT);
    const missing = errors.find((e) => e.code === ImportProblemCode.CODELIST_MISSING)!;
    expect(missing.message).toContain('Deshalb wird der Import abgelehnt');
    expect(missing.message).not.toContain('importiert');
    expect(missing.message).not.toContain('übernommen');
  });

  it('every problem that lenient works around reads as a refusal in strict mode', () => {
    const crossed = message(struktur('1:1', datenfeld({ id: 'F99001807', name: 'Kennzeichen', praezisierung: '{"minLength":"12","maxLength":"8"}' })));
    const strict = mapped(crossed, [], STRICT);
    expect(strict.errors.map((e) => e.message)).toEqual(['Bei „Kennzeichen“ (F99001807) ist die Mindestlänge 12 größer als die Höchstlänge 8. Deshalb wird der Import abgelehnt (streng).']);
    const lenient = mapped(crossed, [], LENIENT);
    expect(lenient.warnings.map((w) => w.message)).toEqual(['Bei „Kennzeichen“ (F99001807) ist die Mindestlänge 12 größer als die Höchstlänge 8. Die Mindestlänge 12 entfällt.']);
  });

  it('a code list in the wrong version: says which version was supplied and which is needed, in both modes', () => {
    const strict = mapped(xml, [gemeindeListe('2025-01-01')], STRICT);
    const error = strict.errors.find((e) => e.code === ImportProblemCode.CODELIST_MISSING)!;
    expect(error.message).toContain('falschen Version');
    expect(error.message).toContain('mitgeliefert wurde die Version „2025-01-01“, benötigt wird die Version „2026-01-01“');
    const lenient = mapped(xml, [gemeindeListe('2025-01-01')], LENIENT);
    expect(messages(lenient.warnings)).toContain('benötigt wird die Version „2026-01-01“');
  });

  it('with its list, the codes decide; the praezisierung parts that no longer apply are named with their text', () => {
    const { form, warnings, errors } = mapped(xml, [gemeindeListe('2026-01-01')], STRICT);
    expect(errors).toEqual([]);
    expect(props(form.schema).F99001802).toMatchObject({ enum: ['03453004', '03453007'] });
    expect(messages(warnings)).toContain('Die Präzisierung minLength „8“, maxLength „8“, pattern „[0-9]{8}“ von „Gemeinde“ (F99001802) gilt neben der Codeliste nicht');
  });
});

describe('4. rules', () => {
  const xml = message(
    regel('R99001801', 'Gesamtregel', 'Mindestens eine Angabe ist nötig.') +
      struktur('1:1', gruppe('G99001801', 'Kontakt', regel('R99001802', 'Telefon oder E-Mail', 'Wenn F99001805 leer ist, wird F99001806 Pflicht.') + struktur('0:1', datenfeld({ id: 'F99001805', name: 'Telefon', praezisierung: '{"maxLength":"20"}' })) + struktur('0:1', datenfeld({ id: 'F99001806', name: 'E-Mail', praezisierung: '{"maxLength":"80"}' })))),
  );

  it('lists each rule with its text and the fields it belongs to, and keeps them in the served schema as x-rules', () => {
    const { form, errors } = mapped(xml, [], STRICT);
    expect(errors).toEqual([]);
    expect(formRules(form.schema as Node, (t) => t?.de)).toEqual([
      { fimId: 'R99001801', version: '1.0', name: 'Gesamtregel', description: 'Mindestens eine Angabe ist nötig.', appliesTo: [''] },
      { fimId: 'R99001802', version: '1.0', name: 'Telefon oder E-Mail', description: 'Wenn F99001805 leer ist, wird F99001806 Pflicht.', appliesTo: ['/G99001801'] },
    ]);
    const served = renderSchema(publishSchema(form.schema as Node, new Map()), '2026-11-25', new Localizer('de'), form.title);
    expect(served['x-rules']).toEqual([{ fimId: 'R99001801', version: '1.0', name: 'Gesamtregel', description: 'Mindestens eine Angabe ist nötig.' }]);
    expect(props(served).G99001801['x-rules']).toEqual([{ fimId: 'R99001802', version: '1.0', name: 'Telefon oder E-Mail', description: 'Wenn F99001805 leer ist, wird F99001806 Pflicht.' }]);
    expect(props(served).G99001801).not.toHaveProperty('x-fim');
  });
});

describe('5. field-level diff', () => {
  const edition = (nameMax: string, title: string, anzahl: string, extra: string, listVersion = '2026-01-01') =>
    message(
      struktur('1:1', datenfeld({ id: 'F99001810', name: title, praezisierung: `{"maxLength":"${nameMax}"}` })) +
        struktur(anzahl, datenfeld({ id: 'F99001811', name: 'Geburtsdatum', datentyp: 'date' })) +
        struktur('1:1', datenfeld({ id: 'F99001802', name: 'Gemeinde', feldart: 'select', more: reference(GEMEINDE, listVersion) })) +
        extra,
    );
  const formOf = (xml: string, lists: GenericodeList[]) => {
    const { form, errors } = mapped(xml, lists, LENIENT);
    expect(errors).toEqual([]);
    return form;
  };

  it('names the fields added, removed and changed, with what changed', () => {
    const before = formOf(edition('100', 'Name', '1:1', struktur('0:1', datenfeld({ id: 'F99001812', name: 'Alt', praezisierung: '{"maxLength":"5"}' }))), [gemeindeListe('2026-01-01')]);
    const after = formOf(
      edition('80', 'Familienname', '0:1', struktur('0:*', datenfeld({ id: 'F99001813', name: 'Neu', praezisierung: '{"maxLength":"5"}' })), '2027-01-01'),
      [{ ...gemeindeListe('2027-01-01'), codes: [{ code: '03453004', name: 'Testgemeinde A' }] }],
    );
    expect(diffForms(before, after)).toEqual([
      { change: 'CHANGED', path: '/F99001810', id: 'F99001810', properties: ['TITLE', 'CONSTRAINT'] },
      { change: 'CHANGED', path: '/F99001811', id: 'F99001811', properties: ['MULTIPLICITY'] },
      { change: 'CHANGED', path: '/F99001802', id: 'F99001802', properties: ['CODE_LIST'] },
      { change: 'ADDED', path: '/F99001813', id: 'F99001813', properties: [] },
      { change: 'REMOVED', path: '/F99001812', id: 'F99001812', properties: [] },
    ]);
    expect(diffForms(before, before)).toEqual([]);
  });

  it('sees a change of data type', () => {
    const before = formOf(message(struktur('1:1', datenfeld({ id: 'F99001814', name: 'Anzahl', datentyp: 'text', praezisierung: '{"maxLength":"3"}' }))), []);
    const after = formOf(message(struktur('1:1', datenfeld({ id: 'F99001814', name: 'Anzahl', datentyp: 'num_int' }))), []);
    expect(diffForms(before, after)).toEqual([{ change: 'CHANGED', path: '/F99001814', id: 'F99001814', properties: ['TYPE', 'CONSTRAINT'] }]);
  });
});

describe('6. code-list identity and FIM order in the XÖV Fachdaten', () => {
  const xml = message(
    struktur('1:1', datenfeld({ id: 'F99001830', name: 'Zuletzt', praezisierung: '{"maxLength":"10"}' })) +
      struktur('1:3', datenfeld({ id: 'F99001802', name: 'Gemeinde', feldart: 'select', more: reference(GEMEINDE, '2026-01-01') })) +
      struktur('1:1', datenfeld({ id: 'F99001820', name: 'Zuerst', praezisierung: '{"maxLength":"10"}' })),
  );

  /** The schema as PostgreSQL's jsonb hands it back: object keys sorted (same length: alphabetically). */
  const sortedKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortedKeys);
    if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]));
    return value;
  };

  it('writes list URI and version on every code and keeps the FIM order, also after the keys were reordered', async () => {
    const { form, errors } = mapped(xml, [gemeindeListe('2026-01-01')], STRICT);
    expect(errors).toEqual([]);
    const published = sortedKeys(publishSchema(form.schema as Node, new Map())) as Node;
    expect(Object.keys(published.properties!)).toEqual(['F99001802', 'F99001820', 'F99001830']);
    const xsd = formXsd(form.id, form.version, published);
    expect(xsd.indexOf('name="F99001830"')).toBeLessThan(xsd.indexOf('name="F99001802"'));
    expect(xsd.indexOf('name="F99001802"')).toBeLessThan(xsd.indexOf('name="F99001820"'));
    expect(xsd).toContain(`<xs:attribute name="listURI" type="xs:anyURI" use="required" fixed="${GEMEINDE}"/>`);
    expect(xsd).toContain('<xs:attribute name="listVersionID" type="xs:normalizedString" use="required" fixed="2026-01-01"/>');
    const data = { F99001820: 'a', F99001802: ['03453007', '03453004'], F99001830: 'z' };
    const fachdaten = fachdatenXml(form.id, form.version, published, data);
    expect(fachdaten).toContain(
      `<f:F99001830>z</f:F99001830><f:F99001802><f:eintrag listURI="${GEMEINDE}" listVersionID="2026-01-01"><code>03453007</code></f:eintrag><f:eintrag listURI="${GEMEINDE}" listVersionID="2026-01-01"><code>03453004</code></f:eintrag></f:F99001802><f:F99001820>a</f:F99001820>`,
    );
    expect((await validateAgainstXsd(fachdaten, [{ fileName: 'form.xsd', contents: xsd }])).errors).toEqual([]);
    const wrongList = fachdaten.replace(`listURI="${GEMEINDE}"`, 'listURI="urn:lotse-test:codeliste:andere"');
    expect((await validateAgainstXsd(wrongList, [{ fileName: 'form.xsd', contents: xsd }])).valid).toBe(false);

    // the whole message validates against the message XSD and the form XSD, and reads back to the same data
    const behoerde = { kennung: '03453004', name: 'Testgemeinde', verzeichnisdienst: '', verzeichnisdienstVersion: '' };
    const whole = buildMessage({
      uuid: '3f2b8c1e-5d4a-4b6f-9a8e-1c2d3e4f5a6b',
      createdAt: new Date('2026-11-25T10:00:00Z'),
      product: { name: 'Lotse', vendor: 'Test', version: '0.0.0' },
      test: true,
      leser: behoerde,
      autor: behoerde,
      referenceNumber: 'CLP-2026-000001-0',
      formId: form.id,
      formVersion: form.version,
      serviceId: 'hund-anmelden',
      submittedAt: new Date('2026-11-25T09:59:00Z'),
      language: 'de',
      sha256: '0'.repeat(64),
      published,
      data,
    });
    expect((await validateAgainstXsd(whole, messageSchemas(form.id, form.version, published))).errors).toEqual([]);
    expect(parseMessage(whole, published).data).toEqual(data);
  });
});

describe('7. bare-number praezisierung', () => {
  it('reads it by data type, always with a warning that says how', () => {
    const xml = message(struktur('1:1', datenfeld({ id: 'F99001840', name: 'Postleitzahl', praezisierung: '5' })) + struktur('1:1', datenfeld({ id: 'F99001841', name: 'Anzahl', datentyp: 'num_int', praezisierung: '5' })));
    const { form, parseWarnings, errors } = mapped(xml, [], STRICT);
    expect(errors).toEqual([]);
    expect(props(form.schema).F99001840).toMatchObject({ type: 'string', maxLength: 5 });
    expect(props(form.schema).F99001840).not.toHaveProperty('minLength');
    expect(props(form.schema).F99001841).toEqual(expect.not.objectContaining({ maximum: expect.anything() }));
    expect(parseWarnings.map((w) => [w.code, w.message])).toEqual([
      [ImportProblemCode.INTERPRETED, expect.stringMatching(/„5“ des Datenfelds „F99001840“.*als Höchstlänge gelesen: höchstens 5 Zeichen/)],
      [ImportProblemCode.NOT_APPLIED, expect.stringMatching(/„5“ des Datenfelds „F99001841“.*„num_int“.*nicht angewendet/)],
    ]);
  });
});

describe('8. names and texts byte for byte', () => {
  it('keeps trailing and leading spaces through import and xdf2 export', () => {
    const xml = message(struktur('1:1', gruppe('G99001850', 'Kommunikation ', struktur('1:1', datenfeld({ id: 'F99001851', name: ' Telefon  ', praezisierung: '{"maxLength":"20"}' })))));
    const first = parseXdf2(parseXml(xml), { lenient: false });
    expect(first.errors).toEqual([]);
    expect(first.schema.elements['G99001850@1.0']?.angaben.name).toBe('Kommunikation ');
    expect(first.schema.elements['F99001851@1.0']?.angaben.bezeichnungEingabe).toBe(' Telefon  ');
    const exported = stammdatenschemaToXdf2(first.schema, { nachrichtID: 'KANTE-2', erstellungszeitpunkt: '2026-11-25T10:00:00Z' }).xml;
    expect(exported).toContain('<xdf:name>Kommunikation </xdf:name>');
    const again = parseXdf2(parseXml(exported), { lenient: false });
    expect(again.schema.elements).toEqual(first.schema.elements);
    // shown trimmed
    const { form } = mapped(xml, [], STRICT);
    expect(props(form.schema).G99001850['x-label']).toEqual({ de: 'Kommunikation' });
  });
});

describe('9. label fields', () => {
  it('keep their FIM id and their position among the fields', () => {
    const xml = message(
      struktur('1:1', datenfeld({ id: 'F99001860', name: 'Name', praezisierung: '{"maxLength":"50"}' })) +
        struktur('1:1', datenfeld({ id: 'F99001861', name: 'Hinweis', feldart: 'label', inhalt: 'Ab hier: Angaben zum Hund.' })) +
        struktur('1:1', datenfeld({ id: 'F99001862', name: 'Rasse', praezisierung: '{"maxLength":"50"}' })) +
        struktur('1:1', gruppe('G99001863', 'Halter', struktur('1:1', datenfeld({ id: 'F99001864', name: 'Vorname', praezisierung: '{"maxLength":"50"}' })) + struktur('1:1', datenfeld({ id: 'F99001865', name: 'Datenschutz', feldart: 'label', inhalt: 'Wir speichern nur, was nötig ist.' })))),
    );
    const { form, errors } = mapped(xml, [], STRICT);
    expect(errors).toEqual([]);
    const root = form.schema as Node;
    expect(root['x-order']).toEqual(['F99001860', 'F99001862', 'G99001863']);
    expect(root['x-labels']).toEqual([{ 'x-fim': { id: 'F99001861', version: '1.0', feldart: 'label' }, text: { de: 'Ab hier: Angaben zum Hund.' }, after: 'F99001860' }]);
    expect(props(root).G99001863['x-labels']).toEqual([{ 'x-fim': { id: 'F99001865', version: '1.0', feldart: 'label' }, text: { de: 'Wir speichern nur, was nötig ist.' }, after: 'F99001864' }]);
    // the text stays between the two fields: a new section starts where it stood
    expect(form.layout.steps[0].sections.map((s) => [s.fields, s.description?.de])).toEqual([
      [['F99001860'], undefined],
      [['F99001862'], 'Ab hier: Angaben zum Hund.'],
    ]);
  });
});
