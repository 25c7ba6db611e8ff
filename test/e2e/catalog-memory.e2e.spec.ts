import pg from 'pg';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { CatalogStoreService } from '../../src/catalog/catalog-store.service.js';
import { defaultCatalogDir } from '../../src/catalog/catalog.check.js';
import { connect } from 'node:net';
import { drainOf, responseCacheOf } from '../../src/app.factory.js';
import { Role } from '../../src/auth/roles.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { withClient } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The public catalog answers from memory: no SQL statement for any catalog read, seen at two layers: the ORM's
 * query hook, and every `query` of the `pg` driver (MikroORM's pool, raw `pg` and Kysely all end there). Only a
 * search with words asks PostgreSQL (its German full text), which also shows that both layers see statements.
 */
describe('catalog from memory', () => {
  let t: TestApp;
  const orm: string[] = [];
  const driver: string[] = [];
  const original = pg.Client.prototype.query;

  beforeAll(async () => {
    // the queue is off and the generation check far away, so that nothing else talks to PostgreSQL meanwhile
    t = await startTestApp({ env: { QUEUE_ENABLED: 'false', CATALOG_POLL_SECONDS: '3600' }, onQuery: (sql) => orm.push(sql) });
    await t.app.get(CatalogSyncService).sync(defaultCatalogDir());
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const first = args[0] as string | { text?: string };
      driver.push(typeof first === 'string' ? first : (first?.text ?? String(first)));
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
  });
  afterAll(async () => {
    pg.Client.prototype.query = original;
    await t.close();
  });

  const statementsOf = async (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => {
    orm.length = 0;
    driver.length = 0;
    const res = await t.gql<Json>(query, variables, headers);
    expect(res.body.errors).toBeUndefined();
    return { orm: [...orm], driver: [...driver], data: res.body.data! };
  };

  const READS: Array<[string, string]> = [
    ['areas', '{ serviceAreas { id name serviceCount } }'],
    [
      'the service list with everything related',
      `{ services(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title lifeSituations { code label }
          area { id name } responsibleUnit { id name } servicePoints { id name isOpen(at: "2026-12-07T09:00:00Z") organisation { id } }
          forms { id version jsonSchema uiSchema } versions { version current } } } } }`,
    ],
    ['a filtered list of a municipality', '{ services(filter: { areaId: "bauen", ags: "03453004", onlineOnly: false }, first: 5) { edges { node { id ags overriddenFields } } } }'],
    ['one service with an override', '{ service(id: "baugenehmigung-beantragen", ags: "03453004", locale: "en") { id title overriddenFields additionalText locale fallbackFields } }'],
    ['one service by LeiKa key, an earlier version', '{ service(leikaKey: "99050012104000") { id version versions { version } } }'],
    ['organisations of a municipality', '{ organisations(ags: "03453007") { id name kind } }'],
    ['the responsible organisation', '{ responsibleOrganisation(serviceId: "fahrzeug-zulassen", ags: "03453007") { id name } }'],
    ['service points of a service', '{ servicePoints(ags: "03453007", serviceId: "fahrzeug-zulassen") { id name nextOpenings(from: "2026-12-07T09:00:00Z", count: 3) { from to } } }'],
    ['Servicemobil stops', '{ servicemobilStops(from: "2026-12-07T00:00:00Z", to: "2026-12-20T00:00:00Z") { stopId from } }'],
    ['published forms', '{ forms(first: 5) { totalCount edges { node { id version title } } } }'],
    ['one form', '{ form(id: "wohngeld-antrag", locale: "en") { id version title jsonSchema } }'],
  ];

  it.each(READS)('%s: no SQL statement at either layer', async (_name, query) => {
    const seen = await statementsOf(query);
    expect(seen.orm).toEqual([]);
    expect(seen.driver).toEqual([]);
    expect(JSON.stringify(seen.data).length).toBeGreaterThan(20);
  });

  it('pages through the whole list from memory, each service once', async () => {
    const ids: string[] = [];
    let after: string | undefined;
    orm.length = 0;
    driver.length = 0;
    for (let page = 0; page < 50; page += 1) {
      const res = await t.gql<Json>('query($a: String) { services(first: 25, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }', { a: after });
      const connection = res.body.data!.services;
      ids.push(...connection.edges.map((e: Json) => e.node.id));
      if (!connection.pageInfo.hasNextPage) {
        expect(ids).toHaveLength(connection.totalCount);
        break;
      }
      after = connection.pageInfo.endCursor;
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(25);
    expect([...orm, ...driver]).toEqual([]);
  });

  it('a search with words is the one read that asks PostgreSQL, and both layers see it', async () => {
    const seen = await statementsOf('{ services(filter: { query: "Führerschein" }, first: 5) { edges { node { id area { id } } } } }');
    expect(seen.orm.some((sql) => /to_tsquery\('german'/.test(sql))).toBe(true);
    expect(seen.driver.some((sql) => /to_tsquery\('german'/.test(sql))).toBe(true);
    expect(seen.data.services.edges.length).toBeGreaterThan(0);
  });

  it('a sync that changes nothing keeps the generation and the snapshot', async () => {
    const store = t.app.get(CatalogStoreService);
    const before = store.generation;
    expect((await t.app.get(CatalogSyncService).sync(defaultCatalogDir())).outcome).toBe('UNCHANGED');
    expect(store.generation).toBe(before);
    const snapshot = store.snapshot();
    await store.refresh();
    expect(store.snapshot()).toBe(snapshot);
  });

  describe('whole responses of anonymous catalog queries', () => {
    const LIST = '{ services(first: 3) { totalCount edges { node { id title area { name } } } } }';

    it('answers a repeated anonymous query from the cache, byte for byte, without executing it', async () => {
      const cache = responseCacheOf(t.app)!;
      const first = await fetch(`${t.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: LIST }) });
      const firstBody = await first.text();
      const hits = cache.hits;
      const again = await fetch(`${t.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: LIST }) });
      expect(cache.hits).toBe(hits + 1);
      expect(await again.text()).toBe(firstBody);
      expect(again.headers.get('content-type')).toMatch(/^application\/json/);
      expect(again.headers.get('x-request-id')).toBeTruthy();
      // other variables, another language: their own entries
      await t.gql('{ services(first: 3) { totalCount edges { node { id title area { name } } } } }', undefined, { 'accept-language': 'en' });
      expect(cache.hits).toBe(hits + 1);
    });

    it('never serves or stores an answer for a request with credentials', async () => {
      const cache = responseCacheOf(t.app)!;
      await t.gql(LIST);
      const hits = cache.hits;
      const stores = cache.stores;
      const staff = await bearer(t.config, Role.ADMIN, '03453004');
      const res = await t.gql<Json>(LIST, undefined, staff);
      expect(res.body.errors).toBeUndefined();
      await t.gql(LIST, undefined, { 'x-access-code': 'AAAA-BBBB-CCCC' });
      expect([cache.hits, cache.stores]).toEqual([hits, stores]);
    });

    it('never stores an answer with errors, nor one with a field outside the public catalog', async () => {
      const cache = responseCacheOf(t.app)!;
      const stores = cache.stores;
      const hits = cache.hits;
      for (let i = 0; i < 2; i++) {
        const bad = await t.gql<Json>('{ service(id: "gibt-es-nicht") { id } }');
        expect(bad.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
        const refused = await t.gql<Json>('{ services(first: 3) { totalCount } webhooks { id } }');
        expect(refused.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      }
      expect([cache.hits, cache.stores]).toEqual([hits, stores]);
    });

    it('answers a hit before Fastify with the bytes of the answer after execution, ', async () => {
      const cache = responseCacheOf(t.app)!;
      const query = '{ serviceAreas { id name } }';
      const port = new URL(t.baseUrl).port;
      // the whole response on the wire (Date taken out), for a request with a given request id
      const wire = (headers = '') =>
        new Promise<string>((resolve, reject) => {
          const body = Buffer.from(JSON.stringify({ query }));
          const socket = connect(Number(port), '127.0.0.1');
          let answer = '';
          socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
          socket.on('end', () => resolve(answer.replace(/^date: .*\r\n/im, '')));
          socket.on('error', reject);
          socket.end(Buffer.concat([Buffer.from(`POST /graphql HTTP/1.1\r\nhost: x\r\nconnection: close\r\nx-request-id: e2e-1\r\ncontent-type: application/json\r\n${headers}content-length: ${body.length}\r\n\r\n`), body]));
        });
      const executed = await wire();
      expect(executed).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      const [hits, early] = [cache.hits, cache.earlyHits];
      expect(await wire()).toBe(executed);
      expect([cache.hits, cache.earlyHits]).toEqual([hits + 1, early + 1]);
      // with a credential: executed again (an answer for a staff token may differ), not from the cache
      const staff = await bearer(t.config, Role.ADMIN, '03453004');
      await wire(`authorization: ${staff.authorization}\r\n`);
      expect([cache.hits, cache.earlyHits]).toEqual([hits + 1, early + 1]);
    });

    it('drops every answer when the catalog generation changes', async () => {
      const cache = responseCacheOf(t.app)!;
      await t.gql(LIST);
      await t.gql(LIST);
      const hits = cache.hits;
      expect(cache.size).toBeGreaterThan(0);
      await withClient(t.databaseUrl, (c) => c.query('update catalog_generation set generation = generation + 1 where id = 1'));
      await t.app.get(CatalogStoreService).refresh();
      await t.gql(LIST);
      expect(cache.hits).toBe(hits);
      expect(cache.size).toBe(1);
    });

    // last: the application drains and takes no new connection afterwards
    it('leaves a hit to Fastify while draining, whose answer closes the connection', async () => {
      const cache = responseCacheOf(t.app)!;
      const body = JSON.stringify({ query: LIST });
      const post = () => fetch(`${t.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': 'de' }, body });
      await (await post()).text();
      const expected = await (await post()).text();
      const [hits, early] = [cache.hits, cache.earlyHits];
      const drain = drainOf(t.app)!;
      const socket = connect(Number(new URL(t.baseUrl).port), '127.0.0.1');
      let answer = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
      const ended = new Promise((resolve) => socket.on('end', resolve));
      // the headers first: the early path waits for the body while the drain begins
      socket.write(`POST /graphql HTTP/1.1\r\nhost: x\r\naccept-language: de\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`);
      while (drain.open().requests === 0) await new Promise((r) => setTimeout(r, 5));
      drain.begin();
      socket.write(body);
      await ended;
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(answer).toMatch(/^connection: close\r\n/im);
      expect(answer.slice(answer.indexOf('\r\n\r\n') + 4)).toBe(expected);
      expect([cache.hits, cache.earlyHits]).toEqual([hits + 1, early]);
    });
  });
});

/**
 * With the request log on (LOG_LEVEL info, the default), a cached answer is still given before Fastify, and it
 * writes the lines Fastify writes for the same request, read back from the application's log.
 */
describe('cached catalog answers with the request log on', () => {
  type Line = Record<string, unknown> & { msg?: string; reqId?: string; req?: Record<string, unknown> };
  const QUERY = '{ service(id: "fahrzeug-zulassen") { id title area { name } } }';
  let t: TestApp;
  const lines: Line[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      env: { LOG_LEVEL: 'info', QUEUE_ENABLED: 'false', CATALOG_POLL_SECONDS: '3600' },
      logDestination: { write: (line: string) => lines.push(JSON.parse(line) as Line) },
    });
    await t.app.get(CatalogSyncService).sync(defaultCatalogDir());
  });
  afterAll(() => t.close());

  /**
   * One request on its own connection, with Content-Length (the early path may answer it) or chunked (it stands
   * aside); resolves with the response's x-request-id and body once its "request completed" line is written (or after 2 s).
   */
  const send = (options: { chunked?: boolean; headers?: string; logged?: boolean } = {}) =>
    new Promise<{ id: string; body: string }>((resolve, reject) => {
      const body = Buffer.from(JSON.stringify({ query: QUERY }));
      const socket = connect(Number(new URL(t.baseUrl).port), '127.0.0.1');
      let answer = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
      socket.on('error', reject);
      socket.on('end', () => {
        expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
        const id = /^x-request-id: (.*)\r$/im.exec(answer)![1];
        const done = () => options.logged === false || lines.some((l) => l.reqId === id && l.msg === 'request completed');
        // at most 2 s: without the lines the assertions after it show what is missing
        const deadline = Date.now() + 2000;
        const wait = () => (done() || Date.now() > deadline ? resolve({ id, body: answer.slice(answer.indexOf('\r\n\r\n') + 4) }) : setTimeout(wait, 2));
        wait();
      });
      const framing = options.chunked ? 'transfer-encoding: chunked' : `content-length: ${body.length}`;
      socket.write(`POST /graphql HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\n${options.headers ?? ''}${framing}\r\n\r\n`);
      socket.end(options.chunked ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]) : body);
    });
  /** The request lines of one request id, without time, time taken and client port. */
  const linesOf = (id: string) =>
    lines
      .filter((l) => l.reqId === id)
      .map(({ time: _time, responseTime, ...rest }) => {
        if (rest.msg === 'request completed') expect(typeof responseTime).toBe('number');
        return rest.req ? { ...rest, req: { ...rest.req, remotePort: typeof rest.req.remotePort } } : rest;
      });

  it('answers a hit before Fastify and writes the lines Fastify writes for it', async () => {
    const cache = responseCacheOf(t.app)!;
    const stored = await send();
    const [hits, early] = [cache.hits, cache.earlyHits];
    const fastify = await send({ chunked: true });
    expect([cache.hits, cache.earlyHits]).toEqual([hits + 1, early]);
    const answered = await send();
    expect([cache.hits, cache.earlyHits]).toEqual([hits + 2, early + 1]);
    expect(answered.body).toBe(stored.body);
    // a new request id each (genReqId), in the lines as in the header
    expect(answered.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set([stored.id, fastify.id, answered.id]).size).toBe(3);
    const expected = linesOf(fastify.id).map((l) => ({ ...l, reqId: answered.id }));
    expect(expected.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
    expect(linesOf(answered.id)).toEqual(expected);
    // the client's request id
    const given = await send({ headers: 'x-request-id: e2e-log-1\r\n' });
    expect(given.id).toBe('e2e-log-1');
    expect(cache.earlyHits).toBe(early + 2);
    expect(linesOf(given.id)).toEqual(expected.map((l) => ({ ...l, reqId: 'e2e-log-1' })));
  });

  it('hands a request whose body breaks off while the early path reads it to Fastify, which logs it as its own', async () => {
    const cache = responseCacheOf(t.app)!;
    const body = JSON.stringify({ query: QUERY });
    await send();
    const port = Number(new URL(t.baseUrl).port);
    // the whole body announced (a stored length: the early path reads it) or one byte more (Fastify reads it)
    const breakOff = (id: string, extra: number) =>
      new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.on('error', () => undefined);
        socket.write(`POST /graphql HTTP/1.1\r\nhost: x\r\nx-request-id: ${id}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body) + extra}\r\n\r\n`);
        socket.write(body.slice(0, 10), () => setTimeout(() => socket.destroy(), 20));
        // a second line would be a wrong one (see below): waits for it up to 2 s
        const deadline = Date.now() + 2000;
        const wait = () => (lines.filter((l) => l.reqId === id).length >= 2 || Date.now() > deadline ? resolve() : setTimeout(wait, 2));
        wait();
      });
    const [hits, early] = [cache.hits, cache.earlyHits];
    await breakOff('e2e-broken-early', 0);
    await breakOff('e2e-broken-fastify', 1);
    expect([cache.hits, cache.earlyHits]).toEqual([hits, early]);
    const fastify = linesOf('e2e-broken-fastify');
    // only "incoming request": the broken-off body is the client's doing (BAD_REQUEST, nobody reads the answer), not
    // logged as "database unavailable" (its ECONNRESET once was; breakOff waits 2 s for a second line)
    expect(fastify.map((l) => l.msg)).toEqual(['incoming request']);
    expect(linesOf('e2e-broken-early')).toEqual(fastify.map((l) => ({ ...l, reqId: 'e2e-broken-early' })));
  });

  it('writes no request line once Fastify logs at warn, and still answers early', async () => {
    const cache = responseCacheOf(t.app)!;
    await send();
    const log = t.app.getHttpAdapter().getInstance().log;
    log.level = 'warn';
    try {
      const early = cache.earlyHits;
      const count = lines.length;
      const { id } = await send({ logged: false });
      await send({ chunked: true, logged: false });
      expect(cache.earlyHits).toBe(early + 1);
      expect(linesOf(id)).toEqual([]);
      expect(lines.length).toBe(count);
    } finally {
      log.level = 'info';
    }
  });
});
