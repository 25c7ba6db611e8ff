import { createServer, type Server } from 'node:http';
import { Role } from '../../src/auth/roles.js';
import { CatalogStoreService } from '../../src/catalog/catalog-store.service.js';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { allowReceivers, startTestApp, type TestApp } from '../support/app.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { createTestDatabase, freePort, withClient } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const VALID = { name: 'Anna', gemeinde: '03453004', personen: [{ vorname: 'Anna' }], zahlungsart: 'BAR', bestaetigt: true };
const SUBMIT = `mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) { __typename ... on SubmissionReceipt { referenceNumber } } }`;
const REGISTER = 'mutation($u: String!, $e: [String!]) { registerWebhook(url: $u, eventTypes: $e) { id } }';
const RATE_LIMIT = 6;
const EVENTS = 5;

/** Polls `probe` every 20 ms until it gives a value, for at most `budgetMs` (a bound on the behaviour, not a measurement). */
async function within<T>(budgetMs: number, what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + budgetMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`${what}: not seen within ${budgetMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Two API processes (here: two applications in one test process, each with its own pools, listener and queue
 * workers) on one PostgreSQL: a catalog change in A reaches B by LISTEN/NOTIFY, rate limits and idempotency keys
 * hold across both, and the workers of both never deliver an event twice.
 */
describe('two instances on one database', () => {
  let db: { url: string; drop(): Promise<void> };
  let a: TestApp;
  let b: TestApp;
  let copy: CatalogCopy;
  let server: Server;
  let url: string;
  const received: Json[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    const port = await freePort();
    await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
    url = `http://127.0.0.1:${port}/hook`;
    copy = await CatalogCopy.of();
    db = await createTestDatabase();
    // no periodic generation check: what B sees, it sees by the notification
    const env = { SUBMIT_RATE_LIMIT_PER_HOUR: String(RATE_LIMIT), WORKER_ENABLED: 'true', CATALOG_POLL_SECONDS: '3600', DB_POOL_MAX: '4', ...allowReceivers(url) };
    a = await startTestApp({ databaseUrl: db.url, env });
    b = await startTestApp({ databaseUrl: db.url, env });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
    await copy?.destroy();
    await new Promise((done) => server?.close(done));
  });

  const title = async (t: TestApp, id: string) => (await t.gql<Json>('query($id: ID!) { service(id: $id) { title } }', { id })).body.data?.service?.title as string | undefined;

  it('a catalog change in A is visible in B within 1 s, brought by the notification', async () => {
    const storeB = b.app.get(CatalogStoreService);
    const before = { generation: storeB.generation, notifications: storeB.notificationsReceived };
    expect(storeB.listening).toBe(true);
    await a.app.get(CatalogSyncService).sync(copy.dir);
    const id = 'wohngeld';
    const synced = await title(a, id);
    expect(synced).toBeDefined();
    expect(await within(1000, 'the synced catalog in B', async () => ((await title(b, id)) === synced ? true : undefined))).toBe(true);
    expect(storeB.notificationsReceived).toBeGreaterThan(before.notifications);
    expect(storeB.generation).toBe(a.app.get(CatalogStoreService).generation);
    expect(storeB.generation).toBeGreaterThan(before.generation);

    // an edit of one service: a new generation, the new title in B
    await copy.edit<Json>('services/soziales/wohngeld.json', (data) => {
      data.title.de = `${data.title.de} (geändert)`;
    });
    await a.app.get(CatalogSyncService).sync(copy.dir);
    expect(await title(a, id)).toBe(`${synced} (geändert)`);
    expect(await within(1000, 'the edited title in B', async () => ((await title(b, id)) === `${synced} (geändert)` ? true : undefined))).toBe(true);
  });

  it('B reconnects its listener after the connection is cut and catches up on what it missed', async () => {
    const storeB = b.app.get(CatalogStoreService);
    await withClient(db.url, (c) => c.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'lotse-catalog-listener' and datname = current_database()`));
    await withClient(db.url, (c) => c.query(`update catalog_generation set generation = generation + 1 where id = 1`));
    const target = Number((await withClient(db.url, (c) => c.query(`select generation::text as g from catalog_generation`))).rows[0].g);
    expect(await within(5000, 'the generation in B after the reconnect', async () => (storeB.generation === target && storeB.listening ? true : undefined))).toBe(true);
  });

  it('the periodic check finds a generation that came without a notification (CATALOG_POLL_SECONDS)', async () => {
    const c = await startTestApp({ databaseUrl: db.url, env: { QUEUE_ENABLED: 'false', CATALOG_POLL_SECONDS: '1' } });
    try {
      const storeC = c.app.get(CatalogStoreService);
      const heard = storeC.notificationsReceived;
      // raised without NOTIFY: only the periodic comparison can see it
      await withClient(db.url, (cl) => cl.query(`update catalog_generation set generation = generation + 1 where id = 1`));
      const target = Number((await withClient(db.url, (cl) => cl.query(`select generation::text as g from catalog_generation`))).rows[0].g);
      expect(await within(5000, 'the generation in C by its periodic check', async () => (storeC.generation === target ? true : undefined))).toBe(true);
      expect(storeC.notificationsReceived).toBe(heard);
    } finally {
      await c.close();
    }
  });

  it('shares the rate limit: the limit is reached across both instances', async () => {
    const results: string[] = [];
    for (let i = 0; i < RATE_LIMIT + 2; i++) {
      const t = i % 2 === 0 ? a : b;
      const res = await t.gql<Json>(SUBMIT, { i: { formId: 'testantrag', version: '1.0', data: VALID }, k: `rate-${i}-${Date.now()}` });
      results.push(res.body.data?.submitForm?.__typename ?? res.body.errors?.[0].extensions?.code);
    }
    expect(results.filter((r) => r === 'SubmissionReceipt')).toHaveLength(RATE_LIMIT);
    expect(results.slice(RATE_LIMIT)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
  });

  it('shares idempotency keys: the same key sent to A and B at once makes one submission', async () => {
    await withClient(db.url, (c) => c.query('delete from rate_limit_bucket'));
    const key = `both-${Date.now()}`;
    const input = { formId: 'testantrag', version: '1.0', data: { ...VALID, name: 'Zweimal' } };
    const [fromA, fromB] = await Promise.all([a.gql<Json>(SUBMIT, { i: input, k: key }), b.gql<Json>(SUBMIT, { i: input, k: key })]);
    const refs = [fromA, fromB].map((r) => r.body.data?.submitForm?.referenceNumber);
    expect(refs[0]).toMatch(/^CLP-/);
    expect(refs[1]).toBe(refs[0]);
    const rows = await withClient(db.url, (c) => c.query(`select count(*)::int as n from submission where data->>'name' = 'Zweimal'`));
    expect(rows.rows[0].n).toBe(1);
  });

  it('delivers every webhook event exactly once with the workers of both instances running', async () => {
    await withClient(db.url, (c) => c.query('delete from rate_limit_bucket'));
    const admin = await bearer(a.config, Role.ADMIN, '03453004');
    const reg = await a.gql<Json>(REGISTER, { u: url, e: ['submission.received'] }, admin);
    expect(reg.body.errors).toBeUndefined();
    for (let i = 0; i < EVENTS; i++) {
      const t = i % 2 === 0 ? a : b;
      const res = await t.gql<Json>(SUBMIT, { i: { formId: 'testantrag', version: '1.0', data: { ...VALID, name: `Ereignis ${i}` } }, k: `event-${i}-${Date.now()}` });
      expect(res.body.data?.submitForm?.__typename).toBe('SubmissionReceipt');
    }
    // every job finished (none waiting, active or retrying), then the receiver's tally is final
    await within(60_000, 'all webhook jobs completed', async () => {
      const open = await withClient(db.url, (c) => c.query(`select count(*)::int as n from pgboss.job where name = 'lotse-webhook' and state not in ('completed', 'failed', 'cancelled')`));
      const done = await withClient(db.url, (c) => c.query(`select count(*)::int as n from pgboss.job where name = 'lotse-webhook' and state = 'completed'`));
      return open.rows[0].n === 0 && done.rows[0].n >= EVENTS ? true : undefined;
    });
    const ids = received.filter((e) => e.type === 'submission.received').map((e) => e.id as string);
    expect(ids).toHaveLength(EVENTS);
    expect(new Set(ids).size).toBe(EVENTS);
  });
});
