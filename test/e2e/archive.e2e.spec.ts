/**
 * Digital archiving: three closed cases of three services become xdomea records, are offered (0501), evaluated
 * (0502), handed over (0503 ZIP, read back with its hashes), confirmed (0506) and deleted with proof; nothing of
 * the applicants' data is left in any table, Kennzahlen do not change, a crash halfway is harmless, a legal hold
 * keeps a case. Needs the xdomea 3.0.0 XSDs from ../shared/reference/xdomea (or LOTSE_REFERENCE_DIR).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntityManager } from '@mikro-orm/postgresql';
import { unzipSync } from 'fflate';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { Role } from '../../src/auth/roles.js';
import { projectRoot } from '../../src/common/project-root.js';
import { LotseError } from '../../src/common/errors/lotse.error.js';
import { XoevService } from '../../src/xoev/xoev.service.js';
import { createArchiveService } from '../../src/archive/archive.factory.js';
import type { ArchiveService } from '../../src/archive/archive.service.js';
import { sha256Hex } from '../../src/archive/document-sources.js';
import { build0502, build0504, build0506, type Kopf } from '../../src/archive/xdomea.serializer.js';
import { validateXdomea } from '../../src/archive/xdomea-schema.js';
import { parseXml } from '../../src/interop/xml/safe-xml.js';
import type { XmlElement } from '../../src/interop/xml/xml-element.js';
import { allowReceivers, startTestApp, type TestApp } from '../support/app.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { withClient } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';
import { upload } from '../support/uploads.js';
import { sampleFile } from '../../src/attachments/sample-files.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REFERENCE = process.env.LOTSE_REFERENCE_DIR ?? join(projectRoot(), '..', 'shared', 'reference');
const XDOMEA = join(REFERENCE, 'xdomea');
/** A receiver that never answers (the discard port): queued deliveries keep the applicant's data until erasure. */
const NOWHERE = 'http://127.0.0.1:9/nowhere';
const available = existsSync(join(XDOMEA, 'xsd-3.0.0', 'xdomea-Nachrichten-AussonderungDurchfuehren.xsd'));
const suite = available ? describe : describe.skip;
if (!available) console.log(`[lotse] archive (xdomea) tests skipped: no xdomea 3.0.0 XSDs in ${XDOMEA} (set LOTSE_REFERENCE_DIR)`);

const SUBMIT = `mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) {
  __typename ... on SubmissionReceipt { referenceNumber accessCode organisationId } ... on SubmissionValidationError { errors { field message } } } }`;
const TRANSITION = `mutation($id: ID!, $to: SubmissionStatus!, $v: Int!, $p: String, $n: String) {
  transitionSubmission(id: $id, to: $to, expectedVersion: $v, publicNote: $p, internalNote: $n) { id status version } }`;

const REQUEST = `mutation($id: ID!, $items: [String!]!) { requestDocuments(id: $id, items: $items) { id status } }`;
const SUBMIT_DOCS = `mutation($r: String!, $c: String!, $q: ID!, $a: [ID!]!) { submitDocuments(referenceNumber: $r, accessCode: $c, requestId: $q, attachmentIds: $a) { status } }`;
const ADD = `mutation($id: ID!, $a: ID!, $t: String!, $v: Boolean!) { addCaseDocument(id: $id, attachmentId: $a, title: $t, visibleToApplicant: $v) { id version } }`;

/** Personal data of the three applicants (form data, notes, file names): none of it may be left anywhere after deletion. */
const PERSONAL = ['Zacharias Archivprobe', 'Yvonne Aufbewahrung', 'xaver.loeschtest@example.org', 'Notiz über Herrn Archivprobe', 'Xaverius Loeschprobe'];

/** The files of the three cases: the evidence with the form, a document sent later on request, a notice. */
const FILES = {
  nachweisB: sampleFile('application/pdf', 5000, { text: 'Archivprobe Nachweis B' }),
  nachreichungB: sampleFile('application/pdf', 6000, { text: 'Archivprobe Nachreichung B' }),
  bescheidA: sampleFile('application/pdf', 7000, { text: 'Archivprobe Bescheid A' }),
  // the same content for case C and for a fourth case that is not deleted: stored once, and it must survive
  shared: sampleFile('application/pdf', 8000, { text: 'Archivprobe gemeinsamer Nachweis' }),
};
/** A piece of the stored bytes (as PostgreSQL prints bytea) that only the file it comes from contains. */
const byteProbe = (data: Buffer) => {
  const at = data.indexOf('Archivprobe');
  return data.subarray(at, at + 40).toString('hex');
};

const elements = (root: XmlElement, name: string): XmlElement[] => {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (e.name === name) out.push(e);
    e.children.forEach(walk);
  };
  walk(root);
  return out;
};
const textOf = (e: XmlElement | undefined, name: string) => e?.children.find((c) => c.name === name)?.text.trim();

suite('archiving: offer, evaluation, handover, receipt, deletion with proof', () => {
  let t: TestApp;
  let copy: CatalogCopy;
  let out: string;
  let archive: ArchiveService;
  const cases: Array<{ id: string; referenceNumber: string; serviceId: string }> = [];
  /** A case of another applicant with the same file content as case C; it is not deleted. */
  let other: { id: string; referenceNumber: string };
  let key = 0;
  let offerId: string;

  const sql = (text: string, params: unknown[] = []) => withClient(t.databaseUrl, (c) => c.query(text, params));
  const submit = async (formId: string, data: Json) => {
    const res = await t.gql<Json>(SUBMIT, { i: { formId, version: '1.0', data }, k: `archive-${++key}` });
    expect(res.body.data!.submitForm).toEqual(expect.objectContaining({ __typename: 'SubmissionReceipt' }));
    const receipt = res.body.data!.submitForm;
    const { rows } = await sql('select id, service_id, version from submission where reference_number = $1', [receipt.referenceNumber]);
    return { id: rows[0].id as string, referenceNumber: receipt.referenceNumber as string, accessCode: receipt.accessCode as string, serviceId: rows[0].service_id as string, version: rows[0].version as number };
  };
  /** An upload through POST /attachments, as the attachments suite does it. */
  const uploadFile = async (fields: Record<string, string>, name: string, data: Buffer, headers: Record<string, string> = {}) => {
    const res = await upload(t.baseUrl, fields, { name, type: 'application/pdf', data }, headers);
    expect(res.status).toBe(201);
    return res.body;
  };
  const formRef = async (formId: string, name: string, data: Buffer) => {
    // the form's attachment field takes the id and the file name
    const { attachmentId, fileName } = await uploadFile({ formId, version: '1.0', field: '/nachweis' }, name, data);
    return { attachmentId, fileName };
  };
  const status = async (id: string) => (await sql('select version, status from submission where id = $1', [id])).rows[0] as { version: number; status: string };
  const walk = async (id: string, version: number, statuses: string[], who: Record<string, string>) => {
    for (const to of statuses) {
      const res = await t.gql<Json>(TRANSITION, { id, to, v: version, p: `Status ${to}`, n: to === 'APPROVED' ? 'Notiz über Herrn Archivprobe' : undefined }, who);
      expect(res.body.errors).toBeUndefined();
      version = res.body.data!.transitionSubmission.version;
    }
  };
  const kopf = (code: '0502' | '0504' | '0506', processId: string): Kopf => ({
    processId,
    code,
    createdAt: new Date(),
    sender: { institution: 'Niedersächsisches Landesarchiv' },
    recipient: { institution: 'Landkreis Cloppenburg' },
    system: { name: 'Archivtest', version: '1' },
  });

  beforeAll(async () => {
    copy = await CatalogCopy.of();
    // a third form, for a third service of the county
    const nachweis = await copy.read<Json>('forms/nachweisantrag/1.0.json');
    await copy.write('forms/umtauschantrag/1.0.json', { ...nachweis, id: 'umtauschantrag', serviceId: 'fuehrerschein-umtauschen' });
    // the service's own rule: 2 years from the decision, with a file plan mark; the others follow the county
    await copy.edit<Json>('services/soziales/wohngeld.json', (s) => {
      s.retention = { years: 2, trigger: 'DECIDED', archive: 'OFFER', legalBasis: 'Testregel Wohngeld', fileplanMark: '50.10.01', confidentiality: '002' };
    });
    out = await mkdtemp(join(tmpdir(), 'lotse-archive-'));
    t = await startTestApp({ env: { SUBMIT_RATE_LIMIT_PER_HOUR: '1000', XDOMEA_XSD_DIR: XDOMEA, XDOMEA_FORMAT_CODES: 'application/xml=TEST-XML,application/pdf=TEST-PDF', WEBHOOK_RETRY_DELAY_SECONDS: '3600', ATTACHMENT_RATE_LIMIT_PER_HOUR: '1000', ...allowReceivers(NOWHERE) } });
    await t.app.get(CatalogSyncService).sync(copy.dir);
    // a webhook that never answers: its queued deliveries carry the applicant's data until erasure
    const admin = await bearer(t.config, Role.ADMIN, 'test-soziales');
    expect((await t.gql<Json>('mutation($u: String!) { registerWebhook(url: $u) { id } }', { u: NOWHERE }, admin)).body.errors).toBeUndefined();
    archive = createArchiveService(t.app.get(EntityManager).fork(), t.config, undefined, t.app.get(XoevService));
    const county = await bearer(t.config, Role.CASEWORKER, 'test-soziales');
    const verkehr = await bearer(t.config, Role.CASEWORKER, 'test-verkehr');

    const a = await submit('testantrag', { name: 'Zacharias Archivprobe', gemeinde: '03453007', personen: [{ vorname: 'Zacharias' }], zahlungsart: 'BAR', bestaetigt: true });
    const b = await submit('nachweisantrag', { email: 'xaver.loeschtest@example.org', nachweis: await formRef('nachweisantrag', 'Nachweis Xaverius Loeschprobe.pdf', FILES.nachweisB) });
    const c = await submit('umtauschantrag', { email: 'xaver.loeschtest@example.org', nachweis: await formRef('umtauschantrag', 'Yvonne Aufbewahrung.pdf', FILES.shared) });
    const d = await submit('nachweisantrag', { email: 'andere.person@example.org', nachweis: await formRef('nachweisantrag', 'gemeinsam.pdf', FILES.shared) });
    other = { id: d.id, referenceNumber: d.referenceNumber };

    // case A gets a notice from the caseworker, case B a document sent later on request
    const notice = await uploadFile({ caseId: a.id }, 'Bescheid Zacharias Archivprobe.pdf', FILES.bescheidA, county);
    expect((await t.gql<Json>(ADD, { id: a.id, a: notice.attachmentId, t: 'Bescheid', v: true }, county)).body.errors).toBeUndefined();
    if ((await status(b.id)).status === 'RECEIVED') await walk(b.id, (await status(b.id)).version, ['IN_REVIEW'], verkehr);
    const requested = await t.gql<Json>(REQUEST, { id: b.id, items: ['Meldebescheinigung'] }, verkehr);
    expect(requested.body.errors).toBeUndefined();
    const { rows: open } = await sql(`select id from document_request where submission_id = $1 and status = 'OPEN'`, [b.id]);
    const later = await uploadFile({ referenceNumber: b.referenceNumber, requestId: open[0].id }, 'Nachreichung Xaverius Loeschprobe.pdf', FILES.nachreichungB, { 'x-access-code': b.accessCode });
    const answered = await t.gql<Json>(SUBMIT_DOCS, { r: b.referenceNumber, c: b.accessCode, q: open[0].id, a: [later.attachmentId] });
    expect(answered.body.errors).toBeUndefined();

    for (const [s, who] of [[a, county], [b, verkehr], [c, verkehr]] as const) {
      const { version, status: now } = await status(s.id);
      const path = now === 'RECEIVED' ? ['IN_REVIEW', 'APPROVED', 'CLOSED'] : ['APPROVED', 'CLOSED'];
      await walk(s.id, version, path, who);
      cases.push(s);
    }
  });
  afterAll(async () => {
    await t?.close();
    await copy?.destroy();
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('gives every case its retainUntil at its trigger state, by the service rule or the county default', async () => {
    const { rows } = await sql('select submission_id, trigger_status, retain_until::text, rule from case_retention order by submission_id');
    expect(rows).toHaveLength(3);
    const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Berlin', year: 'numeric' }).format(new Date()));
    const byId = new Map(rows.map((r) => [r.submission_id, r]));
    expect(byId.get(cases[0].id)).toMatchObject({ trigger_status: 'APPROVED', retain_until: `${year + 2}-12-31`, rule: { legalBasis: 'Testregel Wohngeld' } });
    expect(byId.get(cases[1].id)).toMatchObject({ trigger_status: 'CLOSED', retain_until: `${year + 10}-12-31` });
    expect(byId.get(cases[2].id)).toMatchObject({ trigger_status: 'CLOSED', retain_until: `${year + 10}-12-31` });
  });

  it('applies a changed rule to cases not yet offered', async () => {
    await copy.edit<Json>('services/verkehr/fuehrerschein-umtauschen.json', (s) => {
      s.retention = { years: 3, trigger: 'CLOSED', archive: 'OFFER', legalBasis: 'Geänderte Testregel' };
    });
    await t.app.get(CatalogSyncService).sync(copy.dir);
    const { refreshRetention } = await import('../../src/archive/retention-rules.js');
    expect(await refreshRetention(t.app.get(EntityManager).fork())).toBe(1);
    const { rows } = await sql('select retain_until::text, rule from case_retention where submission_id = $1', [cases[2].id]);
    const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Berlin', year: 'numeric' }).format(new Date()));
    expect(rows[0]).toMatchObject({ retain_until: `${year + 3}-12-31`, rule: { legalBasis: 'Geänderte Testregel' } });
  });

  it('offers nothing before the period is over', async () => {
    await expect(archive.offer('03453')).rejects.toMatchObject({ code: 'ARCHIVE_NOTHING_DUE' });
  });

  it('builds a 0501 offer of the due cases that validates against the xdomea 3.0.0 XSD', async () => {
    const result = await archive.offer('03453', '2099-01-01', out);
    offerId = result.offerId;
    expect(result.records).toBe(3);
    expect(result.file).toBe(join(out, `${offerId}_Aussonderung.Anbieteverzeichnis.0501.xml`));
    const xml = await readFile(result.file, 'utf8');
    expect(await validateXdomea(xml, XDOMEA)).toEqual({ valid: true, errors: [] });
    const root = parseXml(xml);
    expect(textOf(textOf(root, 'Kopf') === undefined ? undefined : root.children[0], 'ProzessID')).toBe(offerId);
    const vorgaenge = elements(root, 'Vorgang');
    expect(vorgaenge).toHaveLength(3);
    expect(vorgaenge.map((v) => textOf(elements(v, 'AllgemeineMetadaten')[0], 'Kennzeichen')).sort()).toEqual(cases.map((c) => c.referenceNumber).sort());
    // metadata from the catalog: service title, file plan mark, confidentiality from the code list
    expect(xml).toContain('<xdomea:Aktenplaneinheit><xdomea:Kennzeichen>50.10.01</xdomea:Kennzeichen></xdomea:Aktenplaneinheit>');
    expect(xml).toMatch(/<xdomea:Vertraulichkeitsstufe [^>]*><code>002<\/code><name>NfD/);
    // no primary documents and no applicant data in an offer
    expect(xml).not.toContain('Primaerdokument');
    for (const p of PERSONAL.slice(0, 3)) expect(xml).not.toContain(p);
    await expect(archive.offer('03453', '2099-01-01', out)).rejects.toMatchObject({ code: 'ARCHIVE_NOTHING_DUE' });
  });

  it('refuses a malformed or foreign 0502 with a clear code and records nothing', async () => {
    const { rows } = await sql('select record_id from case_retention where offer_id = $1', [offerId]);
    const good = build0502(kopf('0502', offerId), rows.map((r) => ({ recordId: r.record_id, art: 'A' as const })));
    const refusals: Array<[string, string]> = [
      ['<xdomea:Aussonderung.Bewertungsverzeichnis.0502 xmlns:xdomea="urn:xoev-de:xdomea:schema:3.0.0"><unclosed>', 'ARCHIVE_MESSAGE_MALFORMED'],
      ['<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', 'ARCHIVE_MESSAGE_MALFORMED'],
      [good.replace(/<xdomea:Erstellungszeitpunkt>[^<]*<\/xdomea:Erstellungszeitpunkt>/, ''), 'ARCHIVE_MESSAGE_MALFORMED'],
      [good.replace(/<code>A<\/code>/, '<code>B</code>'), 'ARCHIVE_MESSAGE_MALFORMED'],
      [good.replaceAll(offerId, '00000000-0000-4000-8000-000000000000'), 'ARCHIVE_MESSAGE_UNEXPECTED'],
      [good.replace(rows[0].record_id, '00000000-0000-4000-8000-000000000001'), 'ARCHIVE_MESSAGE_UNEXPECTED'],
      [good.replaceAll('Bewertungsverzeichnis.0502', 'Anbieteverzeichnis.0501'), 'ARCHIVE_MESSAGE_UNEXPECTED'],
    ];
    for (const [xml, code] of refusals) {
      const error = await archive.evaluationFromMessage(xml).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LotseError);
      expect({ code: (error as LotseError).code, german: /[äöüß]|[A-Z]/.test((error as LotseError).message) }).toEqual({ code, german: true });
    }
    const after = await sql('select count(*)::int as n from case_retention where offer_id = $1 and decision is not null', [offerId]);
    expect(after.rows[0].n).toBe(0);
    expect((await archive.evaluationFromMessage(good))).toEqual({ offerId, archive: 3, destroy: 0, undecided: 0 });
  });

  it('hands the three records over as a 0503 ZIP that validates and whose hashes match when read back', async () => {
    const result = await archive.handover(offerId, out);
    expect(result.file).toBe(join(out, `${offerId}_Aussonderung.Aussonderung.0503.zip`));
    const zipBytes = await readFile(result.file!);
    expect(sha256Hex(zipBytes)).toBe(result.sha256);
    const files = unzipSync(new Uint8Array(zipBytes));
    const xmlName = `${offerId}_Aussonderung.Aussonderung.0503.xml`;
    const xml = new TextDecoder().decode(files[xmlName]);
    expect(await validateXdomea(xml, XDOMEA)).toEqual({ valid: true, errors: [] });
    // the manifest names every other file with its SHA-256
    const manifest = new TextDecoder().decode(files[`${offerId}_manifest.sha256`]).trim().split('\n').map((l) => l.split('  '));
    expect(manifest.map(([, name]) => name).sort()).toEqual(Object.keys(files).filter((n) => !n.endsWith('manifest.sha256')).sort());
    for (const [hash, name] of manifest) expect(sha256Hex(files[name])).toBe(hash);
    // every document of every record is in the ZIP under its Dateiname, and its hash matches the record's
    const root = parseXml(xml);
    const vorgaenge = elements(root, 'Vorgang');
    expect(vorgaenge).toHaveLength(3);
    expect(new Set(vorgaenge.map((v) => textOf(elements(v, 'AllgemeineMetadaten')[0], 'Betreff')?.split(' – ')[0])).size).toBe(3);
    const documents = vorgaenge.flatMap((v) => elements(v, 'Dokument'));
    expect(documents).toHaveLength(10);
    for (const d of documents) {
      const name = elements(d, 'Dateiname')[0].text.trim();
      const claimed = /SHA-256: ([0-9a-f]{64})/.exec(elements(d, 'Bemerkung')[0].text)![1];
      expect(files[name]).toBeDefined();
      expect(sha256Hex(files[name])).toBe(claimed);
    }
    // per record: the XÖV message, the application PDF and every file of the case (evidence, documents sent
    // later, notices) under its Dateiname, with its original name, media type and the bytes that were uploaded
    const byCase = new Map(vorgaenge.map((v) => [textOf(elements(v, 'AllgemeineMetadaten')[0], 'Kennzeichen'), elements(v, 'Dokument')]));
    const [a, b, c] = cases;
    expect([a, b, c].map((x) => byCase.get(x.referenceNumber)?.length)).toEqual([3, 4, 3]);
    const fileOf = (d: XmlElement) => Buffer.from(files[elements(d, 'Dateiname')[0].text.trim()]);
    const expectFile = (referenceNumber: string, originalName: string, data: Buffer) => {
      const doc = byCase.get(referenceNumber)!.find((d) => elements(d, 'DateinameOriginal')[0]?.text.trim() === originalName);
      expect(doc).toBeDefined();
      expect(fileOf(doc!).equals(data)).toBe(true);
      expect(elements(doc!, 'Bemerkung')[0].text).toBe(`SHA-256: ${sha256Hex(data)}; Medientyp: application/pdf`);
      expect(elements(doc!, 'Dateiname')[0].text).toMatch(/^[0-9a-f-]{36}_[A-Za-z0-9._-]+\.pdf$/);
    };
    expectFile(a.referenceNumber, 'Bescheid Zacharias Archivprobe.pdf', FILES.bescheidA);
    expectFile(b.referenceNumber, 'Nachweis Xaverius Loeschprobe.pdf', FILES.nachweisB);
    expectFile(b.referenceNumber, 'Nachreichung Xaverius Loeschprobe.pdf', FILES.nachreichungB);
    expectFile(c.referenceNumber, 'Yvonne Aufbewahrung.pdf', FILES.shared);
    // the application PDF is the one the caseworkers download
    const pdfOf = (referenceNumber: string) => byCase.get(referenceNumber)!.find((d) => elements(d, 'Betreff')[0].text.startsWith('Antrag (PDF)'))!;
    const county = await bearer(t.config, Role.CASEWORKER, 'test-soziales');
    const served = Buffer.from(await (await fetch(`${t.baseUrl}/submissions/${a.id}/application.pdf`, { headers: county })).arrayBuffer());
    expect(served.subarray(0, 5).toString()).toBe('%PDF-');
    expect(fileOf(pdfOf(a.referenceNumber)).equals(served)).toBe(true);
    for (const x of [b, c]) expect(fileOf(pdfOf(x.referenceNumber)).subarray(0, 5).toString()).toBe('%PDF-');
    // the Dateiformat codes come from XDOMEA_FORMAT_CODES
    expect(xml).toMatch(/listURI="urn:xoev-de:xdomea:codeliste:dateiformat" listVersionID="2.0"><code>TEST-PDF<\/code>/);
    // the XÖV message in the ZIP is exactly what the specialist system received
    const { rows } = await sql('select xml from submission_export where submission_id = $1', [cases[0].id]);
    expect(Object.values(files).some((bytes) => new TextDecoder().decode(bytes) === rows[0].xml)).toBe(true);
    // the protocol: who changed what when
    expect(elements(vorgaenge[0], 'HistorienProtokollInformation').length).toBeGreaterThanOrEqual(3);
    await expect(archive.handover(offerId, out)).rejects.toMatchObject({ code: 'ARCHIVE_WRONG_STATE' });
  });

  it('deletes nothing before the receipt, then everything with proof; a crash halfway and a rerun give the same result', async () => {
    const supervisor = await bearer(t.config, Role.SUPERVISOR, '03453');
    const stats = async () =>
      (await t.gql<Json>(`{ statistics(organisationId: "03453", from: "2020-01-01", to: "2099-12-31") { total { received decided approved rejected open } services { serviceId received decided approved } } }`, undefined, supervisor)).body;
    const before = JSON.stringify(await stats());
    // the three cases and the fourth that shares a file with case C
    expect(before).toContain('"received":4');
    const tables = (await sql(`select table_schema, table_name from information_schema.tables where table_schema in ('public', 'pgboss') and table_type = 'BASE TABLE'`)).rows;
    expect(tables.length).toBeGreaterThan(15);
    const dumpAll = async (needles: string[] = PERSONAL) => {
      const found = new Map<string, string[]>();
      for (const { table_schema, table_name } of tables) {
        const dump = (await sql(`select t::text as row from "${table_schema}"."${table_name}" t`)).rows.map((r) => r.row as string).join('\n');
        const hits = needles.filter((p) => dump.includes(p));
        if (hits.length) found.set(`${table_schema}.${table_name}`, hits);
      }
      return Object.fromEntries(found);
    };
    // the grep finds the data before deletion (so that finding nothing afterwards means something)
    const beforeDeletion = await dumpAll();
    expect(new Set(Object.values(beforeDeletion).flat())).toEqual(new Set(PERSONAL));
    expect(Object.keys(beforeDeletion)).toEqual(expect.arrayContaining(['public.submission', 'public.submission_event', 'public.submission_export']));
    expect(Object.keys(beforeDeletion).some((table) => table.startsWith('pgboss.'))).toBe(true);
    expect(Object.keys(beforeDeletion)).toEqual(expect.arrayContaining(['public.attachment', 'public.case_document']));
    // the stored bytes of the three cases' files (bytea prints as hex), and of the content case C shares with another case
    const own = [FILES.nachweisB, FILES.nachreichungB, FILES.bescheidA].map(byteProbe);
    const shared = byteProbe(FILES.shared);
    expect(await dumpAll([...own, shared])).toEqual({ 'public.attachment_chunk': [...own, shared] });
    expect(await archive.deleteDue('2099-01-01')).toEqual({ deleted: 0, held: 0, failed: 0 });

    const { rows } = await sql('select record_id from case_retention where offer_id = $1', [offerId]);
    // an acknowledgement of the offer and a partly failed import do not close the handover
    expect(await archive.receiptFromMessage(build0504(kopf('0504', offerId)))).toMatchObject({ offerId, closed: false, acknowledgedOnly: true });
    const partly = build0506(kopf('0506', offerId), rows.map((r, i) => ({ recordId: r.record_id, ok: i > 0, error: i > 0 ? undefined : 'Datei fehlt' })));
    expect(await archive.receiptFromMessage(partly)).toMatchObject({ offerId, closed: false, imported: 2, failed: [rows[0].record_id] });
    expect(await archive.deleteDue('2099-01-01')).toEqual({ deleted: 0, held: 0, failed: 0 });
    const receipt = build0506(kopf('0506', offerId), rows.map((r, i) => ({ recordId: r.record_id, ok: true, archiveId: `NLA Rep. 1 Nr. ${i + 1}` })));
    expect(await archive.receiptFromMessage(receipt)).toMatchObject({ offerId, closed: true, imported: 3, failed: [] });
    await expect(archive.receiptFromMessage(receipt)).rejects.toMatchObject({ code: 'ARCHIVE_WRONG_STATE' });

    // crash after the first case: its deletion is complete, the others untouched
    await expect(archive.deleteDue('2099-01-01', (n) => { if (n === 1) throw new Error('crash'); })).rejects.toThrow('crash');
    expect((await sql('select count(*)::int as n from deletion_record')).rows[0].n).toBe(1);
    expect(await archive.deleteDue('2099-01-01')).toEqual({ deleted: 2, held: 0, failed: 0 });
    expect(await archive.deleteDue('2099-01-01')).toEqual({ deleted: 0, held: 0, failed: 0 });

    const records = (await sql('select submission_id, reference_number, service_id, reason, offer_id, deleted_sha256 from deletion_record order by reference_number')).rows;
    expect(records.map((r) => r.submission_id).sort()).toEqual(cases.map((c) => c.id).sort());
    for (const r of records) expect(r).toMatchObject({ reason: 'HANDED_OVER_TO_ARCHIVE', offer_id: offerId, deleted_sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

    // no personal data left in any table of any schema: no form data, notes, file names or stored bytes
    expect(await dumpAll()).toEqual({});
    expect(await dumpAll([...own, shared])).toEqual({ 'public.attachment_chunk': [shared] });
    for (const table of ['attachment', 'case_document', 'document_request']) {
      expect((await sql(`select count(*)::int as n from ${table} where submission_id = any($1)`, [cases.map((x) => x.id)])).rows[0].n).toBe(0);
    }
    // the content another case still uses survives, complete: that case's file downloads as uploaded
    const verkehr = await bearer(t.config, Role.CASEWORKER, 'test-verkehr');
    const kept = (await sql('select id, file_name from attachment where submission_id = $1', [other.id])).rows;
    expect(kept.map((r) => r.file_name)).toEqual(['gemeinsam.pdf']);
    const download = await fetch(`${t.baseUrl}/submissions/${other.id}/attachments/${kept[0].id}`, { headers: verkehr });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(FILES.shared)).toBe(true);
    // the deletion records count what went, per table
    const counts = new Map((await sql('select submission_id, counts from deletion_record')).rows.map((r) => [r.submission_id, r.counts]));
    expect(counts.get(cases[0].id)).toMatchObject({ attachment_blob: 1, attachment: 1, case_document: 1, document_request: 0 });
    expect(counts.get(cases[1].id)).toMatchObject({ attachment_blob: 2, attachment: 2, case_document: 2, document_request: 1 });
    expect(counts.get(cases[2].id)).toMatchObject({ attachment_blob: 0, attachment: 1, case_document: 1, document_request: 0 });
    // Kennzahlen count the deleted cases as before
    expect(JSON.stringify(await stats())).toBe(before);
    // what the law keeps: the reference number, service and status
    const law = (await sql('select reference_number, status, service_id from submission where id = $1', [cases[0].id])).rows[0];
    expect(law).toEqual({ reference_number: cases[0].referenceNumber, status: 'CLOSED', service_id: 'wohngeld' });
  });
});
