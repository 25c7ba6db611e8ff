import { unzipSync } from 'fflate';
import { packHandover } from './archive.service.js';
import { sha256Hex, stableUuid } from './document-sources.js';
import { evaluationsOf, readIncoming } from './xdomea.parser.js';
import { build0501, build0502, build0503, type CaseRecord, type Kopf, messageFileName, parseFormatCodes } from './xdomea.serializer.js';

const kopf = (code: Kopf['code']): Kopf => ({
  processId: '9fde4e7a-b41b-41ec-9225-005056871b7c',
  code,
  createdAt: new Date('2026-12-05T10:00:00.123Z'),
  sender: { institution: 'Landkreis Cloppenburg', unit: 'Amt <für> Soziales & Co' },
  recipient: { institution: 'Niedersächsisches Landesarchiv' },
  system: { name: 'Lotse', version: '0.1.0' },
});
const bytes = new TextEncoder().encode('<antrag/>');
const record: CaseRecord = {
  recordId: stableUuid('record'),
  referenceNumber: 'CLP-2026-000001-7',
  serviceTitle: 'Wohngeld',
  fileplanMark: '50.10',
  organisationName: 'Amt für Soziales',
  confidentiality: '003',
  submittedAt: new Date('2026-01-02T08:00:00Z'),
  endedAt: new Date('2026-03-04T08:00:00Z'),
  retentionYears: 10,
  retainUntil: '2036-12-31',
  archive: 'OFFER',
  legalBasis: '§ 3 NArchG',
  protocol: [{ actor: 'Sachbearbeitung (x)', at: new Date('2026-03-04T08:00:00Z'), action: 'Status geändert', field: 'Status', oldValue: 'IN_REVIEW', newValue: 'APPROVED', note: 'a < b & c' }],
  documents: [{ id: stableUuid('doc'), title: 'Antrag', fileName: `${stableUuid('doc')}_antrag.xml`, mediaType: 'application/xml', bytes, sha256: sha256Hex(bytes), createdAt: new Date('2026-01-02T08:00:00Z') }],
};

describe('xdomea serializer and parser', () => {
  it('writes the Kopf in schema order with escaped texts and second-precision times', () => {
    const xml = build0501(kopf('0501'), [record]);
    expect(xml).toContain('<xdomea:Kopf><xdomea:ProzessID>9fde4e7a-b41b-41ec-9225-005056871b7c</xdomea:ProzessID><xdomea:Nachrichtentyp listURI="urn:xoev-de:xdomea:codeliste:nachrichtentyp" listVersionID="2.0"><code>0501</code><name>Aussonderung.Anbieteverzeichnis</name></xdomea:Nachrichtentyp><xdomea:Erstellungszeitpunkt>2026-12-05T10:00:00Z</xdomea:Erstellungszeitpunkt>');
    expect(xml).toContain('Amt &lt;für&gt; Soziales &amp; Co');
    expect(xml).toContain('<xdomea:Bemerkung>a &lt; b &amp; c</xdomea:Bemerkung>');
    expect(xml).not.toContain('Primaerdokument');
    expect(build0503(kopf('0503'), [record], parseFormatCodes('application/xml=X1'))).toContain(`<code>X1</code></xdomea:Name><xdomea:Version></xdomea:Version><xdomea:Primaerdokument><xdomea:Dateiname>${record.documents[0].fileName}</xdomea:Dateiname>`);
  });

  it('derives stable UUIDs of the xdomea form', () => {
    expect(stableUuid('a')).toBe(stableUuid('a'));
    expect(stableUuid('a')).not.toBe(stableUuid('b'));
    expect(stableUuid('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('reads a 0502 it wrote, and refuses answers that are not decisions', () => {
    const xml = build0502(kopf('0502'), [{ recordId: record.recordId, art: 'V' }]);
    expect(evaluationsOf(readIncoming(xml, ['0502']))).toEqual([{ recordId: record.recordId, decision: 'DESTROY' }]);
    expect(() => evaluationsOf(readIncoming(xml.replace('<code>V</code>', '<code>B</code>'), ['0502']))).toThrow(expect.objectContaining({ code: 'ARCHIVE_MESSAGE_MALFORMED' }));
    expect(() => readIncoming(xml, ['0506'])).toThrow(expect.objectContaining({ code: 'ARCHIVE_MESSAGE_UNEXPECTED' }));
    expect(() => readIncoming('<a>', ['0502'])).toThrow(expect.objectContaining({ code: 'ARCHIVE_MESSAGE_MALFORMED' }));
    expect(() => readIncoming(xml.replace(/<xdomea:ProzessID>[^<]*<\/xdomea:ProzessID>/, ''), ['0502'])).toThrow(expect.objectContaining({ code: 'ARCHIVE_MESSAGE_MALFORMED' }));
  });

  it('packs the handover ZIP with the message, the documents and a manifest that sha256sum can check', () => {
    const xml = build0503(kopf('0503'), [record], parseFormatCodes('application/xml=X1'));
    const { zip, sha256 } = packHandover(kopf('0503').processId, xml, [record]);
    expect(sha256).toBe(sha256Hex(zip));
    const files = unzipSync(zip);
    const name = messageFileName(kopf('0503').processId, '0503', 'xml');
    expect(Object.keys(files).sort()).toEqual([name, record.documents[0].fileName, `${kopf('0503').processId}_manifest.sha256`].sort());
    expect(new TextDecoder().decode(files[`${kopf('0503').processId}_manifest.sha256`])).toBe(`${sha256Hex(files[name])}  ${name}\n${sha256Hex(bytes)}  ${record.documents[0].fileName}\n`);
    // deterministic: the same input gives the same bytes
    expect(packHandover(kopf('0503').processId, xml, [record]).sha256).toBe(sha256);
  });
});
