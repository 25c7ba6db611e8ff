import { randomUUID } from 'node:crypto';
import { Role } from '../../src/auth/roles.js';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { EXPORT_QUEUE, QueueService } from '../../src/delivery/queue.service.js';
import { allowReceivers, startTestApp, type TestApp } from '../support/app.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { withClient } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SUBMIT = `mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) {
  __typename ... on SubmissionReceipt { referenceNumber accessCode status organisationId } ... on SubmissionValidationError { message } } }`;
// gemeinde 03453004 routes to the organisation 03453004, 03453007 to test-soziales
const VALID = { name: 'Anna Österreicher', gemeinde: '03453007', personen: [{ vorname: 'Anna', einkommen: '1200.50' }], zahlungsart: 'BAR', bestaetigt: true };

/** The columns of a pg-boss job that do not depend on when or for which submission it was written. */
const JOB_COLUMNS = `name, priority, state, retry_limit, retry_count, retry_delay, retry_backoff, retry_delay_max, expire_seconds, deletion_seconds,
  singleton_key, singleton_on, group_id, group_tier, policy, dead_letter, heartbeat_seconds, blocked, blocking, pending_dependencies, trace_context,
  extract(epoch from keep_until - start_after)::int as retention, start_after <= now() as runnable`;

describe('submitForm in one statement', () => {
  let t: TestApp;
  let copy: CatalogCopy;
  const statements: string[] = [];
  let n = 0;
  const newKey = () => `direct-${process.pid}-${++n}-${Date.now()}`;
  const submit = (data: unknown, key = newKey()) => t.gql<{ submitForm: Json }>(SUBMIT, { i: { formId: 'testantrag', version: '1.0', data }, k: key });
  const rows = (sql: string, params: unknown[] = []) => withClient(t.databaseUrl, (c) => c.query(sql, params)).then((r) => r.rows);
  /** The statements one call ran (as the ORM's onQuery hook saw them). */
  const during = async <T>(run: () => Promise<T>): Promise<{ result: T; sql: string[] }> => {
    const from = statements.length;
    const result = await run();
    return { result, sql: statements.slice(from) };
  };
  const hits = async () => Number((await rows(`select coalesce(sum(count), 0)::int as n from rate_limit_bucket where key like 'submit:%'`))[0].n);

  beforeAll(async () => {
    copy = await CatalogCopy.of();
    t = await startTestApp({ env: { SUBMIT_RATE_LIMIT_PER_HOUR: '1000', WORKER_ENABLED: 'false', ...allowReceivers('http://127.0.0.1:9') }, onQuery: (sql) => statements.push(sql) });
    await t.app.get(CatalogSyncService).sync(copy.dir);
  });
  afterAll(async () => {
    await t.close();
    await copy.destroy();
  });

  it('stores submission, key, events and the export job in one statement, the key pointing at the submission', async () => {
    const { result, sql } = await during(() => submit(VALID));
    const receipt = result.body.data!.submitForm;
    expect(receipt).toMatchObject({ __typename: 'SubmissionReceipt', organisationId: 'test-soziales' });
    const writes = sql.filter((s) => /insert into "submission"/.test(s));
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/insert into pgboss\.job/i);
    expect(sql.filter((s) => /^\s*(begin|commit)\b|update "submission_idempotency_key"/i.test(s))).toEqual([]);
    const [row] = await rows(
      `select s.id, k.submission_id, (select count(*)::int from submission_event e where e.submission_id = s.id) as events,
         (select count(*)::int from pgboss.job j where j.name = $2 and j.data->>'submissionId' = s.id::text) as jobs
       from submission s join submission_idempotency_key k on k.submission_id = s.id where s.reference_number = $1`,
      [receipt.referenceNumber, EXPORT_QUEUE],
    );
    expect(row.submission_id).toBe(row.id);
    expect(row.events).toBeGreaterThanOrEqual(1);
    expect(row.jobs).toBe(1);
  });

  it('writes the export job exactly as pg-boss itself would', async () => {
    const receipt = (await submit(VALID)).body.data!.submitForm;
    const [{ id }] = await rows('select id from submission where reference_number = $1', [receipt.referenceNumber]);
    const other = randomUUID();
    await t.app.get(QueueService).enqueue(EXPORT_QUEUE, { submissionId: other });
    const job = (submissionId: string) => rows(`select ${JOB_COLUMNS}, data from pgboss.job where name = $1 and data->>'submissionId' = $2`, [EXPORT_QUEUE, submissionId]);
    const [ours] = await job(id);
    const [theirs] = await job(other);
    expect(ours).toBeDefined();
    expect({ ...ours, data: { submissionId: '…' } }).toEqual({ ...theirs, data: { submissionId: '…' } });
    expect(ours.data).toEqual({ submissionId: id });
  });

  it('answers a replay with the same receipt, another payload with IDEMPOTENCY_CONFLICT, and counts neither', async () => {
    const key = newKey();
    const first = (await submit(VALID, key)).body.data!.submitForm;
    const before = await hits();
    const again = (await submit(VALID, key)).body.data!.submitForm;
    expect(again).toEqual(first);
    const conflict = await submit({ ...VALID, name: 'Berta' }, key);
    expect(conflict.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_CONFLICT');
    // data that does not validate is checked against the key first, as before
    const invalid = await submit({ ...VALID, bestaetigt: 'ja' }, key);
    expect(invalid.body.errors?.[0]?.extensions?.code).toBe('IDEMPOTENCY_CONFLICT');
    expect(await hits()).toBe(before);
    expect(await rows('select count(*)::int as n from submission_idempotency_key where key = $1', [key])).toEqual([{ n: 1 }]);
  });

  it('counts one hit per new key, also for data that does not validate', async () => {
    const before = await hits();
    await submit(VALID);
    await submit({ ...VALID, bestaetigt: 'ja' });
    expect(await hits()).toBe(before + 2);
  });

  it('takes the transaction, with the webhook deliveries, for an organisation with an active webhook', async () => {
    const admin = await bearer(t.config, Role.ADMIN, '03453004');
    const reg = await t.gql<Json>('mutation($u: String!) { registerWebhook(url: $u) { id } }', { u: 'http://127.0.0.1:9/hook' }, admin);
    expect(reg.body.errors).toBeUndefined();
    const before = await hits();
    const { result, sql } = await during(() => submit({ ...VALID, gemeinde: '03453004' }));
    const receipt = result.body.data!.submitForm;
    expect(receipt).toMatchObject({ __typename: 'SubmissionReceipt', organisationId: '03453004' });
    // the single statement found the webhook and wrote nothing; the transaction wrote the receipt with its delivery
    expect(sql.filter((s) => /insert into "submission"/.test(s))).toHaveLength(2);
    expect(sql.some((s) => /update "submission_idempotency_key"/.test(s))).toBe(true);
    expect(await hits()).toBe(before + 1);
    const [row] = await rows(
      `select (select count(*)::int from webhook_delivery d where d.event->'data'->>'submissionId' = s.id::text and d.event_type = 'submission.received') as deliveries,
         (select count(*)::int from pgboss.job j where j.name = $2 and j.data->>'submissionId' = s.id::text) as jobs,
         (select count(*)::int from submission_idempotency_key k where k.submission_id = s.id) as keys
       from submission s where s.reference_number = $1`,
      [receipt.referenceNumber, EXPORT_QUEUE],
    );
    expect(row).toEqual({ deliveries: 1, jobs: 1, keys: 1 });
    // the other organisation still gets the single statement
    const { sql: direct } = await during(() => submit(VALID));
    expect(direct.filter((s) => /insert into "submission"/.test(s))).toHaveLength(1);
  });
});
