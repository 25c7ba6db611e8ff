import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { AttachmentsService } from '../../src/attachments/attachments.service.js';
import { sampleFile } from '../../src/attachments/sample-files.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { DOKUMENTE_FORM } from '../support/dokumente-form.js';
import { withClient } from '../support/postgres.js';
import { multipartBody, upload } from '../support/uploads.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SUBMIT = `mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) {
  __typename ... on SubmissionReceipt { referenceNumber accessCode status } ... on SubmissionValidationError { message errors { field keyword params message } } } }`;
const FORM = `query { form(id: "dokumente", version: "1.0") { jsonSchema } }`;
const pdf = (size?: number, text?: string) => sampleFile('application/pdf', size, { text });
const FORM_FIELDS = { formId: 'dokumente', version: '1.0' };

describe('uploads (POST /attachments) and binding them in submitForm', () => {
  let t: TestApp;
  let copy: CatalogCopy;
  let key = 0;
  const counts = () =>
    withClient(t.databaseUrl, async (c) => {
      const row = (await c.query(`select (select count(*) from attachment)::int as attachments, (select count(*) from attachment_blob)::int as blobs,
        (select count(*) from attachment_chunk)::int as chunks`)).rows[0];
      return row as { attachments: number; blobs: number; chunks: number };
    });
  const submit = async (data: Json, locale?: string) =>
    (await t.gql<Json>(SUBMIT, { i: { formId: 'dokumente', version: '1.0', data, locale }, k: `att-${Date.now()}-${++key}` })).body.data!.submitForm;
  const uploadPdf = async (name = 'ausweis.pdf', data = pdf()) => upload(t.baseUrl, { ...FORM_FIELDS, field: '/ausweis' }, { name, type: 'application/pdf', data });

  beforeAll(async () => {
    copy = await CatalogCopy.of();
    await copy.write('forms/dokumente/1.0.json', DOKUMENTE_FORM);
    t = await startTestApp({ env: { SUBMIT_RATE_LIMIT_PER_HOUR: '1000', ATTACHMENT_RATE_LIMIT_PER_HOUR: '100000', ATTACHMENT_MAX_BYTES: String(25 * 1024 * 1024) } });
    await t.app.get(CatalogSyncService).sync(copy.dir);
  });
  afterAll(async () => {
    await t.close();
    await copy.destroy();
  });

  it('stores an upload and answers the attachment object with its SHA-256', async () => {
    const data = pdf(5000);
    const res = await uploadPdf('Führerschein Müller.pdf', data);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      attachmentId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      fileName: 'Führerschein Müller.pdf',
      mediaType: 'application/pdf',
      size: 5000,
      sha256: (await import('node:crypto')).createHash('sha256').update(data).digest('hex'),
    });
    // the same bytes again: a second attachment, the content stored once
    const before = await counts();
    const again = await uploadPdf('kopie.pdf', data);
    expect(again.status).toBe(201);
    expect(again.body.attachmentId).not.toBe(res.body.attachmentId);
    const after = await counts();
    expect(after.attachments).toBe(before.attachments + 1);
    expect(after.blobs).toBe(before.blobs);
    expect(after.chunks).toBe(before.chunks);
  });

  it('keeps a 20 MB file in chunks and returns the same bytes', async () => {
    const data = sampleFile('image/jpeg', 20 * 1024 * 1024 + 17);
    const res = await upload(t.baseUrl, { ...FORM_FIELDS, field: '/fotos/0' }, { name: 'gross.jpg', type: 'image/jpeg', data });
    expect(res.status).toBe(201);
    const rows = await withClient(t.databaseUrl, (c) => c.query('select seq, length(data) as n from attachment_chunk where blob_key = $1 order by seq', [res.body.sha256]));
    expect(rows.rows.length).toBe(Math.ceil(data.length / (256 * 1024)));
    expect(Math.max(...rows.rows.map((r) => Number(r.n)))).toBe(256 * 1024);
    const stored = await withClient(t.databaseUrl, (c) => c.query(`select string_agg(data, ''::bytea order by seq) as bytes from attachment_chunk where blob_key = $1`, [res.body.sha256]));
    expect(Buffer.compare(stored.rows[0].bytes as Buffer, data)).toBe(0);
  });

  describe('refusals: each with its code, a German (or English) message, and nothing stored', () => {
    const png = sampleFile('image/png');
    const jpeg = sampleFile('image/jpeg');
    const cases: Array<[string, () => Promise<{ status: number; body: Json }>, number, string]> = [
      ['a PNG where only PDF is allowed', () => upload(t.baseUrl, { ...FORM_FIELDS, field: '/ausweis' }, { name: 'foto.png', type: 'image/png', data: png }), 415, 'MEDIA_TYPE_NOT_ALLOWED'],
      ['text that calls itself a PDF', () => upload(t.baseUrl, { ...FORM_FIELDS, field: '/ausweis' }, { name: 'a.pdf', type: 'application/pdf', data: Buffer.from('Hallo, ich bin kein PDF.') }), 415, 'MEDIA_TYPE_NOT_ALLOWED'],
      ['a JPEG declared as PNG', () => upload(t.baseUrl, { ...FORM_FIELDS, field: '/fotos/0' }, { name: 'foto.png', type: 'image/png', data: jpeg }), 415, 'MEDIA_TYPE_MISMATCH'],
      ['a JPEG named .png', () => upload(t.baseUrl, { ...FORM_FIELDS, field: '/fotos/0' }, { name: 'foto.png', type: 'application/octet-stream', data: jpeg }), 415, 'MEDIA_TYPE_MISMATCH'],
      ['a PDF over the field limit (2 MB)', () => uploadPdf('gross.pdf', pdf(2 * 1024 * 1024 + 1)), 413, 'FILE_TOO_LARGE'],
      ['an empty file', () => uploadPdf('leer.pdf', Buffer.alloc(0)), 400, 'FILE_EMPTY'],
      ['a truncated PDF', () => uploadPdf('kaputt.pdf', pdf(20000).subarray(0, 12000)), 422, 'FILE_MALFORMED'],
      ['a PNG with a broken checksum', () => {
        const broken = Buffer.from(png);
        broken[30] ^= 0xff; // inside IHDR
        return upload(t.baseUrl, { ...FORM_FIELDS, field: '/fotos/0' }, { name: 'x.png', type: 'image/png', data: broken });
      }, 422, 'FILE_MALFORMED'],
      ['a PNG of 60 megapixels', () => upload(t.baseUrl, { ...FORM_FIELDS, field: '/fotos/0' }, { name: 'riesig.png', data: sampleFile('image/png', undefined, { width: 10000, height: 6000 }) }), 422, 'FILE_MALFORMED'],
      ['a JPEG of 60 megapixels', () => upload(t.baseUrl, { ...FORM_FIELDS, field: '/fotos/0' }, { name: 'riesig.jpg', data: sampleFile('image/jpeg', undefined, { width: 10000, height: 6000 }) }), 422, 'FILE_MALFORMED'],
      ['a JPEG without its end', () => upload(t.baseUrl, { ...FORM_FIELDS, field: '/fotos/0' }, { name: 'halb.jpg', data: sampleFile('image/jpeg', 9000).subarray(0, 8990) }), 422, 'FILE_MALFORMED'],
      ['a password-protected PDF', () => uploadPdf('geheim.pdf', sampleFile('application/pdf', undefined, { encrypted: true })), 422, 'FILE_ENCRYPTED'],
      ['a file name with a path', () => uploadPdf('../../etc/passwd.pdf'), 400, 'FILE_NAME_INVALID'],
      ['a file name with a backslash', () => uploadPdf('C:\\Users\\a.pdf'), 400, 'FILE_NAME_INVALID'],
      ['a file name with a control character', () => uploadPdf('a\u0007b.pdf'), 400, 'FILE_NAME_INVALID'],
      ['a file name of 256 bytes', () => uploadPdf(`${'ä'.repeat(126)}.pdf`), 400, 'FILE_NAME_INVALID'],
      ['a field that takes no files', () => upload(t.baseUrl, { ...FORM_FIELDS, field: '/name' }, { name: 'a.pdf', data: pdf() }), 400, 'FIELD_NOT_ATTACHMENT'],
      ['a field that does not exist', () => upload(t.baseUrl, { ...FORM_FIELDS, field: '/gibtsnicht' }, { name: 'a.pdf', data: pdf() }), 400, 'FIELD_NOT_ATTACHMENT'],
      ['a third photo where two are allowed', () => upload(t.baseUrl, { ...FORM_FIELDS, field: '/fotos/2' }, { name: 'c.png', data: png }), 409, 'TOO_MANY_FILES'],
      ['no file part', () => upload(t.baseUrl, { ...FORM_FIELDS, field: '/ausweis' }, undefined), 400, 'UPLOAD_MALFORMED'],
    ];
    it.each(cases)('refuses %s', async (_name, send, status, code) => {
      const before = await counts();
      const res = await send();
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
      expect(res.body.error.message).toMatch(/[a-zäöüß]/);
      expect(await counts()).toEqual(before);
    });

    it('answers in English with Accept-Language: en', async () => {
      const res = await upload(t.baseUrl, { ...FORM_FIELDS, field: '/ausweis' }, { name: 'foto.png', data: png }, { 'accept-language': 'en-GB,en;q=0.9,de;q=0.5' });
      expect(res.body.error).toMatchObject({ code: 'MEDIA_TYPE_NOT_ALLOWED', message: 'This file type is not allowed here. Allowed: PDF.' });
      const de = await upload(t.baseUrl, { ...FORM_FIELDS, field: '/ausweis' }, { name: 'foto.png', data: png });
      expect(de.body.error.message).toBe('Dieser Dateityp ist hier nicht erlaubt. Erlaubt: PDF.');
    });

    it('refuses a non-multipart body', async () => {
      const res = await fetch(`${t.baseUrl}/attachments`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: pdf() });
      expect(res.status).toBe(415);
      expect(((await res.json()) as Json).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('refuses a broken multipart body with UPLOAD_MALFORMED, not a server error', async () => {
      const { body, contentType } = multipartBody({ ...FORM_FIELDS, field: '/ausweis' }, undefined);
      const res = await fetch(`${t.baseUrl}/attachments`, { method: 'POST', headers: { 'content-type': contentType }, body: body.subarray(0, 60) });
      expect(res.status).toBe(400);
      expect(((await res.json()) as Json).error.code).toBe('UPLOAD_MALFORMED');
    });

    it('refuses a second file in the same request', async () => {
      const first = multipartBody({ ...FORM_FIELDS, field: '/fotos/0' }, { name: 'a.png', type: 'image/png', data: png });
      const boundary = /boundary=(.*)$/.exec(first.contentType)![1];
      const extra = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="b.png"\r\nContent-Type: image/png\r\n\r\n`);
      const body = Buffer.concat([first.body.subarray(0, first.body.length - `--${boundary}--\r\n`.length), extra, png, Buffer.from(`\r\n--${boundary}--\r\n`)]);
      const res = await fetch(`${t.baseUrl}/attachments`, { method: 'POST', headers: { 'content-type': first.contentType }, body });
      expect([201, 400]).toContain(res.status);
      if (res.status === 400) expect(((await res.json()) as Json).error.code).toBe('UPLOAD_MALFORMED');
    });
  });

  it('serves x-attachment with the defaults filled in', async () => {
    const schema = (await t.gql<Json>(FORM)).body.data!.form.jsonSchema;
    expect(schema.properties.ausweis['x-attachment']).toEqual({ mediaTypes: ['application/pdf'], maxBytes: 2097152, maxFiles: 1 });
    expect(schema.properties.fotos.items['x-attachment']).toEqual({ mediaTypes: ['image/jpeg', 'image/png'], maxBytes: 31457280, maxFiles: 2 });
    expect(schema.properties.ausweis['x-widget']).toBeUndefined();
  });

  describe('submitForm', () => {
    it('binds uploaded attachments in the submission and refuses to bind them twice', async () => {
      const ausweis = (await uploadPdf('ausweis.pdf', pdf(3000, 'Ausweis'))).body;
      const foto = (await upload(t.baseUrl, { ...FORM_FIELDS, field: '/fotos/0' }, { name: 'f.png', data: sampleFile('image/png') })).body;
      const { sha256: _a, ...ausweisRef } = ausweis;
      const receipt = await submit({ name: 'Anna', ausweis: ausweisRef, fotos: [{ attachmentId: foto.attachmentId, fileName: 'f.png' }] });
      expect(receipt.__typename).toBe('SubmissionReceipt');
      const bound = await withClient(t.databaseUrl, (c) => c.query('select a.id, a.bound_at, s.reference_number from attachment a join submission s on s.id = a.submission_id where a.id = any($1)', [[ausweis.attachmentId, foto.attachmentId]]));
      expect(bound.rows.map((r) => r.reference_number)).toEqual([receipt.referenceNumber, receipt.referenceNumber]);
      const second = await submit({ name: 'Bert', ausweis: ausweisRef });
      expect(second.__typename).toBe('SubmissionValidationError');
      expect(second.errors).toEqual([expect.objectContaining({ field: '/ausweis', keyword: 'x-attachment', params: { code: 'ATTACHMENT_INVALID', reason: 'ALREADY_BOUND' } })]);
    });

    it('refuses unknown ids, other fields, other names and sizes with the pointer, and stores nothing', async () => {
      const ausweis = (await uploadPdf('ausweis.pdf', pdf(3100))).body;
      const foto = (await upload(t.baseUrl, { ...FORM_FIELDS, field: '/fotos/1' }, { name: 'f.png', data: sampleFile('image/png', 900) })).body;
      const { sha256: _s, ...ref } = ausweis;
      const before = await withClient(t.databaseUrl, (c) => c.query('select count(*)::int as n from submission'));
      const attempts: Array<[Json, string, string]> = [
        [{ name: 'A', ausweis: { ...ref, attachmentId: '0b7c6d2e-4a53-4c1e-9a0e-5d0f3c2b1a99' } }, '/ausweis', 'NOT_FOUND'],
        [{ name: 'A', ausweis: { ...ref, fileName: 'anders.pdf' } }, '/ausweis', 'DIFFERENT_FILE'],
        [{ name: 'A', ausweis: { ...ref, size: ref.size + 1 } }, '/ausweis', 'DIFFERENT_FILE'],
        [{ name: 'A', ausweis: ref, fotos: [{ attachmentId: ausweis.attachmentId, fileName: 'ausweis.pdf' }] }, '/fotos/0', 'DUPLICATE'],
        [{ name: 'A', ausweis: { attachmentId: foto.attachmentId, fileName: 'f.png', mediaType: 'application/pdf', size: 900 } }, '/ausweis', 'OTHER_FIELD'],
      ];
      for (const [data, field, reason] of attempts) {
        const result = await submit(data, 'en');
        expect(result.__typename).toBe('SubmissionValidationError');
        expect(result.errors).toContainEqual(expect.objectContaining({ field, params: { code: 'ATTACHMENT_INVALID', reason } }));
        expect(result.message).toBe('Some attachments were refused; nothing was submitted.');
      }
      const after = await withClient(t.databaseUrl, (c) => c.query('select count(*)::int as n from submission'));
      expect(after.rows[0].n).toBe(before.rows[0].n);
      const unbound = await withClient(t.databaseUrl, (c) => c.query('select bound_at from attachment where id = any($1)', [[ausweis.attachmentId, foto.attachmentId]]));
      expect(unbound.rows.every((r) => r.bound_at === null)).toBe(true);
    });
  });

  it('binds an attachment to one of two concurrent submissions only', async () => {
    const { sha256: _s, ...ref } = (await uploadPdf('einmal.pdf', pdf(3300))).body;
    const results = await Promise.all([submit({ name: 'Erste', ausweis: ref }), submit({ name: 'Zweite', ausweis: ref })]);
    expect(results.map((r) => r.__typename).sort()).toEqual(['SubmissionReceipt', 'SubmissionValidationError']);
    const loser = results.find((r) => r.__typename === 'SubmissionValidationError');
    expect(loser.errors[0].params).toEqual({ code: 'ATTACHMENT_INVALID', reason: 'ALREADY_BOUND' });
  });

  it('limits uploads per client address (RATE_LIMITED) and stores nothing for them', async () => {
    const limited = await startTestApp({ databaseUrl: t.databaseUrl, env: { ATTACHMENT_RATE_LIMIT_PER_HOUR: '3' } });
    try {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await upload(limited.baseUrl, { ...FORM_FIELDS, field: '/ausweis' }, { name: 'a.pdf', type: 'application/pdf', data: pdf(2000 + i) }));
      const last = answers[answers.length - 1];
      expect([last.status, last.body.error?.code]).toEqual([429, 'RATE_LIMITED']);
      const stored = await withClient(t.databaseUrl, (c) => c.query(`select count(*)::int as n from attachment where size = 2003`));
      expect(stored.rows[0].n).toBe(0);
    } finally {
      await limited.close();
    }
  });

  it('deletes uploads that nothing took within ATTACHMENT_TTL_HOURS, and their content, but keeps bound ones', async () => {
    const lonely = (await uploadPdf('allein.pdf', pdf(4321, 'allein'))).body;
    const service = t.app.get(AttachmentsService);
    await service.sweep(new Date()); // too young
    expect((await withClient(t.databaseUrl, (c) => c.query('select 1 from attachment where id = $1', [lonely.attachmentId]))).rows).toHaveLength(1);
    const result = await service.sweep(new Date(Date.now() + 25 * 3600_000));
    expect(result.attachments).toBeGreaterThanOrEqual(1);
    const left = await withClient(t.databaseUrl, (c) =>
      c.query(`select (select count(*) from attachment where id = $1)::int as a, (select count(*) from attachment_blob where sha256 = $2)::int as b,
        (select count(*) from attachment_chunk where blob_key = $2)::int as c, (select count(*) from attachment where bound_at is null)::int as unbound,
        (select count(*) from attachment where bound_at is not null)::int as bound`, [lonely.attachmentId, lonely.sha256]));
    expect(left.rows[0]).toMatchObject({ a: 0, b: 0, c: 0, unbound: 0 });
    expect(left.rows[0].bound).toBeGreaterThanOrEqual(2);
    // every content still referenced is intact
    const orphans = await withClient(t.databaseUrl, (c) => c.query('select count(*)::int as n from attachment a where not exists (select 1 from attachment_blob b where b.sha256 = a.sha256)'));
    expect(orphans.rows[0].n).toBe(0);
  });
});
