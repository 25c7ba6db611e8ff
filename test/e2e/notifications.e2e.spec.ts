import { SMTPServer } from 'smtp-server';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { Role } from '../../src/auth/roles.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { freePort, withClient } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';
import { sampleFile } from '../../src/attachments/sample-files.js';
import { upload } from '../support/uploads.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SUBMIT = `mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) { ... on SubmissionReceipt { referenceNumber accessCode status } } }`;

/** The completeness rule on receipt, and e-mails to the applicant through a local SMTP receiver. */
describe('receipt automation and applicant e-mails', () => {
  let t: TestApp;
  let copy: CatalogCopy;
  let smtp: SMTPServer;
  const mails: Array<{ to: string; raw: string }> = [];
  let key = 0;
  const submit = (data: Json) =>
    t.gql<Json>(SUBMIT, { i: { formId: 'nachweisantrag', version: '1.0', data }, k: `mail-${Date.now()}-${++key}` }).then((r) => r.body.data!.submitForm);
  const mailsTo = (to: string) => mails.filter((m) => m.to === to);
  async function until<T>(probe: () => T | undefined): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const v = probe();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('timed out');
  }

  beforeAll(async () => {
    const port = await freePort();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
        stream.on('end', () => {
          for (const rcpt of session.envelope.rcptTo) mails.push({ to: rcpt.address, raw });
          callback();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(port, '127.0.0.1', r));
    copy = await CatalogCopy.of();
    t = await startTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Landkreis <portal@example.org>', WORKER_ENABLED: 'true', SUBMIT_RATE_LIMIT_PER_HOUR: '1000' } });
    await t.app.get(CatalogSyncService).sync(copy.dir);
  });
  afterAll(async () => {
    await t.close();
    await copy.destroy();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  it('moves a complete submission to IN_REVIEW and mails the applicant', async () => {
    const uploaded = await upload(t.baseUrl, { formId: 'nachweisantrag', version: '1.0', field: '/nachweis' }, { name: 'n.pdf', type: 'application/pdf', data: sampleFile('application/pdf') });
    expect(uploaded.status).toBe(201);
    const receipt = await submit({ email: 'komplett@example.org', nachweis: { attachmentId: uploaded.body.attachmentId, fileName: 'n.pdf' } });
    expect(receipt.status).toBe('IN_REVIEW');
    const [mail] = await until(() => (mailsTo('komplett@example.org').length ? mailsTo('komplett@example.org') : undefined));
    expect(mail.raw).toMatch(/Subject: =\?UTF-8\?Q\?Ihr_Antrag_|Subject: Ihr Antrag /);
    expect(mail.raw).toContain(receipt.referenceNumber);
  });

  it('requests missing documents on its own and says which, then mails every status change', async () => {
    const receipt = await submit({ email: 'fehlt@example.org' });
    expect(receipt.status).toBe('DOCUMENTS_REQUESTED');
    const status = await t.gql<Json>('query($r: String!, $c: String!) { submissionStatus(referenceNumber: $r, accessCode: $c) { outstandingDocuments } }', {
      r: receipt.referenceNumber,
      c: receipt.accessCode,
    });
    expect(status.body.data!.submissionStatus.outstandingDocuments).toEqual(['Nachweis']);
    const [first] = await until(() => (mailsTo('fehlt@example.org').length ? mailsTo('fehlt@example.org') : undefined));
    expect(first.raw).toContain('Nachweis');

    const caseworker = await bearer(t.config, Role.CASEWORKER, 'test-verkehr');
    const [{ id }] = (await withClient(t.databaseUrl, (c) => c.query('select id from submission where reference_number = $1', [receipt.referenceNumber]))).rows;
    const moved = await t.gql<Json>('mutation($id: ID!) { transitionSubmission(id: $id, to: IN_REVIEW, expectedVersion: 2, publicNote: "Danke, alles da.") { status } }', { id }, caseworker);
    expect(moved.body.errors).toBeUndefined();
    const all = await until(() => (mailsTo('fehlt@example.org').length >= 2 ? mailsTo('fehlt@example.org') : undefined));
    expect(all[1].raw).toMatch(/Danke, alles da\./);
  });
});
