import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { canonicalJson, sha256Hex } from '../../src/common/canonical-json.js';
import { isValidReferenceNumber } from '../../src/submissions/reference-number.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { withClient } from '../support/postgres.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SUBMIT = `mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) {
  __typename
  ... on SubmissionReceipt { referenceNumber accessCode submittedAt status formId formVersion organisationId }
  ... on SubmissionValidationError { message errors { field message } rjsfErrors truncated } } }`;
const VALID = { name: 'Anna Österreicher', gemeinde: '03453004', personen: [{ vorname: 'Anna', einkommen: '1200.50' }], zahlungsart: 'BAR', bestaetigt: true };

let keyCounter = 0;
const newKey = () => `test-key-${process.pid}-${++keyCounter}-${Date.now()}`;

describe('submitting forms', () => {
  let t: TestApp;
  let copy: CatalogCopy;
  const submit = (data: unknown, key = newKey(), extra: Json = {}) =>
    t.gql<{ submitForm: Json }>(SUBMIT, { i: { formId: 'testantrag', version: '1.0', data, ...extra }, k: key });
  const rows = (sql: string, params: unknown[] = []) => withClient(t.databaseUrl, (c) => c.query(sql, params)).then((r) => r.rows);

  beforeAll(async () => {
    copy = await CatalogCopy.of();
    t = await startTestApp({ env: { SUBMIT_RATE_LIMIT_PER_HOUR: '1000' } });
    await t.app.get(CatalogSyncService).sync(copy.dir);
  });
  afterAll(async () => {
    await t.close();
    await copy.destroy();
  });

  it('stores a valid submission with its canonical JSON and hash and returns a receipt', async () => {
    const res = await submit(VALID);
    const receipt = res.body.data!.submitForm;
    expect(receipt).toMatchObject({ __typename: 'SubmissionReceipt', status: 'IN_REVIEW', formId: 'testantrag', formVersion: '1.0' });
    expect(receipt.referenceNumber).toMatch(/^CLP-\d{4}-\d{6}-\d$/);
    expect(isValidReferenceNumber(receipt.referenceNumber)).toBe(true);
    expect(receipt.accessCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const [row] = await rows('select * from submission where reference_number = $1', [receipt.referenceNumber]);
    expect(row.data).toEqual(VALID);
    expect(row.canonical_json).toBe(canonicalJson(VALID));
    expect(row.sha256).toBe(sha256Hex(canonicalJson(VALID)));
    expect(row.locale).toBe('de');
    expect(row.access_code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(receipt.accessCode);
  });

  it('routes by the applicant\'s municipality, honouring overrides', async () => {
    // Cloppenburg overrides wohngeld's responsible unit; Friesoythe gets the county's unit
    const cloppenburg = (await submit(VALID)).body.data!.submitForm;
    const friesoythe = (await submit({ ...VALID, gemeinde: '03453007' })).body.data!.submitForm;
    expect(cloppenburg.organisationId).toBe('03453004');
    expect(friesoythe.organisationId).toBe('test-soziales');
  });

  it('answers invalid data with the validation errors and stores nothing', async () => {
    const [{ n: before }] = await rows('select count(*)::int as n from submission');
    const res = await submit({ ...VALID, zahlungsart: 'KONTO', name: '' });
    expect(res.body.data!.submitForm).toMatchObject({ __typename: 'SubmissionValidationError', message: 'Das Formular enthält Fehler; es wurde nichts übermittelt.' });
    expect(res.body.data!.submitForm.errors.map((e: Json) => e.field).sort()).toEqual(['/iban', '/name']);
    const [{ n: after }] = await rows('select count(*)::int as n from submission');
    expect(after).toBe(before);
  });

  it('returns the same receipt for the same key and payload, and IDEMPOTENCY_CONFLICT for another payload', async () => {
    const key = newKey();
    const first = (await submit(VALID, key)).body.data!.submitForm;
    const again = (await submit({ ...VALID }, key)).body.data!.submitForm;
    expect(again).toEqual(first);
    const other = await submit({ ...VALID, name: 'Jemand anders' }, key);
    expect(other.body.errors?.[0].extensions?.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(other.body.errors?.[0].message).toMatch(/Idempotenzschlüssel/);
    const [{ n }] = await rows('select count(*)::int as n from submission where reference_number = $1', [first.referenceNumber]);
    expect(n).toBe(1);
  });

  it('stores one row for 20 concurrent submissions with one key, and gives all 20 the same receipt', async () => {
    const key = newKey();
    const data = { ...VALID, name: 'Zwanzig Gleichzeitig' };
    const results = await Promise.all(Array.from({ length: 20 }, () => submit(data, key)));
    const receipts = results.map((r) => {
      expect(r.body.errors).toBeUndefined();
      return r.body.data!.submitForm;
    });
    for (const receipt of receipts) expect(receipt).toEqual(receipts[0]);
    const stored = await rows("select count(*)::int as n from submission where data->>'name' = 'Zwanzig Gleichzeitig'");
    expect(stored[0].n).toBe(1);
  });

  it('keeps idempotency keys for at least 72 hours', async () => {
    const key = newKey();
    await submit(VALID, key);
    const [row] = await rows('select extract(epoch from expires_at - created_at) / 3600 as hours from submission_idempotency_key where key = $1', [key]);
    expect(Number(row.hours)).toBeGreaterThanOrEqual(72);
  });

  it('lets an expired idempotency key be used again', async () => {
    const key = newKey();
    const first = (await submit(VALID, key)).body.data!.submitForm;
    await rows("update submission_idempotency_key set expires_at = now() - interval '1 second' where key = $1", [key]);
    const second = (await submit({ ...VALID, name: 'Neuer Antrag' }, key)).body.data!.submitForm;
    expect(second.__typename).toBe('SubmissionReceipt');
    expect(second.referenceNumber).not.toBe(first.referenceNumber);
  });

  it.each([
    ['a short idempotency key', { key: 'kurz' }, 'BAD_USER_INPUT'],
    ['data that is not an object', { data: ['a'] }, 'FORM_DATA_NOT_OBJECT'],
    ['an unknown form', { input: { formId: 'nichts' } }, 'FORM_NOT_FOUND'],
    ['an unknown version', { input: { version: '7.0' } }, 'FORM_VERSION_NOT_FOUND'],
    ['neither data nor draft', { data: null }, 'BAD_USER_INPUT'],
    ['a bad locale', { input: { locale: 'deutsch' } }, 'BAD_USER_INPUT'],
  ])('refuses %s', async (_name, change: Json, code) => {
    const res = await t.gql(SUBMIT, {
      i: { formId: 'testantrag', version: '1.0', data: 'data' in change ? change.data : VALID, ...change.input },
      k: change.key ?? newKey(),
    });
    expect(res.body.errors?.[0].extensions?.code).toBe(code);
  });

  describe('drafts', () => {
    const SAVE = 'mutation($f: ID!, $v: String!, $d: JSON!, $t: String) { saveDraft(formId: $f, version: $v, data: $d, resumeToken: $t) { resumeToken formId formVersion expiresAt } }';
    const LOAD = 'query($t: String!) { draft(resumeToken: $t) { formId formVersion data expiresAt } }';

    it('saves, updates, resumes and submits a draft, which is then gone', async () => {
      const saved = (await t.gql<Json>(SAVE, { f: 'testantrag', v: '1.0', d: { name: 'Halb' } })).body.data!.saveDraft;
      expect(saved.resumeToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const days = (new Date(saved.expiresAt).getTime() - Date.now()) / 86_400_000;
      expect(Math.round(days)).toBe(30);
      expect((await t.gql<Json>(LOAD, { t: saved.resumeToken })).body.data!.draft).toMatchObject({ formId: 'testantrag', data: { name: 'Halb' } });
      const updated = (await t.gql<Json>(SAVE, { f: 'testantrag', v: '1.0', d: VALID, t: saved.resumeToken })).body.data!.saveDraft;
      expect(updated.resumeToken).toBe(saved.resumeToken);
      const [stored] = await rows('select token_hash from form_draft where token_hash = encode(sha256($1::bytea), \'hex\')', [saved.resumeToken]);
      expect(stored).toBeDefined();
      const submitted = await t.gql<Json>(SUBMIT, { i: { formId: 'testantrag', version: '1.0', resumeToken: saved.resumeToken }, k: newKey() });
      expect(submitted.body.data!.submitForm.__typename).toBe('SubmissionReceipt');
      expect((await t.gql(LOAD, { t: saved.resumeToken })).body.errors?.[0].extensions?.code).toBe('DRAFT_NOT_FOUND');
    });

    it('expires drafts and never finds them by a wrong token', async () => {
      const saved = (await t.gql<Json>(SAVE, { f: 'testantrag', v: '1.0', d: { name: 'Alt' } })).body.data!.saveDraft;
      await rows("update form_draft set expires_at = now() - interval '1 second' where token_hash = encode(sha256($1::bytea), 'hex')", [saved.resumeToken]);
      const expired = await t.gql(LOAD, { t: saved.resumeToken });
      expect(expired.body.errors?.[0].extensions?.code).toBe('DRAFT_NOT_FOUND');
      expect(expired.body.errors?.[0].message).toBe('Der Entwurf wurde nicht gefunden oder ist abgelaufen.');
      expect((await t.gql(LOAD, { t: 'A'.repeat(43) })).body.errors?.[0].extensions?.code).toBe('DRAFT_NOT_FOUND');
      expect((await t.gql(LOAD, { t: 'kaputt' })).body.errors?.[0].extensions?.code).toBe('DRAFT_NOT_FOUND');
    });

    it('refuses drafts that are not objects or for unknown forms', async () => {
      expect((await t.gql(SAVE, { f: 'testantrag', v: '1.0', d: [1] })).body.errors?.[0].extensions?.code).toBe('FORM_DATA_NOT_OBJECT');
      expect((await t.gql(SAVE, { f: 'nichts', v: '1.0', d: {} })).body.errors?.[0].extensions?.code).toBe('FORM_NOT_FOUND');
    });
  });
});

describe('submitting: limits and form states', () => {
  let t: TestApp;
  let copy: CatalogCopy;
  beforeAll(async () => {
    copy = await CatalogCopy.of();
    t = await startTestApp({ env: { SUBMIT_RATE_LIMIT_PER_HOUR: '3' } });
    await t.app.get(CatalogSyncService).sync(copy.dir);
  });
  afterAll(async () => {
    await t.close();
    await copy.destroy();
  });

  it('limits anonymous submitting per client address with RATE_LIMITED', async () => {
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await t.gql<Json>(SUBMIT, { i: { formId: 'testantrag', version: '1.0', data: VALID }, k: newKey() }));
    expect(results.slice(0, 3).map((r) => r.body.data?.submitForm.__typename)).toEqual(['SubmissionReceipt', 'SubmissionReceipt', 'SubmissionReceipt']);
    expect(results[3].body.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 3600 });
    expect(results[3].body.errors?.[0].message).toMatch(/Zu viele Anfragen/);
  });

  it('refuses unpublished and retired versions with their own codes', async () => {
    const form = await copy.read<Json>('forms/testantrag/1.0.json');
    await copy.write('forms/testantrag/2.0.json', { ...form, version: '2.0', status: 'DRAFT' });
    await copy.write('forms/testantrag/1.0.json', { ...form, status: 'RETIRED' });
    await t.app.get(CatalogSyncService).sync(copy.dir);
    const draft = await t.gql(SUBMIT, { i: { formId: 'testantrag', version: '2.0', data: VALID }, k: newKey() });
    expect(draft.body.errors?.[0].extensions?.code).toBe('FORM_VERSION_NOT_PUBLISHED');
    const retired = await t.gql(SUBMIT, { i: { formId: 'testantrag', version: '1.0', data: VALID }, k: newKey() });
    expect(retired.body.errors?.[0].extensions?.code).toBe('FORM_RETIRED');
    expect(retired.body.errors?.[0].message).toBe('Dieses Formular wird nicht mehr angenommen. Bitte verwenden Sie die aktuelle Version.');
  });
});
