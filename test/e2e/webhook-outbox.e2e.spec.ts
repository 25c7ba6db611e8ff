import { createServer, type Server } from 'node:http';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { Role } from '../../src/auth/roles.js';
import { ExportWorker } from '../../src/xoev/export.worker.js';
import { allowReceivers, startTestApp, type TestApp } from '../support/app.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { freePort, withClient } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const VALID = { name: 'Anna', gemeinde: '03453004', personen: [{ vorname: 'Anna' }], zahlungsart: 'BAR', bestaetigt: true };
const SUBMIT = `mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) { ... on SubmissionReceipt { referenceNumber } } }`;
const REGISTER = 'mutation($u: String!, $e: [String!]) { registerWebhook(url: $u, eventTypes: $e) { id } }';
const STATE = `query { webhooks { id url health { lastSuccessAt failing deadCount paused }
  deliveries(first: 50) { edges { node { id eventId eventType state attempts lastStatus lastError deliveredAt } } } } }`;

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, seconds = 40): Promise<T> {
  for (let i = 0; i < seconds * 10; i++) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Receiver {
  url: string;
  server: Server;
  received: Json[];
  inFlight: number;
  maxInFlight: number;
  behave: (event: Json) => { status: number; delayMs?: number };
}

async function receiver(): Promise<Receiver> {
  const r = { received: [], inFlight: 0, maxInFlight: 0, behave: () => ({ status: 204 }) } as unknown as Receiver;
  r.server = createServer((req, res) => {
    r.inFlight++;
    r.maxInFlight = Math.max(r.maxInFlight, r.inFlight);
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const event = JSON.parse(body);
      const { status, delayMs } = r.behave(event);
      setTimeout(() => {
        r.inFlight--;
        if (status < 300) r.received.push(event);
        res.writeHead(status).end();
      }, delayMs ?? 0);
    });
  });
  const port = await freePort();
  await new Promise<void>((done) => r.server.listen(port, '127.0.0.1', done));
  r.url = `http://127.0.0.1:${port}`;
  return r;
}

describe('the outbox: address policy, delivery state, health, redelivery, pausing, stable ids, fairness', () => {
  let t: TestApp;
  let copy: CatalogCopy;
  let fast: Receiver;
  let slow: Receiver;
  let failing: Receiver;
  let admin: Record<string, string>;
  let key = 0;
  const submit = (name: string) =>
    t.gql<Json>(SUBMIT, { i: { formId: 'testantrag', version: '1.0', data: { ...VALID, name } }, k: `outbox-${Date.now()}-${++key}` }).then((r) => r.body.data!.submitForm.referenceNumber as string);
  const webhooks = async () => (await t.gql<Json>(STATE, undefined, admin)).body.data!.webhooks as Json[];
  const hook = async (url: string) => (await webhooks()).find((w) => w.url === url)!;

  beforeAll(async () => {
    [fast, slow, failing] = await Promise.all([receiver(), receiver(), receiver()]);
    copy = await CatalogCopy.of();
    t = await startTestApp({
      env: {
        SUBMIT_RATE_LIMIT_PER_HOUR: '1000',
        WORKER_ENABLED: 'true',
        WEBHOOK_MAX_ATTEMPTS: '2',
        WEBHOOK_RETRY_DELAY_SECONDS: '1',
        WEBHOOK_DISABLE_AFTER: '3s',
        QUEUE_SUPERVISE_SECONDS: '1',
        ...allowReceivers(fast.url, slow.url, failing.url),
      },
    });
    await t.app.get(CatalogSyncService).sync(copy.dir);
    admin = await bearer(t.config, Role.ADMIN, '03453004');
  });
  afterAll(async () => {
    await t?.close();
    await copy?.destroy();
    for (const r of [fast, slow, failing]) await new Promise((done) => r?.server.close(done));
  });

  it('refuses loopback, private, link-local and own addresses with WEBHOOK_URL_FORBIDDEN, unless allowed by host:port', async () => {
    const dbPort = new URL(t.databaseUrl).port;
    const own = new URL(t.baseUrl).port;
    for (const url of [`http://127.0.0.1:${dbPort}/`, `http://localhost:${own}/graphql`, 'http://10.0.0.8/hook', 'http://169.254.169.254/latest/meta-data', 'http://[::1]:8080/', 'http://192.168.178.1/', `${fast.url.replace(/:\d+$/, ':1')}/`]) {
      const res = await t.gql<Json>(REGISTER, { u: url }, admin);
      expect([url, res.body.errors?.[0].extensions?.code]).toEqual([url, 'WEBHOOK_URL_FORBIDDEN']);
      expect(res.body.errors?.[0].message).toMatch(/nicht erlaubt/);
    }
    const before = await withClient(t.databaseUrl, (c) => c.query('select count(*)::int as n from webhook_subscription'));
    expect(before.rows[0].n).toBe(0);
  });

  it('checks the address again at delivery time: a receiver that now points at the database is never contacted', async () => {
    const reg = await t.gql<Json>(REGISTER, { u: `${failing.url}/rebound`, e: ['submission.received'] }, admin);
    const id = reg.body.data!.registerWebhook.id;
    // as if DNS now answered with the database's address
    await withClient(t.databaseUrl, (c) => c.query('update webhook_subscription set url = $1 where id = $2', [`http://127.0.0.1:${new URL(t.databaseUrl).port}/`, id]));
    await submit('Umgebogen');
    const dead = await until('the refused delivery', async () => (await webhooks()).find((w) => w.id === id)?.deliveries.edges.find((e: Json) => e.node.state === 'DEAD'));
    expect(dead.node).toMatchObject({ state: 'DEAD', lastError: 'WEBHOOK_URL_FORBIDDEN', attempts: 1 });
    await withClient(t.databaseUrl, (c) => c.query('update webhook_subscription set active = false where id = $1', [id]));
  });

  it('shows dead deliveries and health, redelivers with the same event id, and pauses a receiver failing for WEBHOOK_DISABLE_AFTER', async () => {
    failing.behave = () => ({ status: 503 });
    await t.gql<Json>(REGISTER, { u: `${failing.url}/hook`, e: ['submission.received'] }, admin);
    const url = `${failing.url}/hook`;
    await submit('Scheitert');
    const dead = await until('a dead delivery', async () => ((await hook(url)).health.deadCount === 1 ? hook(url) : undefined));
    expect(dead.health).toMatchObject({ failing: true, deadCount: 1, lastSuccessAt: null });
    const delivery = dead.deliveries.edges[0].node;
    expect(delivery).toMatchObject({ state: 'DEAD', attempts: 2, lastStatus: 503, eventType: 'submission.received' });
    const onlyDead = await t.gql<Json>(`query { webhooks { deliveries(state: DEAD) { edges { node { id } } } } }`, undefined, admin);
    expect(onlyDead.body.data!.webhooks.flatMap((w: Json) => w.deliveries.edges.map((e: Json) => e.node.id))).toContain(delivery.id);

    failing.behave = () => ({ status: 200 });
    const again = await t.gql<Json>('mutation($id: ID!) { redeliverWebhookEvent(id: $id) { id state eventId } }', { id: delivery.id }, admin);
    expect(again.body.data!.redeliverWebhookEvent).toMatchObject({ id: delivery.id, state: 'PENDING', eventId: delivery.eventId });
    const healed = await until('the redelivery', async () => ((await hook(url)).health.failing === false ? hook(url) : undefined));
    expect(healed.health).toMatchObject({ failing: false, deadCount: 0, paused: false });
    expect(healed.deliveries.edges[0].node).toMatchObject({ state: 'DELIVERED', eventId: delivery.eventId, attempts: 3 });
    expect(failing.received.filter((e) => e.id === delivery.eventId)).toHaveLength(1);
    const other = await bearer(t.config, Role.ADMIN, '03453007');
    expect((await t.gql<Json>('mutation($id: ID!) { redeliverWebhookEvent(id: $id) { id } }', { id: delivery.id }, other)).body.errors?.[0].extensions?.code).toBe('NOT_FOUND');

    // failing for longer than WEBHOOK_DISABLE_AFTER (3 s): paused, and what comes meanwhile is held
    failing.behave = () => ({ status: 500 });
    await submit('Pause 1');
    await until('failing', async () => (await hook(url)).health.failing);
    await new Promise((r) => setTimeout(r, 3200));
    await submit('Pause 2');
    const paused = await until('paused', async () => ((await hook(url)).health.paused ? hook(url) : undefined));
    expect(paused.health.paused).toBe(true);
    await submit('Pause 3');
    await until('a held delivery', async () => (await hook(url)).deliveries.edges.some((e: Json) => e.node.state === 'PAUSED'));
    failing.behave = () => ({ status: 200 });
    const hookId = paused.id;
    const resumed = await t.gql<Json>('mutation($id: ID!) { resumeWebhook(id: $id) { id } }', { id: hookId }, admin);
    expect(resumed.body.errors).toBeUndefined();
    await until('the held deliveries sent', async () => !(await hook(url)).deliveries.edges.some((e: Json) => e.node.state === 'PAUSED'));
    expect((await hook(url)).health.paused).toBe(false);
    await withClient(t.databaseUrl, (c) => c.query('update webhook_subscription set active = false where id = $1', [hookId]));
  });

  it('keeps event ids stable: an export that runs again adds no second delivery', async () => {
    await t.gql<Json>(REGISTER, { u: `${fast.url}/export`, e: ['submission.exported'] }, admin);
    const reference = await submit('Zweimal exportiert');
    const exported = await until('the export event', () => fast.received.find((e) => e.type === 'submission.exported' && e.data.referenceNumber === reference));
    const id = (await withClient(t.databaseUrl, (c) => c.query('select id from submission where reference_number = $1', [reference]))).rows[0].id;
    await t.app.get(ExportWorker).run(id); // as after a crash between the export's commit and its job's completion
    await new Promise((r) => setTimeout(r, 1500));
    expect(fast.received.filter((e) => e.type === 'submission.exported' && e.data.referenceNumber === reference).map((e) => e.id)).toEqual([exported.id]);
    const rows = await withClient(t.databaseUrl, (c) => c.query("select count(*)::int as n from webhook_delivery where event_id = $1", [exported.id]));
    expect(rows.rows[0].n).toBe(1);
  });

  it('never lets one slow receiver hold more than 2 workers, so the others keep being served', async () => {
    slow.behave = () => ({ status: 204, delayMs: 1500 });
    fast.behave = () => ({ status: 204 });
    await t.gql<Json>(REGISTER, { u: `${slow.url}/slow`, e: ['submission.received'] }, admin);
    await t.gql<Json>(REGISTER, { u: `${fast.url}/fast`, e: ['submission.received'] }, admin);
    const references: string[] = [];
    for (let i = 0; i < 12; i++) references.push(await submit(`Fair ${i}`));
    const fastDone = () => references.every((r) => fast.received.some((e) => e.type === 'submission.received' && e.data.referenceNumber === r));
    await until('all events at the fast receiver', fastDone);
    const slowDoneWhenFastWas = slow.received.filter((e) => references.includes(e.data.referenceNumber)).length;
    expect(slowDoneWhenFastWas).toBeLessThan(references.length);
    await until('all events at the slow receiver', () => references.every((r) => slow.received.some((e) => e.data.referenceNumber === r)), 60);
    expect(slow.maxInFlight).toBeLessThanOrEqual(2);
    expect(slow.maxInFlight).toBe(2);
  });
});
