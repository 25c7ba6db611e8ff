import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sampleFile } from '../../src/attachments/sample-files.js';
import { Role } from '../../src/auth/roles.js';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { projectRoot } from '../../src/common/project-root.js';
import { metadataProblems } from '../../src/fitconnect/metadata.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { EIDAS, startCitizenIdp, type CitizenIdp } from '../support/citizen-idp.js';
import { fakeEnv, startFakeZustelldienst, type FakeZustelldienst } from '../support/fake-zustelldienst.js';
import { withClient } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';
import { upload } from '../support/uploads.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const WBK = 'waffenbesitzkarte-antrag';
const EXAMPLE = JSON.parse(readFileSync(join(projectRoot(), 'catalog', 'forms', WBK, 'examples', 'valid-jaegerin-zwei-waffen.json'), 'utf8')).data as Json;
const SUBMIT = `mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) {
  __typename ... on SubmissionReceipt { referenceNumber accessCode organisationId } ... on SubmissionValidationError { errors { field message } } } }`;
const MINE = `{ myApplications(first: 50) { edges { node { referenceNumber formId trustLevel locked delivery { state updatedAt } } } } }`;
const ONE = `query($r: String!) { myApplication(referenceNumber: $r) { referenceNumber locked delivery { state } timeline { statusLabel } } }`;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function until<T>(what: string, probe: () => Promise<T | undefined>, seconds: number): Promise<T> {
  for (let i = 0; i < seconds * 5; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`gave up waiting for ${what} after ${seconds} s`);
}

/**
 * Issue 19's end-to-end path: a citizen signs in at the test IdP with `high`, submits the form that requires HOCH with
 * two attachments, sees it in myApplications; the fake Zustelldienst decrypts metadata, data and every attachment;
 * accept-submission shows ACCEPTED. Lower levels and anonymous callers are refused with nothing stored.
 */
describe('citizen account and FIT-Connect delivery, end to end', () => {
  let idp: CitizenIdp;
  let fake: FakeZustelldienst;
  let copy: CatalogCopy;
  let t: TestApp;
  let high: string;
  const files = {
    sachkunde: sampleFile('application/pdf', 7000, { text: 'Sachkundenachweis Ende-zu-Ende' }),
    jagdschein: sampleFile('image/jpeg', 30_000),
  };

  const rows = () =>
    withClient(t.databaseUrl, async (c) =>
      (await c.query(`select (select count(*) from submission)::int as s, (select count(*) from fit_connect_delivery)::int as d,
        (select count(*) from submission_idempotency_key)::int as k, (select count(*) from attachment where bound_at is not null)::int as a`)).rows[0],
    );

  async function formData(token?: string): Promise<Json> {
    const headers = token ? auth(token) : {};
    const a = await upload(t.baseUrl, { formId: WBK, version: '1.0', field: '/sachkundenachweis' }, { name: 'Sachkunde.pdf', type: 'application/pdf', data: files.sachkunde }, headers);
    const b = await upload(t.baseUrl, { formId: WBK, version: '1.0', field: '/beduerfnisnachweis' }, { name: 'Jagdschein.jpg', type: 'image/jpeg', data: files.jagdschein }, headers);
    expect([a.status, b.status]).toEqual([201, 201]);
    const ref = ({ sha256: _s, ...rest }: Json) => rest;
    return { ...EXAMPLE, sachkundenachweis: ref(a.body as Json), beduerfnisnachweis: ref(b.body as Json) };
  }

  const submit = async (token: string | undefined, data: Json) =>
    t.gql<Json>(SUBMIT, { i: { formId: WBK, version: '1.0', data }, k: randomUUID() }, token ? auth(token) : {});

  beforeAll(async () => {
    idp = await startCitizenIdp();
    fake = await startFakeZustelldienst();
    copy = await CatalogCopy.of(join(projectRoot(), 'catalog'));
    const env = fakeEnv(fake);
    Object.assign(process.env, { FAKE_FITCONNECT_CLIENT_SECRET: env.FAKE_FITCONNECT_CLIENT_SECRET, FAKE_FITCONNECT_CALLBACK_SECRET: env.FAKE_FITCONNECT_CALLBACK_SECRET });
    t = await startTestApp({
      env: {
        ...env,
        CITIZEN_OIDC_ISSUER: idp.issuer,
        SUBMIT_RATE_LIMIT_PER_HOUR: '1000',
        ATTACHMENT_RATE_LIMIT_PER_HOUR: '1000',
        FITCONNECT_RETRY_DELAY_SECONDS: '1',
        FITCONNECT_RETRY_MAX_DELAY_SECONDS: '2',
        FITCONNECT_POLL_SECONDS: '0',
      },
    });
    await t.app.get(CatalogSyncService).sync(copy.dir);
    high = await idp.signIn('citizen-clara', EIDAS.high);
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
    await idp?.stop().catch(() => undefined);
    await copy?.destroy();
  });

  it('refuses anonymous and substantial callers with nothing stored', async () => {
    const data = await formData(high);
    const before = await rows();
    const anonymous = await submit(undefined, data);
    expect(anonymous.body.errors?.[0].extensions?.code).toBe('ACCOUNT_REQUIRED');
    const substantial = await submit(await idp.signIn('citizen-clara', EIDAS.substantial), data);
    expect(substantial.body.errors?.[0].extensions).toMatchObject({ code: 'TRUST_LEVEL_INSUFFICIENT', required: 'HOCH', actual: 'SUBSTANTIELL' });
    expect(await rows()).toEqual(before);
  });

  it('signed in with high: submitted, listed, delivered encrypted, decrypted at the fake in full, accepted', async () => {
    // the form's organisation gets a destination (set by its administrator) before the citizen submits
    const probe = await submit(high, await formData(high));
    expect(probe.body.errors).toBeUndefined();
    const organisationId = probe.body.data!.submitForm.organisationId as string;
    const set = await t.gql<Json>(
      `mutation($i: DeliveryDestinationInput!) { setDeliveryDestination(input: $i) { id } }`,
      { i: { organisationId, serviceId: null, destinationId: fake.destinationId, submissionApiUrl: fake.baseUrl, tokenUrl: fake.tokenUrl, clientId: fake.clientId, clientSecretEnv: 'FAKE_FITCONNECT_CLIENT_SECRET', callbackSecretEnv: 'FAKE_FITCONNECT_CALLBACK_SECRET' } },
      await bearer(t.config, Role.ADMIN, organisationId),
    );
    expect(set.body.errors).toBeUndefined();
    fake.callbackUrl = `${t.baseUrl}/callbacks/fit-connect/${set.body.data!.setDeliveryDestination.id}`;

    const res = await submit(high, await formData(high));
    expect(res.body.errors).toBeUndefined();
    const receipt = res.body.data!.submitForm;
    expect(receipt.__typename).toBe('SubmissionReceipt');

    const mine = (await t.gql<Json>(MINE, undefined, auth(high))).body.data!.myApplications.edges.map((e: Json) => e.node);
    expect(mine.find((n: Json) => n.referenceNumber === receipt.referenceNumber)).toMatchObject({ formId: WBK, trustLevel: 'HOCH', locked: false });

    const received = await until('the fake to receive the submission', async () => {
      const r = fake.byReference(receipt.referenceNumber)[0];
      return r?.submitted ? r : undefined;
    }, 60);
    expect(fake.byReference(receipt.referenceNumber)).toHaveLength(1);
    expect(received.submitCount).toBe(1);
    expect(received.check).toEqual({ ok: true, problems: [] });
    expect(metadataProblems(received.metadata)).toEqual([]);
    expect(received.data).toContain(receipt.referenceNumber);
    // every announced attachment arrived and decrypted: the application PDF and both pieces of evidence, byte for byte
    expect(received.attachments.size).toBe(received.announcedAttachments.length);
    const decrypted = [...received.attachments.values()].map((a) => a.bytes);
    expect(decrypted.some((b) => b.equals(files.sachkunde))).toBe(true);
    expect(decrypted.some((b) => b.equals(files.jagdschein))).toBe(true);
    expect(decrypted.some((b) => b.subarray(0, 5).toString() === '%PDF-' && !b.equals(files.sachkunde))).toBe(true);
    const purposes = received.metadata!.contentStructure.attachments.map((a: Json) => a.purpose).sort();
    expect(purposes).toEqual(['attachment', 'attachment', 'form']);

    await fake.emit(received.submissionId, 'accept-submission');
    const accepted = await until('ACCEPTED in myApplication', async () => {
      const one = (await t.gql<Json>(ONE, { r: receipt.referenceNumber }, auth(high))).body.data?.myApplication;
      return one?.delivery?.state === 'ACCEPTED' ? one : undefined;
    }, 30);
    expect(accepted.locked).toBe(false);
    const status = await t.gql<Json>('query($r: String!, $c: String!) { submissionStatus(referenceNumber: $r, accessCode: $c) { timeline { note } } }', { r: receipt.referenceNumber, c: receipt.accessCode });
    expect(status.body.data!.submissionStatus.timeline.map((e: Json) => e.note)).toContain('Bei der Behörde eingegangen');
  });
});
