import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../src/common/project-root.js';
import { createServer, type Server } from 'node:http';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { Role } from '../../src/auth/roles.js';
import { canonicalJson } from '../../src/common/canonical-json.js';
import { parseMessage } from '../../src/xoev/message.parser.js';
import { XoevService } from '../../src/xoev/xoev.service.js';
import { allowReceivers, startTestApp, type TestApp } from '../support/app.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { freePort, withClient } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SUBMIT = `mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) { ... on SubmissionReceipt { referenceNumber } } }`;
const VALID = { name: 'Jörg & <Söhne>', gemeinde: '03453004', personen: [{ vorname: 'Ä', einkommen: '0.50' }], zahlungsart: 'BAR', bestaetigt: true };

describe('XÖV export of submissions', () => {
  let t: TestApp;
  let copy: CatalogCopy;
  let receiver: Server;
  const exported: Json[] = [];
  let caseworker: Record<string, string>;
  let key = 0;
  const submit = async (data: Json) => {
    const res = await t.gql<Json>(SUBMIT, { i: { formId: 'testantrag', version: '1.0', data }, k: `xoev-${Date.now()}-${++key}` });
    expect(res.body.errors).toBeUndefined();
    const reference = res.body.data!.submitForm.referenceNumber as string;
    const [{ id }] = (await withClient(t.databaseUrl, (c) => c.query('select id from submission where reference_number = $1', [reference]))).rows;
    return { reference, id: id as string };
  };
  async function until<T>(probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
    for (let i = 0; i < 300; i++) {
      const v = await probe();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('timed out');
  }

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const event = JSON.parse(body);
        if (event.type === 'submission.exported') exported.push(event);
        res.writeHead(204).end();
      });
    });
    const port = await freePort();
    await new Promise<void>((r) => receiver.listen(port, '127.0.0.1', r));
    copy = await CatalogCopy.of();
    t = await startTestApp({ env: { WORKER_ENABLED: 'true', SUBMIT_RATE_LIMIT_PER_HOUR: '1000', QUEUE_SUPERVISE_SECONDS: '1', ...allowReceivers(`http://127.0.0.1:${port}`) } });
    await t.app.get(CatalogSyncService).sync(copy.dir);
    caseworker = await bearer(t.config, Role.CASEWORKER, '03453004');
    const admin = await bearer(t.config, Role.ADMIN, '03453004');
    await t.gql('mutation($u: String!) { registerWebhook(url: $u) { id } }', { u: `http://127.0.0.1:${port}/fachverfahren` }, admin);
  });
  afterAll(async () => {
    await t.close();
    await copy.destroy();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  it('serves the message of a case to its caseworkers, valid and parsing back to the submitted data', async () => {
    const { reference, id } = await submit(VALID);
    const res = await t.gql<{ submissionXml: string }>('query($id: ID!) { submissionXml(id: $id) }', { id }, caseworker);
    expect(res.body.errors).toBeUndefined();
    const xml = res.body.data!.submissionXml;
    expect(xml).toContain('<lotse:antrag.eingang.0100 xmlns:lotse="urn:lotse:xoev:nachricht:1"');
    expect(xml).toContain('<nachrichtenkopf.g2g>');
    expect(xml).toContain(`<aktenzeichen>${reference}</aktenzeichen>`);
    expect(xml).toContain('<kennung>03453004</kennung><name>Stadt Cloppenburg</name>');
    const form = (await withClient(t.databaseUrl, (c) => c.query("select published_schema from form_version where id = 'testantrag@1.0'"))).rows[0].published_schema;
    expect(canonicalJson(parseMessage(xml, form).data)).toBe(canonicalJson(VALID));

    const http = await fetch(`${t.baseUrl}/submissions/${id}/xoev.xml`, { headers: caseworker });
    expect(http.status).toBe(200);
    expect(http.headers.get('content-type')).toContain('application/xml');
    const body = await http.text();
    expect(http.headers.get('x-lotse-sha512')).toBe(createHash('sha512').update(body, 'utf8').digest('hex'));
    const meta = await t.gql<Json>('query($id: ID!) { submissionExportMetadata(id: $id) }', { id }, caseworker);
    expect(meta.body.data!.submissionExportMetadata).toMatchObject({ submissionSchema: { schemaUri: 'urn:lotse:form:testantrag:1.0', mimeType: 'application/xml' }, hash: { type: 'sha512' }, referenceNumber: reference });
    // one message per submission: API, HTTP and metadata hand out the same bytes, and the hash fits them
    expect(body).toBe(xml);
    expect(meta.body.data!.submissionExportMetadata.hash.content).toBe(createHash('sha512').update(xml, 'utf8').digest('hex'));
    const both = await t.gql<Json>('query($id: ID!) { a: submissionXml(id: $id) b: submissionExportMetadata(id: $id) }', { id }, caseworker);
    expect(both.body.data!.a).toBe(xml);
    expect(both.body.data!.b.messageId).toBe(meta.body.data!.submissionExportMetadata.messageId);

    expect((await fetch(`${t.baseUrl}/submissions/${id}/xoev.xml`)).status).toBe(401);
    const other = await bearer(t.config, Role.CASEWORKER, '03453');
    expect((await fetch(`${t.baseUrl}/submissions/${id}/xoev.xml`, { headers: other })).status).toBe(404);
  });

  it('prints the message from the command line (npm run export)', async () => {
    const { reference } = await submit({ ...VALID, name: 'Kommandozeile' });
    // the CLI runs beside the service in this process: asynchronously, so that the service is not frozen meanwhile
    const run = (args: string[]) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          [join(projectRoot(), 'dist', 'src', 'xoev', 'cli', 'export.js'), ...args],
          { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', TZ: 'Europe/Berlin', DATABASE_URL: t.databaseUrl } },
          (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      });
    const xml = await run(['--reference', reference]);
    expect(xml.status).toBe(0);
    expect(xml.stdout).toContain(`<aktenzeichen>${reference}</aktenzeichen>`);
    const meta = await run(['--reference', reference, '--metadata']);
    expect(JSON.parse(meta.stdout).hash.type).toBe('sha512');
    const missing = await run(['--reference', 'CLP-2026-999999-0']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('gibt es nicht');
  });

  it('hands every received submission to the webhooks as a validated XÖV message with its metadata', async () => {
    const { reference } = await submit({ ...VALID, name: 'Webhook' });
    const event = await until(() => exported.find((e) => e.data.referenceNumber === reference));
    expect(event.data.xml).toContain(`<aktenzeichen>${reference}</aktenzeichen>`);
    expect(event.data.metadata.hash.content).toBe(createHash('sha512').update(event.data.xml, 'utf8').digest('hex'));
    const { id } = (await withClient(t.databaseUrl, (c) => c.query('select id from submission where reference_number = $1', [reference]))).rows[0];
    const served = await t.gql<{ submissionXml: string }>('query($id: ID!) { submissionXml(id: $id) }', { id }, caseworker);
    expect(served.body.data!.submissionXml).toBe(event.data.xml);
  });

  it('generates the XSD of a form version once, and anew when its row changes', async () => {
    const forms = t.app.get(XoevService).messageForms;
    const delivered = async (data: Json) => {
      const { reference } = await submit(data);
      return until(() => exported.find((e) => e.data.referenceNumber === reference));
    };
    await delivered({ ...VALID, name: 'Erste' });
    const loads = forms.loads;
    await delivered({ ...VALID, name: 'Zweite' });
    expect(forms.loads).toBe(loads);
    // a change of the row that leaves its content as it was (as a status change by the catalog sync): read once more
    await withClient(t.databaseUrl, (c) => c.query("update form_version set updated_at = updated_at where id = 'testantrag@1.0'"));
    const event = await delivered({ ...VALID, name: 'Dritte' });
    expect(forms.loads).toBe(loads + 1);
    expect(event.data.xml).toContain('<f:name>Dritte</f:name>');
  });

  it('never delivers an export that does not validate, and reports it', async () => {
    // corrupt the form version's schema so that the generated XSD no longer fits the data
    await withClient(t.databaseUrl, (c) =>
      c.query(`update form_version set published_schema = jsonb_set(published_schema::jsonb, '{properties,name,maxLength}', '1')::json where id = 'testantrag@1.0'`),
    );
    const { reference, id } = await submit({ ...VALID, name: 'Zu lang für das kaputte Schema' });
    // the submission itself was validated against the (cached) JSON Schema; the export is checked against the XSD
    const res = await t.gql('query($id: ID!) { submissionXml(id: $id) }', { id }, caseworker);
    expect(res.body.errors?.[0].extensions?.code).toBe('EXPORT_INVALID');
    expect(res.body.errors?.[0].message).toMatch(/nicht schemagültig/);
    await until(async () => {
      const rows = await withClient(t.databaseUrl, (c) => c.query("select 1 from submission_event where submission_id = $1 and kind = 'EXPORT_FAILED'", [id]));
      return rows.rowCount ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(exported.find((e) => e.data.referenceNumber === reference)).toBeUndefined();
  });
});
