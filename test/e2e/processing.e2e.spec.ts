import { SignJWT } from 'jose';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { Role } from '../../src/auth/roles.js';
import { formatReferenceNumber } from '../../src/submissions/reference-number.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { withClient } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SUBMIT = `mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) { ... on SubmissionReceipt { referenceNumber accessCode organisationId status } } }`;
const CASE = `query($id: ID!) { submission(id: $id) { id referenceNumber status version organisationId data dueAt overdue assigneeId requestedDocuments
  timeline { kind actorType fromStatus toStatus publicNote internalNote items } } }`;
const LIST = `query($f: CaseFilter) { submissions(filter: $f, first: 50) { totalCount edges { node { id referenceNumber status organisationId } } } }`;
const TRANSITION = `mutation($id: ID!, $to: SubmissionStatus!, $v: Int!, $p: String, $n: String) {
  transitionSubmission(id: $id, to: $to, expectedVersion: $v, publicNote: $p, internalNote: $n) { id status version } }`;
const STATUS = `query($r: String!, $c: String!, $l: String) { submissionStatus(referenceNumber: $r, accessCode: $c, locale: $l) {
  referenceNumber status statusLabel outstandingDocuments withdrawable expectedCompletion timeline { status statusLabel note } } }`;
const VALID = { name: 'Anna', gemeinde: '03453004', personen: [{ vorname: 'Anna' }], zahlungsart: 'BAR', bestaetigt: true };

describe('caseworkers, applicants and the workflow', () => {
  let t: TestApp;
  let copy: CatalogCopy;
  let county: Record<string, string>;
  let town: Record<string, string>;
  let editor: Record<string, string>;
  let cloppenburg: Json; // routed to the Stadt Cloppenburg (override)
  let friesoythe: Json; // routed to the county's unit test-soziales
  let key = 0;
  const submit = async (data: Json) =>
    (await t.gql<Json>(SUBMIT, { i: { formId: 'testantrag', version: '1.0', data }, k: `processing-${Date.now()}-${++key}` })).body.data!.submitForm;
  const idOf = async (reference: string) =>
    (await withClient(t.databaseUrl, (c) => c.query('select id from submission where reference_number = $1', [reference]))).rows[0].id as string;

  beforeAll(async () => {
    copy = await CatalogCopy.of();
    t = await startTestApp({ env: { SUBMIT_RATE_LIMIT_PER_HOUR: '1000' } });
    await t.app.get(CatalogSyncService).sync(copy.dir);
    county = await bearer(t.config, Role.CASEWORKER, '03453');
    town = await bearer(t.config, Role.CASEWORKER, '03453004');
    editor = await bearer(t.config, Role.EDITOR, '03453');
    cloppenburg = await submit(VALID);
    friesoythe = await submit({ ...VALID, gemeinde: '03453007' });
    cloppenburg.id = await idOf(cloppenburg.referenceNumber);
    friesoythe.id = await idOf(friesoythe.referenceNumber);
  });
  afterAll(async () => {
    await t.close();
    await copy.destroy();
  });

  it('needs a valid token with the right permission', async () => {
    expect((await t.gql(LIST)).body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await t.gql(LIST, undefined, { authorization: 'Bearer not.a.token' })).body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect((await t.gql(LIST, undefined, editor)).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const expired = await bearer(t.config, Role.CASEWORKER, '03453', 'old', -600);
    expect((await t.gql(LIST, undefined, expired)).body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const forged = await new SignJWT({ role: 'ADMIN', org: '03453' })
      .setProtectedHeader({ alg: 'HS256' }).setIssuer('urn:lotse:development').setAudience('lotse').setSubject('x').setExpirationTime('1h')
      .sign(new TextEncoder().encode('a-different-secret-of-enough-length-0000'));
    expect((await t.gql(LIST, undefined, { authorization: `Bearer ${forged}` })).body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // public fields still answer with a bad token
    expect((await t.gql('{ __typename apiInfo { name } }', undefined, { authorization: 'Bearer broken' })).body.data).toMatchObject({ apiInfo: { name: 'Lotse' } });
  });

  it('shows each caseworker only the cases of their own organisation, through every field', async () => {
    const countyList = (await t.gql<Json>(LIST, undefined, county)).body.data!.submissions;
    const townList = (await t.gql<Json>(LIST, undefined, town)).body.data!.submissions;
    const countyRefs = countyList.edges.map((e: Json) => e.node.referenceNumber);
    const townRefs = townList.edges.map((e: Json) => e.node.referenceNumber);
    expect(countyRefs).toContain(friesoythe.referenceNumber);
    expect(countyRefs).not.toContain(cloppenburg.referenceNumber);
    expect(townRefs).toEqual([cloppenburg.referenceNumber]);
    // guessing another organisation's id: NOT_FOUND, never the data
    for (const [who, foreign] of [[county, cloppenburg], [town, friesoythe]] as const) {
      const read = await t.gql(CASE, { id: foreign.id }, who);
      expect(read.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect(JSON.stringify(read.body)).not.toContain('Anna');
      const change = await t.gql(TRANSITION, { id: foreign.id, to: 'IN_PROGRESS', v: 2 }, who);
      expect(change.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const assign = await t.gql('mutation($id: ID!) { assignSubmission(id: $id, assigneeId: "x") { id } }', { id: foreign.id }, who);
      expect(assign.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const docs = await t.gql('mutation($id: ID!) { requestDocuments(id: $id, items: ["x"]) { id } }', { id: foreign.id }, who);
      expect(docs.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const filtered = await t.gql<Json>(LIST, { f: { serviceId: 'wohngeld' } }, who);
      expect(filtered.body.data!.submissions.edges.map((e: Json) => e.node.id)).not.toContain(foreign.id);
    }
    expect((await t.gql(CASE, { id: '00000000-0000-0000-0000-000000000000' }, town)).body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it('walks a submission through its lifecycle, with events and the applicant following along', async () => {
    const start = (await t.gql<Json>(CASE, { id: cloppenburg.id }, town)).body.data!.submission;
    expect(start).toMatchObject({ status: 'IN_REVIEW', version: 2, organisationId: '03453004' });
    expect(start.timeline.map((e: Json) => e.kind)).toEqual(['RECEIVED', 'ACKNOWLEDGED', 'STATUS_CHANGED']);

    const docs = await t.gql<Json>('mutation($id: ID!) { requestDocuments(id: $id, items: ["Mietvertrag"], publicNote: "Bitte Mietvertrag nachreichen.") { status version requestedDocuments } }', { id: cloppenburg.id }, town);
    expect(docs.body.data!.requestDocuments).toEqual({ status: 'DOCUMENTS_REQUESTED', version: 3, requestedDocuments: ['Mietvertrag'] });
    const applicant = (await t.gql<Json>(STATUS, { r: cloppenburg.referenceNumber, c: cloppenburg.accessCode })).body.data!.submissionStatus;
    expect(applicant).toMatchObject({ status: 'DOCUMENTS_REQUESTED', statusLabel: 'Unterlagen angefordert', outstandingDocuments: ['Mietvertrag'], withdrawable: true });
    expect(applicant.timeline.map((e: Json) => e.note)).toContain('Bitte Mietvertrag nachreichen.');

    let version = 3;
    for (const to of ['IN_REVIEW', 'IN_PROGRESS', 'APPROVED', 'CLOSED']) {
      const res = await t.gql<Json>(TRANSITION, { id: cloppenburg.id, to, v: version, p: `Status ${to}`, n: 'intern' }, town);
      expect(res.body.errors).toBeUndefined();
      version = res.body.data!.transitionSubmission.version;
    }
    const end = (await t.gql<Json>(CASE, { id: cloppenburg.id }, town)).body.data!.submission;
    expect(end.status).toBe('CLOSED');
    expect(end.timeline.filter((e: Json) => e.kind === 'STATUS_CHANGED').map((e: Json) => e.toStatus)).toEqual(['IN_REVIEW', 'IN_REVIEW', 'IN_PROGRESS', 'APPROVED', 'CLOSED']);
    const publicView = (await t.gql<Json>(STATUS, { r: cloppenburg.referenceNumber, c: cloppenburg.accessCode, l: 'en' })).body.data!.submissionStatus;
    expect(publicView).toMatchObject({ status: 'CLOSED', statusLabel: 'Closed', withdrawable: false });
    expect(JSON.stringify(publicView)).not.toContain('intern');
    const back = await t.gql(TRANSITION, { id: cloppenburg.id, to: 'IN_REVIEW', v: version }, town);
    expect(back.body.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
  });

  it('lets exactly one of two transitions with the same expected version win', async () => {
    const fresh = await submit({ ...VALID, name: 'Parallel' });
    const id = await idOf(fresh.referenceNumber);
    const [a, b] = await Promise.all([
      t.gql<Json>(TRANSITION, { id, to: 'IN_PROGRESS', v: 2 }, town),
      t.gql<Json>(TRANSITION, { id, to: 'REJECTED', v: 2 }, town),
    ]);
    const codes = [a, b].map((r) => r.body.errors?.[0].extensions?.code ?? 'OK').sort();
    expect(codes).toEqual(['CONFLICT', 'OK']);
    const final = (await t.gql<Json>(CASE, { id }, town)).body.data!.submission;
    expect(final.version).toBe(3);
    expect(final.timeline.filter((e: Json) => e.actorType === 'STAFF')).toHaveLength(1);
  });

  it('answers a stale version with CONFLICT (current version and status), even where the rule would forbid the step', async () => {
    const fresh = await submit({ ...VALID, name: 'Veraltet' });
    const id = await idOf(fresh.referenceNumber);
    const won = await t.gql<Json>(TRANSITION, { id, to: 'REJECTED', v: 2 }, town);
    expect(won.body.data!.transitionSubmission).toMatchObject({ status: 'REJECTED', version: 3 });
    // REJECTED -> IN_REVIEW is forbidden, but this caller saw version 2: it must learn that the case changed
    const stale = await t.gql<Json>(TRANSITION, { id, to: 'IN_REVIEW', v: 2 }, town);
    expect(stale.body.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 3, currentStatus: 'REJECTED' });
    const staleDocs = await t.gql<Json>('mutation($id: ID!, $v: Int) { requestDocuments(id: $id, items: ["Pass"], expectedVersion: $v) { status } }', { id, v: 2 }, town);
    expect(staleDocs.body.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 3 });
    const staleAssign = await t.gql<Json>('mutation($id: ID!, $v: Int) { assignSubmission(id: $id, assigneeId: "m.muster", expectedVersion: $v) { version } }', { id, v: 2 }, town);
    expect(staleAssign.body.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', currentVersion: 3, currentStatus: 'REJECTED' });
    const assigned = await t.gql<Json>('mutation($id: ID!, $v: Int) { assignSubmission(id: $id, assigneeId: "m.muster", expectedVersion: $v) { version assigneeId } }', { id, v: 3 }, town);
    expect(assigned.body.data!.assignSubmission).toEqual({ version: 4, assigneeId: 'm.muster' });
    // with the current version, the rule decides
    const forbidden = await t.gql<Json>(TRANSITION, { id, to: 'IN_REVIEW', v: 4 }, town);
    expect(forbidden.body.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
    const final = (await t.gql<Json>(CASE, { id }, town)).body.data!.submission;
    expect(final).toMatchObject({ status: 'REJECTED', version: 4, requestedDocuments: [] });
  });

  it('never answers INVALID_TRANSITION to concurrent callers with the same version (20 pairs)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await idOf((await submit({ ...VALID, name: `Paar ${i}` })).referenceNumber));
    // five pairs at a time, so that the test's small connection pool is not what the callers wait for
    const codes: string[] = [];
    for (let i = 0; i < ids.length; i += 5) {
      const results = await Promise.all(
        ids.slice(i, i + 5).flatMap((id) => [t.gql<Json>(TRANSITION, { id, to: 'APPROVED', v: 2 }, town), t.gql<Json>(TRANSITION, { id, to: 'DOCUMENTS_REQUESTED', v: 2 }, town)]),
      );
      codes.push(...results.map((r) => String(r.body.errors?.[0].extensions?.code ?? 'OK')));
    }
    expect(codes.filter((c) => c === 'INVALID_TRANSITION')).toEqual([]);
    expect(codes.filter((c) => c === 'OK')).toHaveLength(20);
    expect(codes.filter((c) => c === 'CONFLICT')).toHaveLength(20);
  });

  it('lets the applicant withdraw before a decision, not after', async () => {
    const fresh = await submit({ ...VALID, name: 'Rückzug' });
    const withdraw = 'mutation($r: String!, $c: String!) { withdrawSubmission(referenceNumber: $r, accessCode: $c, reason: "Umgezogen") { status withdrawable } }';
    const res = await t.gql<Json>(withdraw, { r: fresh.referenceNumber, c: fresh.accessCode });
    expect(res.body.data!.withdrawSubmission).toEqual({ status: 'WITHDRAWN', withdrawable: false });
    const again = await t.gql(withdraw, { r: fresh.referenceNumber, c: fresh.accessCode });
    expect(again.body.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
    const staff = await t.gql(TRANSITION, { id: await idOf(friesoythe.referenceNumber), to: 'WITHDRAWN', v: 2 }, county);
    expect(staff.body.errors?.[0].extensions?.code).toBe('INVALID_TRANSITION');
  });

  it('cannot tell an unknown reference from a wrong code, and limits failed attempts', async () => {
    const wrongCode = await t.gql(STATUS, { r: friesoythe.referenceNumber, c: 'AAAA-BBBB-CCCC' });
    const unknown = await t.gql(STATUS, { r: formatReferenceNumber('CLP', 2026, 999999), c: friesoythe.accessCode });
    const shape = (r: Json) => ({ code: r.body.errors?.[0].extensions?.code, message: r.body.errors?.[0].message, data: r.body.data });
    expect(shape(wrongCode)).toEqual(shape(unknown));
    expect(shape(wrongCode).code).toBe('NOT_FOUND');
    const typo = await t.gql(STATUS, { r: friesoythe.referenceNumber.replace(/.$/, (d: string) => String((Number(d) + 1) % 10)), c: friesoythe.accessCode });
    expect(typo.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    for (let i = 0; i < 12; i++) await t.gql(STATUS, { r: friesoythe.referenceNumber, c: 'WRNG-CODE-XXXX' });
    const limited = await t.gql(STATUS, { r: friesoythe.referenceNumber, c: friesoythe.accessCode });
    expect(limited.body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
    const other = await submit({ ...VALID, name: 'Andere' });
    expect((await t.gql<Json>(STATUS, { r: other.referenceNumber, c: other.accessCode })).body.data!.submissionStatus.status).toBe('IN_REVIEW');
  });

  it('marks cases past their deadline as overdue and filters them', async () => {
    const late = await submit({ ...VALID, name: 'Spät' });
    const id = await idOf(late.referenceNumber);
    await withClient(t.databaseUrl, (c) => c.query("update submission set due_at = now() - interval '1 day' where id = $1", [id]));
    const overdue = (await t.gql<Json>(LIST, { f: { overdue: true } }, town)).body.data!.submissions;
    expect(overdue.edges.map((e: Json) => e.node.id)).toEqual([id]);
    expect((await t.gql<Json>(CASE, { id }, town)).body.data!.submission.overdue).toBe(true);
    const byStatus = (await t.gql<Json>(LIST, { f: { status: 'CLOSED' } }, town)).body.data!.submissions;
    expect(byStatus.edges.map((e: Json) => e.node.referenceNumber)).toEqual([cloppenburg.referenceNumber]);
  });

  it('gives supervisors Kennzahlen per service, as GraphQL and as CSV, for their organisation only', async () => {
    const supervisor = await bearer(t.config, Role.SUPERVISOR, '03453004');
    const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin' }).format(new Date());
    const q = `query($o: ID!, $f: Date!, $t: Date!) { statistics(organisationId: $o, from: $f, to: $t) {
      total { received decided approved rejected medianProcessingDays p90ProcessingDays open overdue }
      services { serviceId received decided approved } } }`;
    const first = await t.gql<Json>(q, { o: '03453004', f: today, t: today }, supervisor);
    expect(first.body.errors).toBeUndefined();
    const stats = first.body.data!.statistics;
    const [{ n: received }] = (await withClient(t.databaseUrl, (c) => c.query("select count(*)::int as n from submission where organisation_id = '03453004'"))).rows;
    expect(stats.total.received).toBe(received);
    expect(stats.total.approved).toBeGreaterThanOrEqual(1);
    expect(stats.total.decided).toBe(stats.total.approved + stats.total.rejected);
    expect(stats.total.medianProcessingDays).toBeGreaterThanOrEqual(0);
    expect(stats.total.medianProcessingDays).toBeLessThan(1);
    expect(stats.total.overdue).toBe(1);
    expect(stats.services).toEqual([expect.objectContaining({ serviceId: 'wohngeld', received })]);
    expect((await t.gql(q, { o: '03453004', f: today, t: today }, town)).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(q, { o: '03453', f: today, t: today }, supervisor)).body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await t.gql(q, { o: '03453004', f: '2026-02-30', t: today }, supervisor)).body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

    const url = `${t.baseUrl}/statistics.csv?organisationId=03453004&from=${today}&to=${today}`;
    const csv = await fetch(url, { headers: supervisor });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM, for spreadsheet programs
    const text = bytes.toString('utf8');
    expect(text.startsWith('\uFEFFLeistung;Eingegangen;Entschieden;')).toBe(true);
    expect(text).toMatch(new RegExp(`\\r\\nwohngeld;${received};`));
    expect(text).toMatch(/\r\nGesamt;/);
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: town })).status).toBe(403);
    expect((await fetch(url.replace('03453004', '03453'), { headers: supervisor })).status).toBe(404);
  });

  it('counts Kennzahlen by Berlin days, in winter and in summer time', async () => {
    const supervisor = await bearer(t.config, Role.SUPERVISOR, '03453004');
    const q = 'query($o: ID!, $f: Date!, $t: Date!) { statistics(organisationId: $o, from: $f, to: $t) { total { received } } }';
    const received = async (day: string) => (await t.gql<Json>(q, { o: '03453004', f: day, t: day }, supervisor)).body.data!.statistics.total.received as number;
    // received at these instants (UTC); Berlin is UTC+1 on 15 January and UTC+2 on 15 July
    const instants = [
      '2026-01-14T22:30:00Z', // 14 January 23:30 in Berlin
      '2026-01-14T23:30:00Z', // 15 January 00:30
      '2026-01-15T00:30:00Z', // 15 January 01:30
      '2026-01-15T22:59:59Z', // 15 January 23:59:59
      '2026-01-15T23:00:00Z', // 16 January 00:00
      '2026-07-14T22:30:00Z', // 15 July 00:30
      '2026-07-15T21:30:00Z', // 15 July 23:30
      '2026-07-15T22:30:00Z', // 16 July 00:30
    ];
    const ids: string[] = [];
    for (const [i, at] of instants.entries()) {
      const { referenceNumber } = await submit({ ...VALID, name: `Stichtag ${i}` });
      const id = await idOf(referenceNumber);
      ids.push(id);
      await withClient(t.databaseUrl, (c) => c.query('update submission set submitted_at = $2 where id = $1', [id, at]));
    }
    try {
      expect([await received('2026-01-14'), await received('2026-01-15'), await received('2026-01-16')]).toEqual([1, 3, 1]);
      expect([await received('2026-07-14'), await received('2026-07-15'), await received('2026-07-16')]).toEqual([0, 2, 1]);
    } finally {
      // the other tests count today's cases
      await withClient(t.databaseUrl, (c) => c.query('update submission set submitted_at = now() where id = any($1::uuid[])', [ids]));
    }
  });
});

