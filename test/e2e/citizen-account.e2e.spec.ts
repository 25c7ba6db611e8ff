import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, importJWK, exportJWK } from 'jose';
import { sampleFile } from '../../src/attachments/sample-files.js';
import { Role } from '../../src/auth/roles.js';
import { CitizenTokenVerifier } from '../../src/auth/citizen-token-verifier.service.js';
import { DEV_CITIZEN_ISSUER, claimValueFor, signDevCitizenToken } from '../../src/auth/dev-citizen-token.js';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { projectRoot } from '../../src/common/project-root.js';
import { LotseError } from '../../src/common/errors/lotse.error.js';
import { loadConfig } from '../../src/config/config.js';
import { formatReferenceNumber } from '../../src/submissions/reference-number.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { CITIZEN_AUDIENCE, EIDAS, startCitizenIdp, type CitizenIdp } from '../support/citizen-idp.js';
import { withClient } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';
import { upload } from '../support/uploads.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const WBK = 'waffenbesitzkarte-antrag';
const example = (form: string, name: string) => JSON.parse(readFileSync(join(projectRoot(), 'catalog', 'forms', form, 'examples', name), 'utf8')).data as Json;
const SUBMIT = `mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) {
  __typename ... on SubmissionReceipt { referenceNumber accessCode } ... on SubmissionValidationError { errors { field message } } } }`;
const ME = '{ me { id trustLevel } }';
const MINE = `query($s: SubmissionStatus, $first: Int, $after: String) { myApplications(filter: { status: $s }, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { referenceNumber formId title status statusLabel trustLevel locked timeline { status } documents { id title sha256 } documentRequests { id } delivery { state } } } } }`;
const ONE = `query($r: String!) { myApplication(referenceNumber: $r) { referenceNumber formId title trustLevel locked status timeline { status statusLabel } documents { id title sha256 } delivery { state updatedAt } } }`;
const LINK = `mutation($r: String!, $c: String!) { linkSubmission(referenceNumber: $r, accessCode: $c) { referenceNumber locked trustLevel } }`;
const UNLINK = `mutation($r: String!) { unlinkSubmission(referenceNumber: $r) }`;
const SAVE = `mutation($f: ID!, $v: String!, $d: JSON!, $t: String) { saveDraft(formId: $f, version: $v, data: $d, resumeToken: $t) { id resumeToken } }`;
const DRAFTS = `query($first: Int, $after: String) { myDrafts(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id formId data } } } }`;
const DRAFT = `query($id: ID!) { myDraft(id: $id) { id formId data } }`;
const PUBLIC = `{ form(id: "${WBK}") { id access { account minTrustLevel } } }`;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const codeOf = (r: { body: Json }) => r.body.errors?.[0]?.extensions?.code;
/** What a client sees of an error: code, message and every extension. */
const answerOf = (r: { body: Json }) => ({ data: r.body.data ?? null, errors: r.body.errors?.map((e: Json) => ({ message: e.message, extensions: e.extensions })) });
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('citizen account: sign-in with trust level, my applications, linking', () => {
  let idp: CitizenIdp;
  let t: TestApp;
  let high: string;
  let substantial: string;
  const files = { sachkunde: sampleFile('application/pdf', 5000, { text: 'Sachkundenachweis' }), jagdschein: sampleFile('image/jpeg', 40_000) };
  let wbk: Json; // the HOCH receipt
  let unknownSeq = 900_000;
  const unknownReference = () => formatReferenceNumber(t.config.referencePrefix, new Date().getFullYear(), (unknownSeq += 1));
  const dev = (sub: string, level: 'BASIS' | 'SUBSTANTIELL' | 'HOCH') =>
    signDevCitizenToken(t.config.devTokenSecret!, { sub, trust: [t.config.citizenTrustClaim, claimValueFor(level, t.config.citizenTrustMap)], audience: t.config.citizenOidcAudience });
  const countRows = async () =>
    (await withClient(t.databaseUrl, (c) => c.query(`select (select count(*) from submission)::int as s, (select count(*) from attachment where bound_at is not null)::int as a, (select count(*) from submission_idempotency_key)::int as k, (select coalesce(sum(count), 0)::int from rate_limit_bucket where key like 'submit:%') as r`))).rows[0];

  async function uploadWbk(token?: string): Promise<Json> {
    const headers = token ? auth(token) : {};
    const a = await upload(t.baseUrl, { formId: WBK, version: '1.0', field: '/sachkundenachweis' }, { name: 'Sachkunde.pdf', type: 'application/pdf', data: files.sachkunde }, headers);
    const b = await upload(t.baseUrl, { formId: WBK, version: '1.0', field: '/beduerfnisnachweis' }, { name: 'Jagdschein.jpg', type: 'image/jpeg', data: files.jagdschein }, headers);
    expect([a.status, b.status]).toEqual([201, 201]);
    const ref = ({ sha256: _s, ...rest }: Json) => rest;
    return { ...example(WBK, 'valid-jaegerin-zwei-waffen.json'), sachkundenachweis: ref(a.body), beduerfnisnachweis: ref(b.body) };
  }
  async function anonymousSubmission(key: string): Promise<Json> {
    const r = await t.gql<Json>(SUBMIT, { i: { formId: 'musikschule-anmeldung', version: '1.0', data: example('musikschule-anmeldung', 'valid-erwachsene-gesang.json') }, k: key });
    expect(r.body.data?.submitForm.__typename).toBe('SubmissionReceipt');
    return r.body.data!.submitForm;
  }

  beforeAll(async () => {
    idp = await startCitizenIdp();
    t = await startTestApp({ env: { CITIZEN_OIDC_ISSUER: idp.issuer, CITIZEN_JWKS_COOLDOWN_SECONDS: '0', SUBMIT_RATE_LIMIT_PER_HOUR: '1000', ATTACHMENT_RATE_LIMIT_PER_HOUR: '1000' } });
    await t.app.get(CatalogSyncService).sync(join(projectRoot(), 'catalog'));
    high = await idp.signIn('citizen-anna', EIDAS.high);
    substantial = await idp.signIn('citizen-anna', EIDAS.substantial);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await idp?.stop().catch(() => undefined);
  });

  it('signs in at the IdP (code flow with PKCE) and maps acr to the trust level; the account is the same for both levels', async () => {
    const payload = JSON.parse(Buffer.from(high.split('.')[1], 'base64url').toString('utf8'));
    expect(payload).toMatchObject({ iss: idp.issuer, sub: 'citizen-anna', aud: CITIZEN_AUDIENCE, acr: EIDAS.high });
    const a = await t.gql<Json>(ME, undefined, auth(high));
    const b = await t.gql<Json>(ME, undefined, auth(substantial));
    expect(a.body.data!.me.trustLevel).toBe('HOCH');
    expect(b.body.data!.me.trustLevel).toBe('SUBSTANTIELL');
    expect(a.body.data!.me.id).toBe(b.body.data!.me.id);
    const low = await t.gql<Json>(ME, undefined, auth(await idp.signIn('citizen-anna', EIDAS.low)));
    expect(low.body.data!.me).toEqual({ id: a.body.data!.me.id, trustLevel: 'BASIS' });
    const other = await t.gql<Json>(ME, undefined, auth(await idp.signIn('citizen-bert', EIDAS.high)));
    expect(other.body.data!.me.id).not.toBe(a.body.data!.me.id);
    // the development citizen token (npm run token -- --citizen) works outside production
    expect((await t.gql<Json>(ME, undefined, auth(await dev('dev-citizen', 'HOCH')))).body.data!.me.trustLevel).toBe('HOCH');
  });

  it('serves Form.access: the HOCH form requires an account, existing forms stay optional', async () => {
    expect((await t.gql<Json>(PUBLIC)).body.data!.form.access).toEqual({ account: 'REQUIRED', minTrustLevel: 'HOCH' });
    const other = await t.gql<Json>('{ form(id: "musikschule-anmeldung") { access { account minTrustLevel } } }');
    expect(other.body.data!.form.access).toEqual({ account: 'OPTIONAL', minTrustLevel: null });
  });

  it('refuses the HOCH form anonymously (ACCOUNT_REQUIRED) and at substantial (TRUST_LEVEL_INSUFFICIENT), storing and counting nothing', async () => {
    const data = await uploadWbk();
    const before = await countRows();
    const anonymous = await t.gql<Json>(SUBMIT, { i: { formId: WBK, version: '1.0', data }, k: 'wbk-anonymous-1' });
    expect(codeOf(anonymous)).toBe('ACCOUNT_REQUIRED');
    expect(anonymous.body.errors![0].message).toMatch(/Nutzerkonto/);
    const low = await t.gql<Json>(SUBMIT, { i: { formId: WBK, version: '1.0', data }, k: 'wbk-substantial-1' }, auth(substantial));
    expect(codeOf(low)).toBe('TRUST_LEVEL_INSUFFICIENT');
    expect(low.body.errors![0].extensions).toMatchObject({ required: 'HOCH', actual: 'SUBSTANTIELL' });
    expect(await countRows()).toEqual(before);
    // the uploads are still free: the same data goes through at HOCH
    const ok = await t.gql<Json>(SUBMIT, { i: { formId: WBK, version: '1.0', data }, k: 'wbk-high-1' }, auth(high));
    expect(ok.body.data!.submitForm.__typename).toBe('SubmissionReceipt');
    wbk = ok.body.data!.submitForm;
    const row = (await withClient(t.databaseUrl, (c) => c.query('select trust_level, citizen_account_id from submission where reference_number = $1', [wbk.referenceNumber]))).rows[0];
    expect(row.trust_level).toBe('HOCH');
    expect(row.citizen_account_id).toBe((await t.gql<Json>(ME, undefined, auth(high))).body.data!.me.id);
  });

  it('lists the HOCH application in myApplications and opens it with documents, timeline and bearer downloads', async () => {
    const list = await t.gql<Json>(MINE, {}, auth(high));
    expect(list.body.errors).toBeUndefined();
    const node = list.body.data!.myApplications.edges.map((e: Json) => e.node).find((n: Json) => n.referenceNumber === wbk.referenceNumber);
    // the same as the applicant's view with the access code
    const { status: current, ...status } = (await t.gql<Json>('query($r: String!, $c: String!) { submissionStatus(referenceNumber: $r, accessCode: $c) { status timeline { status statusLabel } documents { id title sha256 } } }', { r: wbk.referenceNumber, c: wbk.accessCode })).body.data!.submissionStatus;
    expect(node).toMatchObject({ formId: WBK, title: 'Antrag auf Erteilung einer Waffenbesitzkarte', status: current, trustLevel: 'HOCH', locked: false, delivery: null });
    const one = (await t.gql<Json>(ONE, { r: wbk.referenceNumber }, auth(high))).body.data!.myApplication;
    expect(one.status).toBe(current);
    expect(one.timeline).toEqual(status.timeline);
    expect(one.documents).toEqual(status.documents);
    expect(one.documents.map((d: Json) => d.sha256).sort()).toEqual([sha(files.sachkunde), sha(files.jagdschein)].sort());
    const doc = one.documents.find((d: Json) => d.sha256 === sha(files.sachkunde));
    const res = await fetch(`${t.baseUrl}/me/submissions/${wbk.referenceNumber}/documents/${doc.id}`, { headers: auth(high) });
    expect(res.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), files.sachkunde)).toBe(0);
    const pdf = await fetch(`${t.baseUrl}/me/submissions/${wbk.referenceNumber}/application.pdf`, { headers: auth(high) });
    expect([pdf.status, pdf.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    // without a token: 401
    expect((await fetch(`${t.baseUrl}/me/submissions/${wbk.referenceNumber}/application.pdf`)).status).toBe(401);
  });

  it('locks a HOCH application for a substantial sign-in: listed locked, opening and downloading give TRUST_LEVEL_INSUFFICIENT', async () => {
    const list = await t.gql<Json>(MINE, {}, auth(substantial));
    const node = list.body.data!.myApplications.edges.map((e: Json) => e.node).find((n: Json) => n.referenceNumber === wbk.referenceNumber);
    expect(node).toMatchObject({ locked: true, trustLevel: 'HOCH', timeline: [], documents: [], documentRequests: [], delivery: null });
    const one = await t.gql<Json>(ONE, { r: wbk.referenceNumber }, auth(substantial));
    expect(codeOf(one)).toBe('TRUST_LEVEL_INSUFFICIENT');
    expect(one.body.errors![0].extensions).toMatchObject({ required: 'HOCH', actual: 'SUBSTANTIELL' });
    const pdf = await fetch(`${t.baseUrl}/me/submissions/${wbk.referenceNumber}/application.pdf`, { headers: auth(substantial) });
    expect(pdf.status).toBe(403);
    expect(((await pdf.json()) as Json).error).toMatchObject({ code: 'TRUST_LEVEL_INSUFFICIENT', required: 'HOCH', actual: 'SUBSTANTIELL' });
    expect(codeOf(await t.gql<Json>(UNLINK, { r: wbk.referenceNumber }, auth(substantial)))).toBe('TRUST_LEVEL_INSUFFICIENT');
  });

  it('refuses bad citizen tokens with UNAUTHENTICATED while public queries still answer', async () => {
    const now = Math.floor(Date.now() / 1000);
    const base = { iss: idp.issuer, sub: 'citizen-anna', aud: CITIZEN_AUDIENCE, acr: EIDAS.high, iat: now, exp: now + 600 };
    const kid = JSON.parse(Buffer.from(high.split('.')[0], 'base64url').toString()).kid as string;
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forgedKey = await importJWK({ ...(await exportJWK(privateKey)), alg: 'RS256' });
    const secret = new TextEncoder().encode('a-shared-secret-the-idp-never-uses-0123456789');
    const [h, p] = high.split('.');
    const bad: Record<string, string> = {
      expired: await idp.sign({ ...base, iat: now - 3600, exp: now - 600 }),
      'not yet valid (nbf)': await idp.sign({ ...base, nbf: now + 3600 }),
      'issued in the future (iat)': await idp.sign({ ...base, iat: now + 3600, exp: now + 7200 }),
      forged: await new SignJWT(base).setProtectedHeader({ alg: 'RS256', kid }).sign(forgedKey),
      'changed payload': `${h}.${Buffer.from(JSON.stringify({ ...base, sub: 'citizen-bert' })).toString('base64url')}.${high.split('.')[2]}`,
      'wrong audience': await idp.sign({ ...base, aud: 'lotse' }),
      'alg none': `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`,
      HS256: await new SignJWT(base).setProtectedHeader({ alg: 'HS256', kid }).sign(secret),
      'no sub': await idp.sign({ ...base, sub: undefined }),
    };
    for (const [name, token] of Object.entries(bad)) {
      const me = await t.gql<Json>(ME, undefined, auth(token));
      expect([name, codeOf(me), me.body.data?.me ?? null]).toEqual([name, 'UNAUTHENTICATED', null]);
      const pub = await t.gql<Json>(PUBLIC, undefined, auth(token));
      expect([name, pub.body.errors, pub.body.data?.form.id]).toEqual([name, undefined, WBK]);
      // a refused citizen token is never taken as anonymous where an account changes the outcome
      expect([name, codeOf(await t.gql<Json>(SAVE, { f: 'musikschule-anmeldung', v: '1.0', d: {} }, auth(token)))]).toEqual([name, 'UNAUTHENTICATED']);
    }
    // another issuer: not a citizen token at all (the staff verifier refuses it)
    const stranger = await idp.sign({ ...base, iss: 'https://idp.example.org' });
    expect(codeOf(await t.gql<Json>(ME, undefined, auth(stranger)))).toBe('UNAUTHENTICATED');
  });

  it('keeps citizens and staff apart: citizen token on caseworker fields FORBIDDEN, staff token on citizen fields FORBIDDEN', async () => {
    const cases = await t.gql<Json>('{ submissions { totalCount } }', undefined, auth(high));
    expect(codeOf(cases)).toBe('FORBIDDEN');
    const caseworker = await bearer(t.config, Role.CASEWORKER, '03453');
    expect(codeOf(await t.gql<Json>(ME, undefined, caseworker))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql<Json>(MINE, {}, caseworker))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql<Json>(ME))).toBe('UNAUTHENTICATED');
    const pdf = await fetch(`${t.baseUrl}/submissions/${randomUUID()}/application.pdf`, { headers: auth(high) });
    expect(pdf.status).toBe(403);
  });

  it('links a submission made without an account: idempotent, NOT_FOUND for wrong code and for another account, unlink', async () => {
    const receipt = await anonymousSubmission('link-anonymous-1');
    const linked = await t.gql<Json>(LINK, { r: receipt.referenceNumber, c: receipt.accessCode }, auth(substantial));
    expect(linked.body.data!.linkSubmission).toEqual({ referenceNumber: receipt.referenceNumber, locked: false, trustLevel: null });
    expect((await t.gql<Json>(LINK, { r: receipt.referenceNumber, c: receipt.accessCode }, auth(high))).body.data!.linkSubmission.referenceNumber).toBe(receipt.referenceNumber);
    const current = (await t.gql<Json>('query($r: String!, $c: String!) { submissionStatus(referenceNumber: $r, accessCode: $c) { status } }', { r: receipt.referenceNumber, c: receipt.accessCode })).body.data!.submissionStatus.status;
    const mine = (await t.gql<Json>(MINE, { s: current }, auth(substantial))).body.data!.myApplications;
    expect(mine.edges.map((e: Json) => e.node.referenceNumber)).toContain(receipt.referenceNumber);
    const closed = (await t.gql<Json>(MINE, { s: 'CLOSED' }, auth(substantial))).body.data!.myApplications;
    expect(closed.edges.map((e: Json) => e.node.referenceNumber)).not.toContain(receipt.referenceNumber);
    const bert = await idp.signIn('citizen-bert', EIDAS.high);
    const elsewhere = await t.gql<Json>(LINK, { r: receipt.referenceNumber, c: receipt.accessCode }, auth(bert));
    const wrong = await t.gql<Json>(LINK, { r: receipt.referenceNumber, c: 'ABCD-EFGH-JKLM' }, auth(bert));
    const unknown = await t.gql<Json>(LINK, { r: unknownReference(), c: receipt.accessCode }, auth(bert));
    expect(codeOf(elsewhere)).toBe('NOT_FOUND');
    expect(answerOf(elsewhere)).toEqual(answerOf(unknown));
    expect(answerOf(wrong)).toEqual(answerOf(unknown));
    expect(codeOf(await t.gql<Json>(ONE, { r: receipt.referenceNumber }, auth(bert)))).toBe('NOT_FOUND');
    // unlink: gone from the account, the access code still works, another account may now link it
    expect((await t.gql<Json>(UNLINK, { r: receipt.referenceNumber }, auth(substantial))).body.data!.unlinkSubmission).toBe(true);
    expect(codeOf(await t.gql<Json>(ONE, { r: receipt.referenceNumber }, auth(substantial)))).toBe('NOT_FOUND');
    expect((await t.gql<Json>(LINK, { r: receipt.referenceNumber, c: receipt.accessCode }, auth(bert))).body.data!.linkSubmission.referenceNumber).toBe(receipt.referenceNumber);
  });

  it('limits link failures: 10 per reference and hour (shared with submissionStatus), 20 per account and hour', async () => {
    const receipt = await anonymousSubmission('link-limit-1');
    const tries = async (token: string, n: number, reference: () => string) => {
      const codes: string[] = [];
      for (let i = 0; i < n; i += 1) codes.push(codeOf(await t.gql<Json>(LINK, { r: reference(), c: 'ABCD-EFGH-JKLM' }, auth(token))));
      return codes;
    };
    // per reference: ten accounts try once each, then the right code is refused too for this hour
    const perReference: string[] = [];
    for (let i = 0; i < 10; i += 1) perReference.push(...(await tries(await dev(`ref-attacker-${i}`, 'BASIS'), 1, () => receipt.referenceNumber)));
    expect(perReference).toEqual(Array(10).fill('NOT_FOUND'));
    expect(codeOf(await t.gql<Json>(LINK, { r: receipt.referenceNumber, c: receipt.accessCode }, auth(high)))).toBe('RATE_LIMITED');
    // per account: 20 failures on different references, then RATE_LIMITED even for a right code elsewhere
    const attacker = await dev('account-attacker', 'HOCH');
    expect(await tries(attacker, 20, unknownReference)).toEqual(Array(20).fill('NOT_FOUND'));
    const other = await anonymousSubmission('link-limit-2');
    const limited = await t.gql<Json>(LINK, { r: other.referenceNumber, c: other.accessCode }, auth(attacker));
    expect(codeOf(limited)).toBe('RATE_LIMITED');
    expect((await t.gql<Json>(LINK, { r: other.referenceNumber, c: other.accessCode }, auth(high))).body.data!.linkSubmission.referenceNumber).toBe(other.referenceNumber);
  });

  it('binds drafts saved signed in to the account: myDrafts, myDraft, and nobody else resumes them', async () => {
    const data = { schueler: { vorname: 'Anna' } };
    const saved = await t.gql<Json>(SAVE, { f: 'musikschule-anmeldung', v: '1.0', d: data }, auth(high));
    expect(saved.body.errors).toBeUndefined();
    const { id, resumeToken } = saved.body.data!.saveDraft;
    const list = (await t.gql<Json>(DRAFTS, {}, auth(substantial))).body.data!.myDrafts;
    expect(list.edges.map((e: Json) => e.node)).toContainEqual({ id, formId: 'musikschule-anmeldung', data });
    expect((await t.gql<Json>(DRAFT, { id }, auth(substantial))).body.data!.myDraft).toEqual({ id, formId: 'musikschule-anmeldung', data });
    const bert = await dev('citizen-bert-drafts', 'HOCH');
    const foreign = await t.gql<Json>(DRAFT, { id }, auth(bert));
    const unknown = await t.gql<Json>(DRAFT, { id: randomUUID() }, auth(bert));
    expect(codeOf(foreign)).toBe('DRAFT_NOT_FOUND');
    expect(answerOf(foreign)).toEqual(answerOf(unknown));
    // the resume token alone no longer opens an account's draft
    expect(codeOf(await t.gql<Json>('query($t: String!) { draft(resumeToken: $t) { id } }', { t: resumeToken }))).toBe('DRAFT_NOT_FOUND');
    expect(codeOf(await t.gql<Json>('query($t: String!) { draft(resumeToken: $t) { id } }', { t: resumeToken }, auth(bert)))).toBe('DRAFT_NOT_FOUND');
    expect((await t.gql<Json>('query($t: String!) { draft(resumeToken: $t) { id } }', { t: resumeToken }, auth(high))).body.data!.draft.id).toBe(id);
    // pages
    for (let i = 0; i < 3; i += 1) await t.gql<Json>(SAVE, { f: 'musikschule-anmeldung', v: '1.0', d: { n: i } }, auth(high));
    const first = (await t.gql<Json>(DRAFTS, { first: 2 }, auth(high))).body.data!.myDrafts;
    const second = (await t.gql<Json>(DRAFTS, { first: 2, after: first.pageInfo.endCursor }, auth(high))).body.data!.myDrafts;
    expect(first.totalCount).toBe(4);
    expect([first.edges.length, first.pageInfo.hasNextPage, second.edges.length, second.pageInfo.hasNextPage]).toEqual([2, true, 2, false]);
    expect(new Set([...first.edges, ...second.edges].map((e: Json) => e.node.id)).size).toBe(4);
  });

  it('0 cross-account reads over 1,000 tries (references, documents, drafts, wrong-code links), each answer equal to an unknown reference\'s', async () => {
    // the victim: the HOCH account with its application (documents) and a draft, plus 30 submissions made without an account
    const victimDraft = (await t.gql<Json>(SAVE, { f: 'musikschule-anmeldung', v: '1.0', d: { geheim: 'ja' } }, auth(high))).body.data!.saveDraft.id as string;
    const victimDocs = ((await t.gql<Json>(ONE, { r: wbk.referenceNumber }, auth(high))).body.data!.myApplication.documents as Json[]).map((d) => d.id as string);
    const anonymous: Json[] = [];
    for (let i = 0; i < 30; i += 1) anonymous.push(await anonymousSubmission(`cross-account-${i}`));
    const victimRefs = [wbk.referenceNumber as string];
    const attackers: string[] = [];
    for (let i = 0; i < 20; i += 1) attackers.push(await dev(`attacker-${i}`, 'HOCH'));
    const rest = async (path: string, token: string) => {
      const res = await fetch(`${t.baseUrl}${path}`, { headers: auth(token) });
      const body = (await res.json()) as Json;
      return { status: res.status, code: body.error?.code, message: body.error?.message };
    };
    const baseline = {
      reference: answerOf(await t.gql<Json>(ONE, { r: unknownReference() }, auth(attackers[0]))),
      document: await rest(`/me/submissions/${unknownReference()}/documents/${randomUUID()}`, attackers[0]),
      draft: answerOf(await t.gql<Json>(DRAFT, { id: randomUUID() }, auth(attackers[0]))),
      link: answerOf(await t.gql<Json>(LINK, { r: unknownReference(), c: 'ABCD-EFGH-JKLM' }, auth(attackers[0]))),
    };
    expect(baseline.reference.errors![0].extensions.code).toBe('NOT_FOUND');
    expect(baseline.document).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(baseline.draft.errors![0].extensions.code).toBe('DRAFT_NOT_FOUND');
    expect(baseline.link.errors![0].extensions.code).toBe('NOT_FOUND');
    const results = { tries: 0, reads: 0, different: [] as string[] };
    const check = (kind: string, answer: unknown, expected: unknown) => {
      results.tries += 1;
      if (JSON.stringify(answer) !== JSON.stringify(expected)) results.different.push(`${kind}: ${JSON.stringify(answer)}`);
    };
    for (let i = 0; i < 250; i += 1) {
      const attacker = attackers[i % attackers.length];
      const reference = answerOf(await t.gql<Json>(ONE, { r: victimRefs[0] }, auth(attacker)));
      if (reference.data?.myApplication) results.reads += 1;
      check('reference', reference, baseline.reference);
      const document = await rest(`/me/submissions/${wbk.referenceNumber}/${i % 2 ? 'application.pdf' : `documents/${victimDocs[i % victimDocs.length]}`}`, attacker);
      if (document.status === 200) results.reads += 1;
      check('document', document, baseline.document);
      const draft = answerOf(await t.gql<Json>(DRAFT, { id: victimDraft }, auth(attacker)));
      if (draft.data?.myDraft) results.reads += 1;
      check('draft', draft, baseline.draft);
      // wrong-code links: each reference at most 9 failures (the per-reference limit is 10), each account at most 13
      const target = anonymous[i % anonymous.length];
      const linker = await dev(`linker-${Math.floor(i / 13)}`, 'HOCH');
      const link = answerOf(await t.gql<Json>(LINK, { r: target.referenceNumber, c: `WRONG-${String(i).padStart(4, '0')}-CODE` }, auth(linker)));
      if (link.data?.linkSubmission) results.reads += 1;
      check('link', link, baseline.link);
    }
    expect(results.tries).toBe(1000);
    expect(results.reads).toBe(0);
    expect(results.different).toEqual([]);
    // and nothing got linked
    const linked = await withClient(t.databaseUrl, (c) => c.query('select count(*)::int as n from submission where reference_number = any($1) and citizen_account_id is not null', [anonymous.map((a) => a.referenceNumber)]));
    expect(linked.rows[0].n).toBe(0);
  }, 300_000);

  it('takes a new IdP key after one JWKS refetch and refuses the removed one', async () => {
    expect(codeOf(await t.gql<Json>(ME, undefined, auth(high)))).toBeUndefined();
    idp.rotateKeys();
    const fresh = await idp.signIn('citizen-anna', EIDAS.high);
    const before = idp.jwksFetches();
    const me = await t.gql<Json>(ME, undefined, auth(fresh));
    expect(me.body.data!.me.trustLevel).toBe('HOCH');
    expect(idp.jwksFetches()).toBe(before + 1);
    // the new key is cached now: no further fetch
    await t.gql<Json>(ME, undefined, auth(fresh));
    expect(idp.jwksFetches()).toBe(before + 1);
    expect(codeOf(await t.gql<Json>(ME, undefined, auth(high)))).toBe('UNAUTHENTICATED');
    high = fresh;
  });

  it('answers SERVICE_UNAVAILABLE on citizen fields only while the IdP is down', async () => {
    idp.rotateKeys();
    const unseenKid = await idp.signIn('citizen-anna', EIDAS.high);
    await idp.stop();
    const me = await t.gql<Json>(ME, undefined, auth(unseenKid));
    expect(codeOf(me)).toBe('SERVICE_UNAVAILABLE');
    expect(codeOf(await t.gql<Json>(SUBMIT, { i: { formId: 'musikschule-anmeldung', version: '1.0', data: example('musikschule-anmeldung', 'valid-erwachsene-gesang.json') }, k: 'idp-down-citizen' }, auth(unseenKid)))).toBe('SERVICE_UNAVAILABLE');
    // nothing else is affected: public fields (even with that token), staff fields, anonymous submissions
    expect((await t.gql<Json>(PUBLIC, undefined, auth(unseenKid))).body.data!.form.id).toBe(WBK);
    const staff = await t.gql<Json>('{ submissions { totalCount } }', undefined, await bearer(t.config, Role.CASEWORKER, '03453'));
    expect(staff.body.errors).toBeUndefined();
    await anonymousSubmission('idp-down-anonymous');
  });

  it('IdP unreachable from the start (discovery fails): SERVICE_UNAVAILABLE; production refuses development citizen tokens', async () => {
    const down = new CitizenTokenVerifier(loadConfig({ NODE_ENV: 'test', CITIZEN_OIDC_ISSUER: idp.issuer }));
    const token = await idp.sign({ iss: idp.issuer, sub: 'x', aud: CITIZEN_AUDIENCE, iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 60 }).catch(() => high);
    await expect(down.verify(token, idp.issuer)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    const production = new CitizenTokenVerifier(loadConfig({ NODE_ENV: 'production', ACCESS_CODE_SECRET: 'x'.repeat(40), CITIZEN_OIDC_ISSUER: 'https://id.example.org', DEV_TOKEN_SECRET: 'y'.repeat(40) }));
    expect(production.isCitizenIssuer(DEV_CITIZEN_ISSUER)).toBe(false);
    expect(production.isCitizenIssuer('https://id.example.org')).toBe(true);
    expect(() => loadConfig({ NODE_ENV: 'test', CITIZEN_OIDC_ISSUER: 'https://id.example.org', AUTH_ISSUER: 'https://id.example.org' })).toThrow(/verschieden/);
    expect(() => loadConfig({ NODE_ENV: 'test', CITIZEN_TRUST_MAP: '{"x": "MITTEL"}' })).toThrow(/CITIZEN_TRUST_MAP/);
    expect(LotseError).toBeDefined();
  });
});
