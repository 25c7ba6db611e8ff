import { createHash, randomUUID } from 'node:crypto';
import { canonicalJson, sha256Hex } from '../../src/common/canonical-json.js';
import { sampleFile } from '../../src/attachments/sample-files.js';
import type { FormSchemaNode } from '../../src/forms/form.types.js';
import { buildMessage, type MessageAttachment } from '../../src/xoev/message.builder.js';
import { parseMessage } from '../../src/xoev/message.parser.js';
import { messageSchemas } from '../../src/xoev/message-schemas.js';
import { validateAgainstXsd } from '../../src/xoev/xml-validator.js';
import { DOKUMENTE_FORM } from '../support/dokumente-form.js';

const BEHOERDE = { kennung: '03453', name: 'Landkreis Cloppenburg', verzeichnisdienst: '', verzeichnisdienstVersion: '' };
const schema = DOKUMENTE_FORM.schema as unknown as FormSchemaNode;

function message(attachments: MessageAttachment[]): string {
  const data = { name: 'Anna <&> Müller', ausweis: { attachmentId: attachments[0].id, fileName: attachments[0].fileName, mediaType: 'application/pdf', size: attachments[0].size } };
  return buildMessage({
    uuid: randomUUID(),
    createdAt: new Date('2026-12-05T10:00:00Z'),
    product: { name: 'Lotse', vendor: 'Landkreis Cloppenburg', version: '0.1.0' },
    test: true,
    leser: BEHOERDE,
    autor: { ...BEHOERDE, kennung: 'lotse-test', name: 'Bürgerportal' },
    referenceNumber: 'CLP-2026-000001-0',
    formId: 'dokumente',
    formVersion: '1.0',
    serviceId: 'x',
    submittedAt: new Date('2026-12-05T09:59:00Z'),
    language: 'de',
    sha256: sha256Hex(canonicalJson(data)),
    published: schema,
    data,
    attachments,
  });
}

describe('attachments in the XÖV message', () => {
  const pdf = sampleFile('application/pdf', 5000);
  const jpeg = sampleFile('image/jpeg', 3000);
  const files = [
    { id: randomUUID(), fileName: 'Ausweis <Müller> & Co.pdf', mediaType: 'application/pdf', size: pdf.length, sha256: createHash('sha256').update(pdf).digest('hex'), field: '/ausweis', bytes: pdf },
    { id: randomUUID(), fileName: 'foto.jpg', mediaType: 'image/jpeg', size: jpeg.length, sha256: createHash('sha256').update(jpeg).digest('hex'), field: '/fotos/0', bytes: jpeg },
  ];

  it.each([
    ['referenced', files.map(({ bytes: _b, ...f }) => ({ ...f, reference: `https://portal.example.org/submissions/x/attachments/${f.id}` }))],
    ['embedded (base64)', files.map(({ bytes, ...f }) => ({ ...f, content: bytes }))],
  ])('stays valid against both XSDs with the files %s, and the data still parses back', async (_name, attachments) => {
    const xml = message(attachments);
    expect(await validateAgainstXsd(xml, messageSchemas('dokumente', '1.0', schema))).toMatchObject({ valid: true });
    expect(xml).toContain(`<pruefsumme>${files[0].sha256}</pruefsumme>`);
    expect(xml).toContain('<dateiname>Ausweis &lt;Müller&gt; &amp; Co.pdf</dateiname>');
    if ('content' in attachments[0]) expect(xml).toContain(`<inhalt>${pdf.toString('base64')}</inhalt>`);
    expect(parseMessage(xml, schema).data.name).toBe('Anna <&> Müller');
  });

  it('is refused by the XSD when a checksum is not a SHA-256', async () => {
    const xml = message([{ ...files[0], sha256: 'abc', reference: 'x' }]);
    expect((await validateAgainstXsd(xml, messageSchemas('dokumente', '1.0', schema))).valid).toBe(false);
  });
});
