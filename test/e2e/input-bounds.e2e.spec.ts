import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { Role } from '../../src/auth/roles.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { withClient } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SUBMIT = 'mutation($i: SubmitFormInput!) { submitForm(input: $i, idempotencyKey: "deep-json-0001") { __typename } }';
const VALIDATE = 'query($d: JSON!) { validateSubmission(formId: "testantrag", version: "1.0", data: $d) { valid } }';
const SAVE = 'mutation($d: JSON!) { saveDraft(formId: "testantrag", version: "1.0", data: $d) { resumeToken } }';
const IMPORT = 'mutation($i: ImportDefinitionsInput!) { importDefinitions(input: $i) { errors { code } } }';

/** `{"x":{"x":…[[…]]…}}` as text, `depth` levels, the way an attacker sends it (no JSON.stringify recursion). */
const deepText = (depth: number) => `${'{"x":['.repeat(depth / 2)}1${']}'.repeat(depth / 2)}`;

describe('bounded input: JSON depth and size, body limits by operation', () => {
  let t: TestApp;
  let copy: CatalogCopy;
  let editor: Record<string, string>;
  const raw = async (body: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${t.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text) as Json };
  };
  const count = async (table: string) => Number((await withClient(t.databaseUrl, (c) => c.query(`select count(*) from ${table}`))).rows[0].count);

  beforeAll(async () => {
    copy = await CatalogCopy.of();
    t = await startTestApp({ env: { JSON_MAX_NODES: '5000', WORKER_ENABLED: 'false', IMPORT_MAX_BYTES: '200000' } });
    await t.app.get(CatalogSyncService).sync(copy.dir);
    editor = await bearer(t.config, Role.EDITOR, '03453004');
  });
  afterAll(async () => {
    await t?.close();
    await copy?.destroy();
  });

  it.each([
    ['submitForm', SUBMIT, (d: string) => `{"i":{"formId":"testantrag","version":"1.0","data":{"name":${d}}}}`],
    ['validateSubmission', VALIDATE, (d: string) => `{"d":{"name":${d}}}`],
    ['saveDraft', SAVE, (d: string) => `{"d":{"name":${d}}}`],
  ])('%s refuses JSON nested 10,000 levels deep with INPUT_TOO_DEEP and writes nothing', async (_name, query, variables) => {
    const body = `{"query":${JSON.stringify(query)},"variables":${variables(deepText(10_000))}}`;
    expect(body.length).toBeLessThan(102_400);
    const res = await raw(body);
    expect(res.body.errors?.[0].extensions?.code).toBe('INPUT_TOO_DEEP');
    expect(res.body.errors?.[0].message).toMatch(/zu tief verschachtelt.*64 Ebenen/);
    expect(await count('submission')).toBe(0);
    expect(await count('form_draft')).toBe(0);
  });

  it('refuses a deep literal written into the document itself', async () => {
    const literal = deepText(2_000).replace(/"x"/g, 'x');
    const res = await raw(JSON.stringify({ query: `{ validateSubmission(formId: "testantrag", version: "1.0", data: {name: ${literal}}) { valid } }` }));
    expect(res.body.errors?.[0].extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
    expect(res.status).toBe(400);
    expect(res.body.error?.code ?? res.body.errors?.[0].extensions?.code).toBe('INPUT_TOO_DEEP');
    const viaGet = await fetch(`${t.baseUrl}/graphql?query=${encodeURIComponent(`{ __typename ${'('.repeat(3000)} }`)}`);
    expect(viaGet.status).toBe(400);
    // deeper than JSON_MAX_DEPTH but within what the document check lets through: the scalar refuses it
    const scalar = await raw(JSON.stringify({ query: `{ validateSubmission(formId: "testantrag", version: "1.0", data: {name: ${deepText(70).replace(/"x"/g, 'x')}}) { valid } }` }));
    expect(scalar.body.errors?.[0].extensions?.code).toBe('INPUT_TOO_DEEP');
    const shallow = await raw(JSON.stringify({ query: `{ validateSubmission(formId: "testantrag", version: "1.0", data: {name: "Anna", liste: [[{a: 1}]]}) { valid } }` }));
    expect(shallow.body.errors).toBeUndefined();
  });

  it('refuses more values than JSON_MAX_NODES with INPUT_TOO_LARGE', async () => {
    const res = await raw(JSON.stringify({ query: SAVE, variables: { d: { name: new Array(6000).fill(0) } } }));
    expect(res.body.errors?.[0].extensions?.code).toBe('INPUT_TOO_LARGE');
    expect(await count('form_draft')).toBe(0);
    const fine = await raw(JSON.stringify({ query: VALIDATE, variables: { d: { name: 'Anna', liste: new Array(60).fill({ a: [1, 2] }) } } }));
    expect(fine.body.errors).toBeUndefined();
  });

  it('keeps 100 KB for every operation but importDefinitions, whatever the role', async () => {
    const padding = ' '.repeat(150_000);
    const notImport = await raw(JSON.stringify({ query: `{ __typename }${padding}` }), editor);
    expect(notImport.status).toBe(413);
    expect(notImport.body.error?.code ?? notImport.body.errors?.[0].extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    const validate = await raw(JSON.stringify({ query: VALIDATE, variables: { d: { name: padding } } }), editor);
    expect(validate.status).toBe(413);
    const mixed = await raw(JSON.stringify({ query: `mutation($i: ImportDefinitionsInput!) { importDefinitions(input: $i) { errors { code } } __typename }`, variables: { i: { organisationId: '03453004', content: padding } } }), editor);
    expect(mixed.status).toBe(413);
    // a second "query" key (JSON.parse keeps the last) cannot smuggle another operation past the check
    const smuggled = `{"query":${JSON.stringify(IMPORT)},"variables":{"i":{"organisationId":"03453004","content":"${padding}"}},"query":"{ __typename }"}`;
    expect((await raw(smuggled, editor)).status).toBe(413);
    // the query after large variables is not looked for: the small limit applies
    const late = `{"variables":{"i":{"organisationId":"03453004","content":"${padding}"}},"query":${JSON.stringify(IMPORT)}}`;
    expect((await raw(late, editor)).status).toBe(413);
    const admin = await bearer(t.config, Role.ADMIN, '03453');
    expect((await raw(JSON.stringify({ query: `{ __typename }${padding}` }), admin)).status).toBe(413);
    const importing = await raw(JSON.stringify({ query: IMPORT, variables: { i: { organisationId: '03453004', content: `<a>${padding}</a>`, lenient: true, dryRun: true } } }), editor);
    expect(importing.status).toBe(200);
    expect(importing.body.data.importDefinitions.errors[0].code).toBe('UNSUPPORTED_FORMAT');
  });
});
