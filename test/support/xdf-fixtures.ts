/**
 * A small XDatenfelder 2.0 Stammdatenschema and its genericode list for end-to-end import tests. Every id in it
 * (S99…, G99…, F99…, C99…, urn:lotse-test:…) is made up for these tests and is no FIM id.
 */
const field = (id: string, name: string, feldart: string, datentyp: string, praezisierung: string, extra = '') => `
<xdf:datenfeld>
  <xdf:identifikation><xdf:id>${id}</xdf:id><xdf:version>1.0</xdf:version></xdf:identifikation>
  <xdf:name>${name}</xdf:name>
  <xdf:bezeichnungEingabe>${name}</xdf:bezeichnungEingabe>
  <xdf:beschreibung></xdf:beschreibung>
  <xdf:definition></xdf:definition>
  <xdf:bezug></xdf:bezug>
  <xdf:status listURI="urn:xoev-de:fim:codeliste:xdatenfelder.status" listVersionID="1.0"><code>aktiv</code></xdf:status>
  <xdf:schemaelementart listURI="urn:xoev-de:fim:codeliste:xdatenfelder.schemaelementart" listVersionID="1.0"><code>HAR</code></xdf:schemaelementart>
  <xdf:hilfetextEingabe>-</xdf:hilfetextEingabe>
  <xdf:hilfetextAusgabe></xdf:hilfetextAusgabe>
  <xdf:feldart listURI="urn:xoev-de:fim:codeliste:xdatenfelder.feldart" listVersionID="1.0"><code>${feldart}</code></xdf:feldart>
  <xdf:datentyp listURI="urn:xoev-de:fim:codeliste:xdatenfelder.datentyp" listVersionID="1.0"><code>${datentyp}</code></xdf:datentyp>
  <xdf:praezisierung>${praezisierung}</xdf:praezisierung>
  <xdf:inhalt></xdf:inhalt>${extra}
</xdf:datenfeld>`;

const struktur = (anzahl: string, inner: string) => `<xdf:struktur><xdf:anzahl>${anzahl}</xdf:anzahl><xdf:bezug></xdf:bezug><xdf:enthaelt>${inner}</xdf:enthaelt></xdf:struktur>`;

const CODELIST_REF = `
  <xdf:codelisteReferenz>
    <xdf:identifikation><xdf:id>C99000001</xdf:id></xdf:identifikation>
    <xdf:genericodeIdentification>
      <xdf:canonicalIdentification>urn:lotse-test:codeliste:tierart</xdf:canonicalIdentification>
      <xdf:version>2026-01-01</xdf:version>
      <xdf:canonicalVersionUri>urn:lotse-test:codeliste:tierart_2026-01-01</xdf:canonicalVersionUri>
    </xdf:genericodeIdentification>
  </xdf:codelisteReferenz>`;

/** `count` more text fields (F99001000 …), each in its own struktur, to make the schema as large as real ones. */
export function xdf2TestFields(count: number): string {
  return Array.from({ length: count }, (_, i) => struktur(i % 3 === 0 ? '0:1' : '1:1', field(`F99${String(1000 + i).padStart(6, '0')}`, `Angabe ${i + 1}`, 'input', 'text', '{"minLength":"1","maxLength":"200"}'))).join('\n');
}

/** The schema; `nameMaxLength` lets a test produce a changed edition of the same file. */
export function xdf2TestSchema(options: { nameMaxLength?: number; extraXml?: string } = {}): string {
  const max = options.nameMaxLength ?? 100;
  const group = `
<xdf:datenfeldgruppe>
  <xdf:identifikation><xdf:id>G99000001</xdf:id><xdf:version>1.0</xdf:version></xdf:identifikation>
  <xdf:name>Tier</xdf:name>
  <xdf:bezeichnungEingabe>Angaben zum Tier</xdf:bezeichnungEingabe>
  <xdf:beschreibung></xdf:beschreibung>
  <xdf:definition></xdf:definition>
  <xdf:bezug></xdf:bezug>
  <xdf:status listURI="urn:xoev-de:fim:codeliste:xdatenfelder.status" listVersionID="1.0"><code>aktiv</code></xdf:status>
  <xdf:schemaelementart listURI="urn:xoev-de:fim:codeliste:xdatenfelder.schemaelementart" listVersionID="1.0"><code>HAR</code></xdf:schemaelementart>
  <xdf:hilfetextEingabe></xdf:hilfetextEingabe>
  <xdf:hilfetextAusgabe></xdf:hilfetextAusgabe>
  ${struktur('1:1', field('F99000002', 'Tierart', 'select', 'text', '', CODELIST_REF))}
  ${struktur('0:1', field('F99000003', 'Geburtsdatum des Tieres', 'input', 'date', ''))}
</xdf:datenfeldgruppe>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2">
  <xdf:header><xdf:nachrichtID>TEST-0001</xdf:nachrichtID><xdf:erstellungszeitpunkt>2026-11-25T10:00:00Z</xdf:erstellungszeitpunkt></xdf:header>
  <xdf:stammdatenschema>
    <xdf:identifikation><xdf:id>S99000001</xdf:id><xdf:version>1.0</xdf:version></xdf:identifikation>
    <xdf:name>Testanzeige Tierhaltung</xdf:name>
    <xdf:bezeichnungEingabe>Anzeige einer Tierhaltung (Test)</xdf:bezeichnungEingabe>
    <xdf:beschreibung>Erfundenes Schema für Tests.</xdf:beschreibung>
    <xdf:definition></xdf:definition>
    <xdf:bezug></xdf:bezug>
    <xdf:status listURI="urn:xoev-de:fim:codeliste:xdatenfelder.status" listVersionID="1.0"><code>aktiv</code></xdf:status>
    <xdf:ableitungsmodifikationenStruktur listURI="urn:xoev-de:fim:codeliste:xdatenfelder.ableitungsmodifikationenStruktur" listVersionID="1.0"><code>3</code></xdf:ableitungsmodifikationenStruktur>
    <xdf:ableitungsmodifikationenRepraesentation listURI="urn:xoev-de:fim:codeliste:xdatenfelder.ableitungsmodifikationenRepraesentation" listVersionID="1.0"><code>1</code></xdf:ableitungsmodifikationenRepraesentation>
    ${struktur('1:1', field('F99000001', 'Name der Halterin oder des Halters', 'input', 'text', `{"minLength":"1","maxLength":"${max}"}`))}
    ${struktur('1:3', group)}
    ${options.extraXml ?? ''}
  </xdf:stammdatenschema>
</xdf:xdatenfelder.stammdatenschema.0102>
`;
}

export const TEST_GENERICODE = `<?xml version="1.0" encoding="UTF-8"?>
<gc:CodeList xmlns:gc="http://docs.oasis-open.org/codelist/ns/genericode/1.0/">
  <Identification>
    <ShortName>tierart</ShortName>
    <Version>2026-01-01</Version>
    <CanonicalUri>urn:lotse-test:codeliste:tierart</CanonicalUri>
    <CanonicalVersionUri>urn:lotse-test:codeliste:tierart_2026-01-01</CanonicalVersionUri>
  </Identification>
  <ColumnSet>
    <Column Id="schluessel" Use="required"><ShortName>Schlüssel</ShortName><Data Type="string"/></Column>
    <Column Id="bezeichnung" Use="required"><ShortName>Bezeichnung</ShortName><Data Type="string"/></Column>
    <Key Id="codeKey"><ShortName>codeKey</ShortName><ColumnRef Ref="schluessel"/></Key>
    <Key Id="codenameKey"><ShortName>codenameKey</ShortName><ColumnRef Ref="bezeichnung"/></Key>
  </ColumnSet>
  <SimpleCodeList>
    <Row><Value ColumnRef="schluessel"><SimpleValue>01</SimpleValue></Value><Value ColumnRef="bezeichnung"><SimpleValue>Rind</SimpleValue></Value></Row>
    <Row><Value ColumnRef="schluessel"><SimpleValue>02</SimpleValue></Value><Value ColumnRef="bezeichnung"><SimpleValue>Schaf &amp; Ziege</SimpleValue></Value></Row>
  </SimpleCodeList>
</gc:CodeList>
`;

export const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2"><xdf:stammdatenschema>&lol3;</xdf:stammdatenschema></xdf:xdatenfelder.stammdatenschema.0102>`;
