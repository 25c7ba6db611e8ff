import { createServer, type Server } from 'node:http';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { Role } from '../../src/auth/roles.js';
import { QueueService } from '../../src/delivery/queue.service.js';
import { verifyWebhook } from '../../src/delivery/signature.js';
import { allowReceivers, startTestApp, type TestApp } from '../support/app.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { freePort, withClient } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Delivery {
  path: string;
  eventId: string;
  type: string;
  body: string;
  signature: string;
  event: Json;
}

const VALID = { name: 'Anna', gemeinde: '03453004', personen: [{ vorname: 'Anna' }], zahlungsart: 'BAR', bestaetigt: true };
const SUBMIT = `mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) { ... on SubmissionReceipt { referenceNumber } } }`;

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, seconds = 30): Promise<T> {
  for (let i = 0; i < seconds * 10; i++) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Webhooks through the job queue: signed, retried with back-off, parked as dead after the last attempt,
 * and delivered at least once (exactly once after deduplication by event id) when the worker dies mid-delivery.
 */
describe('webhook delivery', () => {
  let t: TestApp;
  let copy: CatalogCopy;
  let receiver: Server;
  let receiverUrl: string;
  const deliveries: Delivery[] = [];
  /** How the receiver answers each request: status code and delay. */
  let behave: (d: Delivery, attempt: number) => { status: number; delayMs?: number } = () => ({ status: 204 });
  let key = 0;

  const submit = (data: Json) =>
    t.gql<Json>(SUBMIT, { i: { formId: 'testantrag', version: '1.0', data }, k: `webhook-${Date.now()}-${++key}` }).then((r) => r.body.data!.submitForm.referenceNumber as string);
  /** Deliveries of the receipt event of one submission (the export job sends its own `submission.exported` event). */
  const ofReference = (reference: string) => deliveries.filter((d) => d.type === 'submission.received' && d.event.data?.referenceNumber === reference);

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const d: Delivery = {
          path: req.url ?? '',
          eventId: String(req.headers['x-lotse-event-id']),
          type: String(req.headers['x-lotse-event-type']),
          signature: String(req.headers['x-lotse-signature']),
          body,
          event: JSON.parse(body),
        };
        deliveries.push(d);
        const { status, delayMs } = behave(d, deliveries.filter((x) => x.eventId === d.eventId).length);
        setTimeout(() => res.writeHead(status).end(), delayMs ?? 0);
      });
    });
    const port = await freePort();
    await new Promise<void>((r) => receiver.listen(port, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${port}`;
    copy = await CatalogCopy.of();
    t = await startTestApp({
      env: {
        SUBMIT_RATE_LIMIT_PER_HOUR: '1000',
        WORKER_ENABLED: 'true',
        WEBHOOK_MAX_ATTEMPTS: '3',
        WEBHOOK_RETRY_DELAY_SECONDS: '1',
        QUEUE_EXPIRE_SECONDS: '2',
        QUEUE_SUPERVISE_SECONDS: '1',
        ...allowReceivers(receiverUrl),
      },
    });
    await t.app.get(CatalogSyncService).sync(copy.dir);
  });
  afterAll(async () => {
    await t.close();
    await copy.destroy();
    await new Promise((r) => receiver.close(r));
  });

  let secret: string;

  it('lets an administrator register a webhook and delivers signed events', async () => {
    const admin = await bearer(t.config, Role.ADMIN, '03453004');
    const reg = await t.gql<Json>('mutation($u: String!) { registerWebhook(url: $u) { id url secret organisationId } }', { u: `${receiverUrl}/cloppenburg` }, admin);
    expect(reg.body.errors).toBeUndefined();
    secret = reg.body.data!.registerWebhook.secret;
    expect(reg.body.data!.registerWebhook.organisationId).toBe('03453004');
    const caseworker = await bearer(t.config, Role.CASEWORKER, '03453004');
    expect((await t.gql('{ webhooks { id } }', undefined, caseworker)).body.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const reference = await submit(VALID);
    const [received] = await until('the receipt event', () => (ofReference(reference).length ? ofReference(reference) : undefined));
    expect(received).toMatchObject({ path: '/cloppenburg', type: 'submission.received' });
    expect(received.event).toMatchObject({ id: received.eventId, type: 'submission.received', organisationId: '03453004', data: { referenceNumber: reference, status: 'IN_REVIEW', data: VALID } });
    expect(verifyWebhook(secret, received.body, received.signature)).toBe(true);
    expect(verifyWebhook('falsch', received.body, received.signature)).toBe(false);
  });

  it('enqueues in the transaction of the change: when that rolls back, no event exists', async () => {
    await withClient(t.databaseUrl, async (c) => {
      await c.query(`create or replace function fail_late() returns trigger language plpgsql as $$
        begin if new.key like 'rollback-%' and new.submission_id is not null then raise exception 'late failure'; end if; return new; end $$`);
      await c.query('create trigger fail_late before update on submission_idempotency_key for each row execute function fail_late()');
    });
    try {
      const res = await t.gql<Json>(SUBMIT, { i: { formId: 'testantrag', version: '1.0', data: { ...VALID, name: 'Rollback' } }, k: `rollback-${Date.now()}` });
      expect(res.body.errors?.[0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      const counts = await withClient(t.databaseUrl, (c) =>
        c.query(`select (select count(*)::int from submission where data->>'name' = 'Rollback') as submissions,
                        (select count(*)::int from pgboss.job where data->'event'->'data'->'data'->>'name' = 'Rollback') as jobs`),
      );
      expect(counts.rows[0]).toEqual({ submissions: 0, jobs: 0 });
    } finally {
      await withClient(t.databaseUrl, (c) => c.query('drop trigger fail_late on submission_idempotency_key'));
    }
    // the same request without the failure is delivered, with its data
    const reference = await submit({ ...VALID, name: 'Rollback' });
    const [delivered] = await until('the delivery', () => (ofReference(reference).length ? ofReference(reference) : undefined));
    expect(delivered.event.data.data.name).toBe('Rollback');
  });

  it('retries with back-off until the receiver accepts, keeping the event id', async () => {
    behave = (_d, attempt) => ({ status: attempt < 3 ? 500 : 200 });
    const reference = await submit({ ...VALID, name: 'Wiederholung' });
    const attempts = await until('three attempts', () => (ofReference(reference).length >= 3 ? ofReference(reference) : undefined));
    expect(new Set(attempts.map((a) => a.eventId)).size).toBe(1);
    for (const a of attempts) expect(verifyWebhook(secret, a.body, a.signature)).toBe(true);
    behave = () => ({ status: 204 });
  });

  it('parks a delivery as dead after the last attempt', async () => {
    behave = () => ({ status: 503 });
    const reference = await submit({ ...VALID, name: 'Tot' });
    const attempts = await until('three failed attempts', () => (ofReference(reference).length >= 3 ? ofReference(reference) : undefined));
    const eventId = attempts[0].eventId;
    const dead = await until('the dead-letter job', async () => {
      const rows = await withClient(t.databaseUrl, (c) =>
        c.query("select count(*)::int as n from pgboss.job where name = 'lotse-webhook-dead' and data->'event'->>'id' = $1", [eventId]),
      );
      return rows.rows[0].n > 0 ? rows.rows[0].n : undefined;
    });
    expect(dead).toBe(1);
    await new Promise((r) => setTimeout(r, 2500));
    expect(ofReference(reference)).toHaveLength(3); // no fourth attempt
    behave = () => ({ status: 204 });
  });

  it('delivers at least once, and exactly once by event id, when the worker dies mid-delivery', async () => {
    const queue = t.app.get(QueueService);
    let stopped = false;
    behave = (_d, attempt) => {
      if (attempt === 1 && !stopped) {
        stopped = true;
        void queue.stopWorker(true).then(() => setTimeout(() => void queue.startWorker(), 500));
        return { status: 200, delayMs: 4000 };
      }
      return { status: 200 };
    };
    const reference = await submit({ ...VALID, name: 'Absturz' });
    const attempts = await until('a second delivery after the restart', () => (ofReference(reference).length >= 2 ? ofReference(reference) : undefined), 40);
    const unique = new Map(attempts.map((a) => [a.eventId, a]));
    expect(unique.size).toBe(1);
    for (const a of attempts) expect(verifyWebhook(secret, a.body, a.signature)).toBe(true);
    expect([...unique.values()][0].event.data.referenceNumber).toBe(reference);
  });

  it('delivers to a webhook only the event types it asked for', async () => {
    behave = () => ({ status: 204 });
    const admin = await bearer(t.config, Role.ADMIN, '03453004');
    const REGISTER = 'mutation($u: String!, $e: [String!]) { registerWebhook(url: $u, eventTypes: $e) { id eventTypes } }';
    const unknown = await t.gql<Json>(REGISTER, { u: `${receiverUrl}/falsch`, e: ['submission.gelesen'] }, admin);
    expect(unknown.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(unknown.body.errors?.[0].message).toContain('Unbekannte Ereignisart');
    expect((await t.gql<Json>(REGISTER, { u: `${receiverUrl}/leer`, e: [] }, admin)).body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const reg = await t.gql<Json>(REGISTER, { u: `${receiverUrl}/nur-export`, e: ['submission.exported', 'submission.exported'] }, admin);
    expect(reg.body.data!.registerWebhook.eventTypes).toEqual(['submission.exported']);
    const listed = await t.gql<Json>('{ webhooks { url eventTypes } }', undefined, admin);
    expect(listed.body.data!.webhooks).toEqual(
      expect.arrayContaining([
        { url: `${receiverUrl}/cloppenburg`, eventTypes: null },
        { url: `${receiverUrl}/nur-export`, eventTypes: ['submission.exported'] },
      ]),
    );
    expect(listed.body.data!.webhooks.some((w: Json) => /falsch|leer/.test(w.url))).toBe(false);

    const reference = await submit({ ...VALID, name: 'Nur Export' });
    const at = (path: string) => deliveries.filter((d) => d.path === path && d.event.data?.referenceNumber === reference).map((d) => d.type);
    // both webhooks have had their deliveries (each is its own job), plus a grace period for a stray one
    await until('both events at the catch-all webhook and the export at the filtered one', () =>
      new Set(at('/cloppenburg')).size === 2 && at('/nur-export').includes('submission.exported') ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(at('/nur-export')).toEqual(['submission.exported']);
    expect(at('/cloppenburg').sort()).toEqual(['submission.exported', 'submission.received']);
  });
});
