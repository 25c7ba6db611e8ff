import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../../src/auth/roles.js';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { projectRoot } from '../../src/common/project-root.js';
import { sampleFile } from '../../src/attachments/sample-files.js';
import { SubmissionEntity } from '../../src/submissions/entities/submission.entity.js';
import { FitConnectService } from '../../src/fitconnect/fit-connect.service.js';
import { DeliveryDestinationEntity } from '../../src/fitconnect/entities/delivery-destination.entity.js';
import { metadataProblems } from '../../src/fitconnect/metadata.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { fakeEnv, startFakeZustelldienst, type FakeZustelldienst } from '../support/fake-zustelldienst.js';
import { withClient } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';
import { upload } from '../support/uploads.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const EXAMPLE = JSON.parse(readFileSync(join(projectRoot(), 'catalog', 'forms', 'schuelerbefoerderung-antrag', 'examples', 'valid-bus.json'), 'utf8')).data;
const SUBMIT = `mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) {
  __typename ... on SubmissionReceipt { referenceNumber accessCode organisationId } ... on SubmissionValidationError { errors { field message } } } }`;
const SET_DESTINATION = `mutation($i: DeliveryDestinationInput!) { setDeliveryDestination(input: $i) { id destinationId callbackUrl } }`;
const DELIVERIES = `query($id: ID!) { submission(id: $id) { deliveries { id state fitConnectSubmissionId caseId attempts lastError } timeline { kind internalNote publicNote } } }`;
const STATUS = `query($r: String!, $c: String!) { submissionStatus(referenceNumber: $r, accessCode: $c) { timeline { note } } }`;

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, seconds = 60): Promise<T> {
  for (let i = 0; i < seconds * 5; i++) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('FIT-Connect delivery against a fake Zustelldienst', () => {
  let t: TestApp;
  let copy: CatalogCopy;
  let fake: FakeZustelldienst;
  let organisationId: string;
  let destinationConfigId: string;
  let admin: Record<string, string>;
  let caseworker: Record<string, string>;
  let supervisor: Record<string, string>;

  beforeAll(async () => {
    fake = await startFakeZustelldienst();
    copy = await CatalogCopy.of(join(projectRoot(), 'catalog'));
    const env = fakeEnv(fake);
    Object.assign(process.env, { FAKE_FITCONNECT_CLIENT_SECRET: env.FAKE_FITCONNECT_CLIENT_SECRET, FAKE_FITCONNECT_CALLBACK_SECRET: env.FAKE_FITCONNECT_CALLBACK_SECRET });
    t = await startTestApp({
      env: { ...env, SUBMIT_RATE_LIMIT_PER_HOUR: '10000', ATTACHMENT_RATE_LIMIT_PER_HOUR: '100000', FITCONNECT_RETRY_DELAY_SECONDS: '1', FITCONNECT_RETRY_MAX_DELAY_SECONDS: '2', FITCONNECT_TIMEOUT_MS: '2000', FITCONNECT_POLL_SECONDS: '0', FITCONNECT_MAX_ATTEMPTS: '5' },
    });
    await t.app.get(CatalogSyncService).sync(copy.dir);
    // where the example is routed: a submission before any destination exists (it is not delivered)
    const probe = await submit();
    organisationId = probe.organisationId;
    admin = await bearer(t.config, Role.ADMIN, organisationId);
    caseworker = await bearer(t.config, Role.CASEWORKER, organisationId);
    supervisor = await bearer(t.config, Role.SUPERVISOR, organisationId);
    const set = await t.gql<Json>(SET_DESTINATION, { i: fake.destinationInput(organisationId) }, admin);
    expect(set.body.errors).toBeUndefined();
    destinationConfigId = set.body.data!.setDeliveryDestination.id;
    expect(set.body.data!.setDeliveryDestination.callbackUrl).toMatch(new RegExp(`/callbacks/fit-connect/${destinationConfigId}$`));
    fake.callbackUrl = `${t.baseUrl}/callbacks/fit-connect/${destinationConfigId}`;
  });
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
    await copy?.destroy();
  });

  const SCHULBESCHEINIGUNG = sampleFile('application/pdf', 6000, { text: 'Schulbescheinigung FIT-Connect' });

  async function submit(): Promise<{ referenceNumber: string; accessCode: string; organisationId: string; id: string }> {
    const res = await upload(t.baseUrl, { formId: 'schuelerbefoerderung-antrag', version: '1.0', field: '/schulbescheinigung' }, { name: 'schulbescheinigung.pdf', type: 'application/pdf', data: SCHULBESCHEINIGUNG });
    if (res.status !== 201) throw new Error(`upload: ${res.status} ${JSON.stringify(res.body)}`);
    const { sha256: _hash, ...reference } = res.body as Json;
    const out = await t.gql<Json>(SUBMIT, { i: { formId: 'schuelerbefoerderung-antrag', version: '1.0', data: { ...EXAMPLE, schulbescheinigung: reference } }, k: randomUUID() });
    expect(out.body.errors).toBeUndefined();
    const receipt = out.body.data!.submitForm;
    expect(receipt.__typename).toBe('SubmissionReceipt');
    const row = await t.app.get(EntityManager).fork().findOneOrFail(SubmissionEntity, { referenceNumber: receipt.referenceNumber });
    return { ...receipt, id: row.id };
  }

  async function deliveries(id: string): Promise<Json> {
    const res = await t.gql<Json>(DELIVERIES, { id }, caseworker);
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.submission;
  }

  const delivered = (id: string, state = 'SUBMITTED') =>
    until(`delivery ${state}`, async () => {
      const d = (await deliveries(id)).deliveries[0];
      return d && d.state === state ? d : undefined;
    });

  const counts = () =>
    withClient(t.databaseUrl, async (c) => {
      const events = await c.query('select count(*)::int as n from fit_connect_event');
      const states = await c.query(`select string_agg(id || ':' || state, ',' order by id) as s from fit_connect_delivery`);
      const history = await c.query(`select count(*)::int as n from submission_event`);
      return { events: events.rows[0].n as number, states: states.rows[0].s as string, history: history.rows[0].n as number };
    });

  it('refuses destinations whose secrets are not environment variable names, and addresses the URL policy forbids', async () => {
    const secret = await t.gql<Json>(SET_DESTINATION, { i: fake.destinationInput(organisationId, { clientSecretEnv: 'mein geheimes passwort' }) }, admin);
    expect(secret.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const loopback = await t.gql<Json>(SET_DESTINATION, { i: fake.destinationInput(organisationId, { submissionApiUrl: 'http://127.0.0.1:1' }) }, admin);
    expect(loopback.body.errors?.[0].extensions?.code).toBe('WEBHOOK_URL_FORBIDDEN');
    const otherOrg = await t.gql<Json>(SET_DESTINATION, { i: fake.destinationInput('nicht-meine-organisation') }, admin);
    expect(otherOrg.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const asCaseworker = await t.gql<Json>(SET_DESTINATION, { i: fake.destinationInput(organisationId) }, caseworker);
    expect(asCaseworker.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const list = await t.gql<Json>(`query($o: ID!) { deliveryDestinations(organisationId: $o) { id destinationId clientSecretEnv } }`, { o: organisationId }, admin);
    expect(list.body.data!.deliveryDestinations).toEqual([{ id: destinationConfigId, destinationId: fake.destinationId, clientSecretEnv: 'FAKE_FITCONNECT_CLIENT_SECRET' }]);
  });

  it('checks a destination: key id and length, and names what is wrong with a key', async () => {
    const CHECK = `query($id: ID!) { checkDeliveryDestination(id: $id) { ok encryptionKid keyBits problems } }`;
    const good = await t.gql<Json>(CHECK, { id: destinationConfigId }, admin);
    expect(good.body.data!.checkDeliveryDestination).toEqual({ ok: true, encryptionKid: fake.encryptionKid, keyBits: 4096, problems: [] });
    fake.keyOverride = { key_ops: ['encrypt'], alg: 'RSA1_5' };
    try {
      const bad = await t.gql<Json>(CHECK, { id: destinationConfigId }, admin);
      expect(bad.body.data!.checkDeliveryDestination.ok).toBe(false);
      expect(bad.body.data!.checkDeliveryDestination.problems[0]).toMatch(/RSA-OAEP-256.*wrapKey/);
    } finally {
      fake.keyOverride = undefined;
      await t.gql<Json>(CHECK, { id: destinationConfigId }, admin); // the good key back in the cache
    }
  });

  it('delivers metadata, data and every attachment encrypted; the fake decrypts all of it, hashes equal, metadata valid', async () => {
    const s = await submit();
    const d = await delivered(s.id);
    const received = fake.byReference(s.referenceNumber);
    expect(received).toHaveLength(1);
    const r = received[0];
    expect(d.fitConnectSubmissionId).toBe(r.submissionId);
    expect(d.caseId).toBe(r.caseId);
    expect(r.check).toEqual({ ok: true, problems: [] });
    expect(metadataProblems(r.metadata)).toEqual([]);
    // the application PDF (form) and the Schulbescheinigung (attachment), each decrypted to its original bytes
    const purposes = r.metadata!.contentStructure.attachments.map((a: Json) => a.purpose).sort();
    expect(purposes).toEqual(['attachment', 'form']);
    const evidence = r.metadata!.contentStructure.attachments.find((a: Json) => a.purpose === 'attachment');
    expect(r.attachments.get(evidence.attachmentId)!.bytes.equals(SCHULBESCHEINIGUNG)).toBe(true);
    const form = r.metadata!.contentStructure.attachments.find((a: Json) => a.purpose === 'form');
    expect(r.attachments.get(form.attachmentId)!.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(r.data).toContain(s.referenceNumber);
    expect(r.metadata!.contentStructure.data.submissionSchema.mimeType).toBe('application/xml');
    expect(r.metadata!.publicServiceType.identifier).toBeTruthy();
    // every part was a compact JWE with RSA-OAEP-256 / A256GCM and the destination's kid
    for (const a of r.attachments.values()) {
      const header = JSON.parse(Buffer.from(a.jwe.split('.')[0], 'base64url').toString());
      expect(header).toEqual({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: fake.encryptionKid, cty: expect.any(String) });
    }
    // the submit-submission SET (sent with a callback right after the final PUT) is recorded once, the state stays
    expect(await fake.sendCallback({ caseIds: [r.caseId] })).toBe(200);
    const applied = await withClient(t.databaseUrl, async (c) => (await c.query(`select event_type from fit_connect_event where delivery_id = $1`, [d.id])).rows.map((x) => x.event_type));
    expect(applied).toEqual(['https://schema.fitko.de/fit-connect/events/submit-submission']);
    expect((await deliveries(s.id)).deliveries[0].state).toBe('SUBMITTED');
  });

  it('accept-submission by callback: ACCEPTED and the public entry "Bei der Behörde eingegangen"; a replayed callback changes nothing', async () => {
    const s = await submit();
    await delivered(s.id);
    const r = fake.byReference(s.referenceNumber)[0];
    await fake.emit(r.submissionId, 'accept-submission');
    await delivered(s.id, 'ACCEPTED');
    const status = await t.gql<Json>(STATUS, { r: s.referenceNumber, c: s.accessCode });
    expect(status.body.data!.submissionStatus.timeline.map((e: Json) => e.note)).toContain('Bei der Behörde eingegangen');
    const before = await counts();
    const body = { type: 'https://schema.fitko.de/fit-connect/callbacks/new-events', caseIds: [r.caseId] };
    const signed = fake.signCallback(body);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(fake.callbackUrl!, { method: 'POST', headers: signed.headers, body: signed.body });
      expect(res.status).toBe(200);
    }
    expect(await counts()).toEqual(before);
    expect((await deliveries(s.id)).timeline.filter((e: Json) => e.kind === 'DELIVERY_ACCEPTED')).toHaveLength(1);
  });

  it('100 tampered callbacks of each kind: all 401, no state change; a SET with a bad signature is ignored', async () => {
    const s = await submit();
    await delivered(s.id);
    const r = fake.byReference(s.referenceNumber)[0];
    await fake.settle();
    expect(await fake.sendCallback({ caseIds: [r.caseId] })).toBe(200); // submit-submission applied now, not later
    // an event waits in the log: a callback that got through would apply it
    await fake.emit(r.submissionId, 'forward-submission', { callback: false });
    const before = await counts();
    const body = { type: 'https://schema.fitko.de/fit-connect/callbacks/new-events', caseIds: [r.caseId] };
    const now = Math.floor(Date.now() / 1000);
    const kinds: Record<string, () => { url: string; headers: Record<string, string>; body: string }> = {
      missing: () => ({ url: fake.callbackUrl!, headers: { 'content-type': 'application/json', 'callback-timestamp': String(now) }, body: JSON.stringify(body) }),
      bad: () => {
        const x = fake.signCallback(body);
        const mac = x.headers['callback-authentication'];
        return { url: fake.callbackUrl!, headers: { ...x.headers, 'callback-authentication': (mac[0] === 'a' ? 'b' : 'a') + mac.slice(1) }, body: x.body };
      },
      stale: () => ({ url: fake.callbackUrl!, ...fake.signCallback(body, now - 301 - Math.floor(Math.random() * 10000)) }),
      future: () => ({ url: fake.callbackUrl!, ...fake.signCallback(body, now + 120) }),
      changed: () => {
        const x = fake.signCallback(body);
        return { url: fake.callbackUrl!, headers: x.headers, body: x.body.replace('new-events', 'new-eventz') };
      },
      unknown: () => ({ url: `${t.baseUrl}/callbacks/fit-connect/${randomUUID()}`, ...fake.signCallback(body) }),
    };
    for (const [kind, make] of Object.entries(kinds)) {
      const statuses = new Map<number, number>();
      for (let i = 0; i < 100; i++) {
        const x = make();
        const res = await fetch(x.url, { method: 'POST', headers: x.headers, body: x.body });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
      expect([kind, Object.fromEntries(statuses)]).toEqual([kind, { 401: 100 }]);
    }
    expect(await counts()).toEqual(before);
    // a forged SET (signed with a key not in the Zustelldienst's JWKS) with a valid callback: ignored
    await fake.emit(r.submissionId, 'reject-submission', { forged: true, callback: false });
    const forged = await fake.sendCallback(body);
    expect(forged).toBe(200);
    const after = await counts();
    // only the genuine forward-submission waiting in the log was applied
    expect(after.events).toBe(before.events + 1);
    expect((await deliveries(s.id)).deliveries[0].state).toBe('FORWARDED');
  });

  it('401: fetches a new token once and goes on', async () => {
    fake.invalidateTokens();
    const tokensBefore = fake.requests.filter((x) => x === 'POST /token').length;
    const s = await submit();
    await delivered(s.id);
    expect(fake.requests.filter((x) => x === 'POST /token').length).toBe(tokensBefore + 1);
    expect(fake.byReference(s.referenceNumber)).toHaveLength(1);
  });

  it('5xx and a hanging request: retried with back-off, then submitted exactly once', async () => {
    fake.failNext = 2;
    fake.failStatus = 503;
    fake.failMatch = /^POST \/v2\/submissions$/;
    const s = await submit();
    const d = await delivered(s.id);
    expect(d.attempts).toBeGreaterThanOrEqual(3);
    expect(fake.byReference(s.referenceNumber)).toHaveLength(1);
    fake.hangNext = 1;
    const h = await submit();
    const dh = await delivered(h.id);
    expect(dh.attempts).toBeGreaterThanOrEqual(2);
    expect(fake.byReference(h.referenceNumber)).toHaveLength(1);
    fake.failMatch = undefined;
  });

  it('gives up after FITCONNECT_MAX_ATTEMPTS: FAILED with a case event; redeliverSubmission (supervisor) sends it once', async () => {
    fake.failNext = 1000;
    const s = await submit();
    const failed = await delivered(s.id, 'FAILED');
    fake.failNext = 0;
    expect(failed.attempts).toBe(5);
    expect(failed.lastError).toMatch(/HTTP 503/);
    const timeline = (await deliveries(s.id)).timeline;
    expect(timeline.find((e: Json) => e.kind === 'DELIVERY_FAILED')?.internalNote).toMatch(/FIT-Connect-Zustellung gescheitert/);
    const dead = await withClient(t.databaseUrl, async (c) => (await c.query(`select count(*)::int as n from pgboss.job where name = 'lotse-fitconnect-dead' and data->>'deliveryId' = $1`, [failed.id])).rows[0].n);
    expect(dead).toBe(1);
    const denied = await t.gql<Json>(`mutation($id: ID!) { redeliverSubmission(id: $id) { state } }`, { id: s.id }, caseworker);
    expect(denied.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const again = await t.gql<Json>(`mutation($id: ID!) { redeliverSubmission(id: $id) { state } }`, { id: s.id }, supervisor);
    expect(again.body.errors).toBeUndefined();
    await delivered(s.id);
    expect(fake.byReference(s.referenceNumber)).toHaveLength(1);
    // once submitted, a redelivery sends nothing again
    await t.gql<Json>(`mutation($id: ID!) { redeliverSubmission(id: $id) { state } }`, { id: s.id }, supervisor);
    await new Promise((r) => setTimeout(r, 1500));
    expect(fake.byReference(s.referenceNumber)).toHaveLength(1);
  });

  it('a final PUT whose answer was lost: the next attempt finds submit-submission in the event log and does not send it again', async () => {
    fake.dropAnswerAfterSubmit = true;
    const s = await submit();
    const d = await delivered(s.id);
    expect(d.attempts).toBeGreaterThanOrEqual(2);
    const received = fake.byReference(s.referenceNumber);
    expect(received.map((r) => r.submitCount)).toEqual([1]);
    expect(fake.requests.filter((x) => x === `PUT /v2/submissions/${received[0].submissionId}`)).toHaveLength(1);
  });

  it('400/422: FAILED at once with the problem type and title, never retried', async () => {
    fake.refuseNext = { status: 422, type: 'https://schema.fitko.de/fit-connect/submission-api/problems/metadata-schema-violation', title: 'Metadaten entsprechen nicht dem Schema' };
    const s = await submit();
    const failed = await delivered(s.id, 'FAILED');
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toBe('https://schema.fitko.de/fit-connect/submission-api/problems/metadata-schema-violation: Metadaten entsprechen nicht dem Schema');
  });

  it('key rotation: the new encryptionKid after the cache time; a submission refused for its key is re-encrypted once', async () => {
    const service = t.app.get(FitConnectService);
    const destination = (await t.app.get(EntityManager).fork().findOne(DeliveryDestinationEntity, { id: destinationConfigId }))!;
    t.config.fitConnectKeyCacheSeconds = 1;
    const old = (await service.encryptionKey(destination, true)).kid;
    const next = fake.rotateKey(false);
    expect((await service.encryptionKey(destination)).kid).toBe(old); // still cached
    await new Promise((r) => setTimeout(r, 1200));
    expect((await service.encryptionKey(destination)).kid).toBe(next);
    const s = await submit();
    await delivered(s.id);
    const r = fake.byReference(s.referenceNumber)[0];
    expect([...r.attachments.values()].every((a) => a.kid === next)).toBe(true);

    // rotated again, the old key dropped, while Lotse still has it cached: refused for the key, then re-encrypted
    t.config.fitConnectKeyCacheSeconds = 3600;
    await service.encryptionKey(destination, true);
    const third = fake.rotateKey(true);
    const refusedBefore = fake.requests.length;
    const k = await submit();
    await delivered(k.id);
    const rk = fake.byReference(k.referenceNumber)[0];
    expect(rk.check).toEqual({ ok: true, problems: [] });
    expect([...rk.attachments.values()].every((a) => a.kid === third)).toBe(true);
    expect(fake.requests.slice(refusedBefore).filter((x) => x.startsWith('GET /v2/destinations/')).length).toBeGreaterThanOrEqual(2);
    t.config.fitConnectKeyCacheSeconds = 300;
  });

  it('polling applies events that came without a callback', async () => {
    const s = await submit();
    await delivered(s.id);
    const r = fake.byReference(s.referenceNumber)[0];
    await fake.emit(r.submissionId, 'accept-submission', { callback: false });
    expect(await t.app.get(FitConnectService).pollOpen()).toBeGreaterThanOrEqual(1);
    await delivered(s.id, 'ACCEPTED');
  });
});
