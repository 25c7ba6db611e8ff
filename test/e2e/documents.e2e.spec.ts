import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../src/auth/roles.js';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { sampleFile } from '../../src/attachments/sample-files.js';
import { allowReceivers, startTestApp, type TestApp } from '../support/app.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { DOKUMENTE_FORM } from '../support/dokumente-form.js';
import { withClient } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';
import { upload } from '../support/uploads.js';
import { FormsService } from '../../src/forms/forms.service.js';
import { DownloadLinks } from '../../src/attachments/download-links.js';
import { ApplicationFiles } from '../../src/attachments/application-files.js';
import { messageSchemas } from '../../src/xoev/message-schemas.js';
import { validateAgainstXsd } from '../../src/xoev/xml-validator.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SUBMIT = `mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) {
  __typename ... on SubmissionReceipt { referenceNumber accessCode status } ... on SubmissionValidationError { errors { field message } } } }`;
const CASE = `query($id: ID!) { submission(id: $id) { id status version documentRequests { id items status }
  documents { id attachmentId title fileName mediaType size sha256 source visibleToApplicant } timeline { kind } } }`;
const REQUEST = `mutation($id: ID!, $items: [String!]!) { requestDocuments(id: $id, items: $items) { id status documentRequests { id items status } } }`;
const STATUS = `query($r: String!, $c: String!) { submissionStatus(referenceNumber: $r, accessCode: $c) { status
  documentRequests { id items status } documents { id title mediaType size sha256 } timeline { note } } }`;
const SUBMIT_DOCS = `mutation($r: String!, $c: String!, $q: ID!, $a: [ID!]!) { submitDocuments(referenceNumber: $r, accessCode: $c, requestId: $q, attachmentIds: $a) {
  status documentRequests { id } documents { id title } } }`;
const ADD = `mutation($id: ID!, $a: ID!, $t: String!, $v: Boolean!) { addCaseDocument(id: $id, attachmentId: $a, title: $t, visibleToApplicant: $v) { id version documents { title source visibleToApplicant } } }`;
const TRANSITION = `mutation($id: ID!, $to: SubmissionStatus!, $v: Int!) { transitionSubmission(id: $id, to: $to, expectedVersion: $v) { status version } }`;

const NAME = 'Zoë Łukasz-Groß Ǆemal Nguyễn Đức';
/** pdftotext from Debian's poppler-utils: required in CI, skipped with a line elsewhere. */
function pdfToText(pdf: Buffer): string | undefined {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
  } catch {
    if (process.env.CI) throw new Error('pdftotext (poppler-utils) is missing; .ci/run installs it');
    console.log('skipped: pdftotext (Debian poppler-utils) is not installed, the PDF text is not checked');
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'lotse-pdf-'));
  try {
    writeFileSync(join(dir, 'a.pdf'), pdf);
    return execFileSync('pdftotext', ['-enc', 'UTF-8', join(dir, 'a.pdf'), '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('documents after submission: requests, answers, notices and downloads', () => {
  let t: TestApp;
  let copy: CatalogCopy;
  let county: Record<string, string>;
  let town: Record<string, string>;
  const ausweisData = sampleFile('application/pdf', 6000, { text: 'Personalausweis' });
  const fotoData = sampleFile('image/jpeg', 70_000);
  const nachweisData = sampleFile('application/pdf', 9000, { text: 'Meldebescheinigung' });
  const bescheidData = sampleFile('application/pdf', 7000, { text: 'Bescheid: bewilligt' });
  let receipt: Json;
  let caseId: string;
  // the case organisation's Fachverfahren: a local receiver that the URL policy is told to allow
  let receiver: Server;
  let hookUrl: string;

  beforeAll(async () => {
    copy = await CatalogCopy.of();
    await copy.write('forms/dokumente/1.0.json', DOKUMENTE_FORM);
    receiver = createServer((_req, res) => res.writeHead(204).end());
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    t = await startTestApp({ env: { SUBMIT_RATE_LIMIT_PER_HOUR: '1000', ATTACHMENT_RATE_LIMIT_PER_HOUR: '1000', ...allowReceivers(hookUrl) } });
    await t.app.get(CatalogSyncService).sync(copy.dir);
    county = await bearer(t.config, Role.CASEWORKER, '03453');
    town = await bearer(t.config, Role.CASEWORKER, '03453004');
    const ausweis = await upload(t.baseUrl, { formId: 'dokumente', version: '1.0', field: '/ausweis' }, { name: 'Ausweis Jürgen.pdf', type: 'application/pdf', data: ausweisData });
    const foto = await upload(t.baseUrl, { formId: 'dokumente', version: '1.0', field: '/fotos/0' }, { name: 'foto.jpg', type: 'image/jpeg', data: fotoData });
    expect([ausweis.status, foto.status]).toEqual([201, 201]);
    const { sha256: _a, ...ausweisRef } = ausweis.body;
    const { sha256: _f, ...fotoRef } = foto.body;
    receipt = (await t.gql<Json>(SUBMIT, { i: { formId: 'dokumente', version: '1.0', data: { name: NAME, ausweis: ausweisRef, fotos: [fotoRef] } }, k: 'documents-e2e-1' })).body.data!.submitForm;
    expect(receipt.__typename).toBe('SubmissionReceipt');
    caseId = (await withClient(t.databaseUrl, (c) => c.query('select id from submission where reference_number = $1', [receipt.referenceNumber]))).rows[0].id;
  });
  afterAll(async () => {
    await t.close();
    await copy.destroy();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('lists the form attachments as documents of the case and lets the caseworker download them', async () => {
    const c = (await t.gql<Json>(CASE, { id: caseId }, county)).body.data!.submission;
    expect(c.documents.map((d: Json) => [d.source, d.fileName, d.sha256])).toEqual([
      ['FORM', 'Ausweis Jürgen.pdf', sha(ausweisData)],
      ['FORM', 'foto.jpg', sha(fotoData)],
    ]);
    const res = await fetch(`${t.baseUrl}/submissions/${caseId}/attachments/${c.documents[0].attachmentId}`, { headers: county });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="Ausweis Jurgen.pdf"; filename*=UTF-8''Ausweis%20J%C3%BCrgen.pdf`);
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), ausweisData)).toBe(0);
    // another organisation: 404, as for an id that does not exist; no token: 401
    const foreign = await fetch(`${t.baseUrl}/submissions/${caseId}/attachments/${c.documents[0].attachmentId}`, { headers: town });
    expect(foreign.status).toBe(404);
    expect((await fetch(`${t.baseUrl}/submissions/${caseId}/attachments/${c.documents[0].attachmentId}`)).status).toBe(401);
  });

  it('runs request → upload → submitDocuments → notice → download', async () => {
    let c = (await t.gql<Json>(CASE, { id: caseId }, county)).body.data!.submission;
    expect(c.status).toBe('IN_REVIEW');
    const requested = await t.gql<Json>(REQUEST, { id: caseId, items: ['Meldebescheinigung'] }, county);
    expect(requested.body.errors).toBeUndefined();
    const request = requested.body.data!.requestDocuments.documentRequests.find((r: Json) => r.status === 'OPEN');
    expect(request.items).toEqual(['Meldebescheinigung']);

    // the applicant sees the open request
    const status = (await t.gql<Json>(STATUS, { r: receipt.referenceNumber, c: receipt.accessCode })).body.data!.submissionStatus;
    expect(status.status).toBe('DOCUMENTS_REQUESTED');
    expect(status.documentRequests).toEqual([{ id: request.id, items: ['Meldebescheinigung'], status: 'OPEN' }]);

    // upload to the request: needs the access code
    const target = { referenceNumber: receipt.referenceNumber, requestId: request.id };
    const wrongCode = await upload(t.baseUrl, target, { name: 'melde.pdf', type: 'application/pdf', data: nachweisData }, { 'x-access-code': 'FALSCH-FALSCH' });
    expect([wrongCode.status, wrongCode.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const uploaded = await upload(t.baseUrl, target, { name: 'melde.pdf', type: 'application/pdf', data: nachweisData }, { 'x-access-code': receipt.accessCode });
    expect(uploaded.status).toBe(201);

    // a webhook of the case's organisation gets references with signed links, not bytes
    const org = (await withClient(t.databaseUrl, (c) => c.query('select organisation_id from submission where id = $1', [caseId]))).rows[0].organisation_id;
    const admin = await bearer(t.config, Role.ADMIN, org);
    const hook = await t.gql<Json>('mutation($u: String!) { registerWebhook(url: $u, eventTypes: ["submission.documents_received"]) { id } }', { u: hookUrl }, admin);
    expect(hook.body.errors).toBeUndefined();

    const answered = await t.gql<Json>(SUBMIT_DOCS, { r: receipt.referenceNumber, c: receipt.accessCode, q: request.id, a: [uploaded.body.attachmentId] });
    expect(answered.body.errors).toBeUndefined();
    expect(answered.body.data!.submitDocuments.status).toBe('IN_REVIEW');
    expect(answered.body.data!.submitDocuments.documentRequests).toEqual([]);
    const job = await withClient(t.databaseUrl, (c) =>
      c.query(`select data from pgboss.job where name = 'lotse-webhook' and data->'event'->>'type' = 'submission.documents_received'`));
    expect(job.rows).toHaveLength(1);
    const event = job.rows[0].data.event.data;
    expect(event.requestId).toBe(request.id);
    expect(event.documents).toEqual([expect.objectContaining({ fileName: 'melde.pdf', mediaType: 'application/pdf', size: nachweisData.length, sha256: sha(nachweisData), downloadUrl: expect.stringMatching(/^\/downloads\/[0-9a-f-]{36}\?expires=\d+&signature=/) })]);
    expect(JSON.stringify(event)).not.toContain(nachweisData.subarray(0, 40).toString('base64'));
    const viaLink = await fetch(`${t.baseUrl}${event.documents[0].downloadUrl}`);
    expect(Buffer.compare(Buffer.from(await viaLink.arrayBuffer()), nachweisData)).toBe(0);
    // answering twice is refused
    const twice = await t.gql<Json>(SUBMIT_DOCS, { r: receipt.referenceNumber, c: receipt.accessCode, q: request.id, a: [uploaded.body.attachmentId] });
    expect(twice.body.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');

    c = (await t.gql<Json>(CASE, { id: caseId }, county)).body.data!.submission;
    expect(c.timeline.map((e: Json) => e.kind)).toEqual(expect.arrayContaining(['DOCUMENTS_REQUESTED', 'DOCUMENTS_RECEIVED']));
    expect(c.documents.find((d: Json) => d.source === 'APPLICANT')).toMatchObject({ fileName: 'melde.pdf', sha256: sha(nachweisData) });

    // the notice: uploaded for the case, added visible, then the decision
    const notice = await upload(t.baseUrl, { caseId }, { name: 'Bescheid.pdf', type: 'application/pdf', data: bescheidData }, county);
    expect(notice.status).toBe(201);
    const foreignNotice = await upload(t.baseUrl, { caseId }, { name: 'Bescheid.pdf', type: 'application/pdf', data: bescheidData }, town);
    expect([foreignNotice.status, foreignNotice.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const added = await t.gql<Json>(ADD, { id: caseId, a: notice.body.attachmentId, t: 'Bescheid', v: true }, county);
    expect(added.body.errors).toBeUndefined();
    const approved = await t.gql<Json>(TRANSITION, { id: caseId, to: 'APPROVED', v: added.body.data!.addCaseDocument.version }, county);
    expect(approved.body.data!.transitionSubmission.status).toBe('APPROVED');

    const seen = (await t.gql<Json>(STATUS, { r: receipt.referenceNumber, c: receipt.accessCode })).body.data!.submissionStatus;
    const bescheid = seen.documents.find((d: Json) => d.title === 'Bescheid');
    expect(bescheid).toMatchObject({ mediaType: 'application/pdf', size: bescheidData.length, sha256: sha(bescheidData) });
    const download = await fetch(`${t.baseUrl}/applicant/submissions/${receipt.referenceNumber}/documents/${bescheid.id}`, { headers: { 'x-access-code': receipt.accessCode } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="Bescheid.pdf"/);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.compare(Buffer.from(await download.arrayBuffer()), bescheidData)).toBe(0);
    const wrong = await fetch(`${t.baseUrl}/applicant/submissions/${receipt.referenceNumber}/documents/${bescheid.id}`, { headers: { 'x-access-code': 'FALSCH' } });
    expect(wrong.status).toBe(404);
  });

  it('hands out the application as PDF: the same bytes every time, every answer in it', async () => {
    const first = await fetch(`${t.baseUrl}/submissions/${caseId}/application.pdf`, { headers: county });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/pdf');
    expect(first.headers.get('content-disposition')).toMatch(/^attachment; filename="Antrag-CLP-/);
    expect(first.headers.get('x-content-type-options')).toBe('nosniff');
    const bytes = Buffer.from(await first.arrayBuffer());
    const applicant = await fetch(`${t.baseUrl}/applicant/submissions/${receipt.referenceNumber}/application.pdf`, { headers: { 'x-access-code': receipt.accessCode } });
    expect(Buffer.compare(Buffer.from(await applicant.arrayBuffer()), bytes)).toBe(0);
    expect((await fetch(`${t.baseUrl}/applicant/submissions/${receipt.referenceNumber}/application.pdf`, { headers: { 'x-access-code': 'FALSCH' } })).status).toBe(404);
    expect((await fetch(`${t.baseUrl}/submissions/${caseId}/application.pdf`, { headers: town })).status).toBe(404);
    const text = pdfToText(bytes);
    if (text === undefined) return;
    const flat = text.replace(/\s+/g, ' ');
    for (const expected of [NAME, receipt.referenceNumber, 'Ausweis Jürgen.pdf', 'foto.jpg', sha(ausweisData), sha(fotoData), 'Antrag mit Unterlagen', 'Version 1.0']) {
      expect(flat).toContain(expected);
    }
  });

  it('lists the three files of the application in the XÖV message (valid) and its metadata, with their SHA-256', async () => {
    const res = await fetch(`${t.baseUrl}/submissions/${caseId}/xoev.xml`, { headers: county });
    expect(res.status).toBe(200);
    const xml = await res.text();
    const form = await t.app.get(FormsService).submittable('dokumente', '1.0');
    const validation = await validateAgainstXsd(xml, messageSchemas(form.formId, form.version, form.publishedSchema));
    expect(validation).toMatchObject({ valid: true });
    const listed = [...xml.matchAll(/<anlage><kennung>[^<]+<\/kennung><dateiname>([^<]+)<\/dateiname><mimeType>([^<]+)<\/mimeType><groesse>(\d+)<\/groesse><pruefsumme>([0-9a-f]{64})<\/pruefsumme>/g)].map((m) => [m[1], m[2], Number(m[3]), m[4]]);
    expect(listed).toEqual([
      ['Ausweis Jürgen.pdf', 'application/pdf', ausweisData.length, sha(ausweisData)],
      ['foto.jpg', 'image/jpeg', fotoData.length, sha(fotoData)],
      ['melde.pdf', 'application/pdf', nachweisData.length, sha(nachweisData)],
    ]);
    expect(xml).not.toContain('Bescheid.pdf');
    const metadata = (await t.gql<Json>(`query($id: ID!) { submissionExportMetadata(id: $id) }`, { id: caseId }, county)).body.data!.submissionExportMetadata;
    expect(metadata.attachments.map((a: Json) => [a.fileName, a.hash])).toEqual([
      ['Ausweis Jürgen.pdf', { type: 'sha256', content: sha(ausweisData) }],
      ['foto.jpg', { type: 'sha256', content: sha(fotoData) }],
      ['melde.pdf', { type: 'sha256', content: sha(nachweisData) }],
    ]);
    expect(metadata.hash.content).toBe(createHash('sha512').update(xml, 'utf8').digest('hex'));
  });

  it('serves signed, expiring download links (for webhooks) and nothing for a tampered or expired one', async () => {
    const files = (await t.gql<Json>(CASE, { id: caseId }, county)).body.data!.submission.documents;
    const links = t.app.get(DownloadLinks);
    const { url } = links.url(files[0].attachmentId);
    const ok = await fetch(`${t.baseUrl}${url}`);
    expect(ok.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await ok.arrayBuffer()), ausweisData)).toBe(0);
    // a changed first character (never the same one: a signature starting with A would stay valid)
    expect((await fetch(`${t.baseUrl}${url.replace(/signature=(.)/, (_m, c: string) => `signature=${c === 'A' ? 'B' : 'A'}`)}`)).status).toBe(404);
    const old = links.url(files[0].attachmentId, Date.now() - 2 * 24 * 3600_000).url;
    expect((await fetch(`${t.baseUrl}${old}`)).status).toBe(404);
  });

  it('keeps a caseworker-only document from the applicant', async () => {
    const intern = await upload(t.baseUrl, { caseId }, { name: 'vermerk.pdf', type: 'application/pdf', data: sampleFile('application/pdf', 3000, { text: 'intern' }) }, county);
    await t.gql<Json>(ADD, { id: caseId, a: intern.body.attachmentId, t: 'Vermerk', v: false }, county);
    const seen = (await t.gql<Json>(STATUS, { r: receipt.referenceNumber, c: receipt.accessCode })).body.data!.submissionStatus;
    expect(seen.documents.map((d: Json) => d.title)).not.toContain('Vermerk');
    const docId = (await withClient(t.databaseUrl, (c) => c.query(`select id from case_document where title = 'Vermerk'`))).rows[0].id;
    const res = await fetch(`${t.baseUrl}/applicant/submissions/${receipt.referenceNumber}/documents/${docId}`, { headers: { 'x-access-code': receipt.accessCode } });
    expect(res.status).toBe(404);
  });

  it('makes up the application of the same files in the same order everywhere: FORM and APPLICANT documents, oldest first, ties by id', async () => {
    // the answer the oldest, the two form files at one instant (their order: by id), the caseworker's documents older still
    const docs = await withClient(t.databaseUrl, async (c) => {
      await c.query(`update case_document set created_at = now() - interval '3 days' where submission_id = $1 and source = 'STAFF'`, [caseId]);
      await c.query(`update case_document set created_at = now() - interval '2 days' where submission_id = $1 and source = 'APPLICANT'`, [caseId]);
      await c.query(`update case_document set created_at = now() - interval '1 day' where submission_id = $1 and source = 'FORM'`, [caseId]);
      return (
        await c.query(
          `select d.id::text as doc, d.source, a.id, a.file_name, a.media_type, a.size, a.sha256, d.pointer from case_document d join attachment a on a.id = d.attachment_id where d.submission_id = $1`,
          [caseId],
        )
      ).rows as Json[];
    });
    const form = docs.filter((d) => d.source === 'FORM').sort((x, y) => (x.doc < y.doc ? -1 : 1));
    const expected = [...docs.filter((d) => d.source === 'APPLICANT'), ...form].map((d) => ({ id: d.id, fileName: d.file_name, mediaType: d.media_type, size: d.size, sha256: d.sha256, field: d.pointer }));
    expect(expected.map((f) => f.fileName)).toEqual(['melde.pdf', ...form.map((d) => d.file_name)]);
    expect(form).toHaveLength(2);
    expect(docs.filter((d) => d.source === 'STAFF')).toHaveLength(2);

    // FIT-Connect's list
    expect(await t.app.get(ApplicationFiles).list(caseId)).toEqual(expected);
    // the message, built anew: its case state lists the files, and its store checks the same list is current (a
    // different order there would find it stale on every attempt and end in CONFLICT)
    await withClient(t.databaseUrl, (c) => c.query('delete from submission_export where submission_id = $1', [caseId]));
    const res = await fetch(`${t.baseUrl}/submissions/${caseId}/xoev.xml`, { headers: county });
    expect(res.status).toBe(200);
    const listed = [...(await res.text()).matchAll(/<anlage><kennung>([^<]+)<\/kennung>/g)].map((m) => m[1]);
    expect(listed).toEqual(expected.map((f) => f.id));
    const metadata = (await t.gql<Json>(`query($id: ID!) { submissionExportMetadata(id: $id) }`, { id: caseId }, county)).body.data!.submissionExportMetadata;
    expect(metadata.attachments.map((a: Json) => a.attachmentId)).toEqual(expected.map((f) => f.id));
  });
});
