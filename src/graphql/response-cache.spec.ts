import type { IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createRootLogger } from '../common/logging/logger.js';
import { earlyRequestLog } from '../common/logging/request-log.js';
import { isPublicCatalogQuery, PublicResponseCache } from './response-cache.js';

describe('isPublicCatalogQuery', () => {
  it.each([
    ['{ services(first: 20) { edges { node { id } } } }', undefined],
    ['query List($a: String) { services(after: $a) { totalCount } serviceAreas { id } __typename }', undefined],
    ['query A { service(id: "x") { id } } mutation B { submitForm { __typename } }', 'A'],
  ])('takes %s', (query, operationName) => {
    expect(isPublicCatalogQuery(query, operationName)).toBe(true);
  });

  it.each([
    ['mutation { publishForm(formId: "x", version: "1.0") { id } }', undefined, 'a mutation'],
    ['{ services { totalCount } webhooks { id } }', undefined, 'a staff field beside public ones'],
    ['{ submission(referenceNumber: "x") { status } }', undefined, 'an applicant field'],
    ['{ __schema { types { name } } }', undefined, 'introspection'],
    ['{ ...F } fragment F on Query { services { totalCount } }', undefined, 'a fragment at the root'],
    ['query A { services { totalCount } } query B { serviceAreas { id } }', undefined, 'two operations without a name'],
    ['query A { services { totalCount } }', 'C', 'an operation name not in the document'],
    ['{ services @include(if: true) { totalCount } }', undefined, 'a directive at the root'],
    ['{ services(first: ', undefined, 'a syntax error'],
  ])('refuses %s (%s, %s)', (query, operationName, _why) => {
    expect(isPublicCatalogQuery(query, operationName)).toBe(false);
  });
});

/**
 * The cache in front of a stand-in for the GraphQL route (it echoes what it was asked, so that every answer shows the
 * request it belongs to, and counts its executions), on a real server: the early path runs on the server's requests.
 */
describe('PublicResponseCache', () => {
  const LIST = '{ services { totalCount } }';
  let app: FastifyInstance;
  let cache: PublicResponseCache;
  let base: string;
  let port: number;
  const state = { generation: 1, today: '2026-12-05', standAside: false, executed: 0 };

  beforeAll(async () => {
    app = Fastify();
    cache = new PublicResponseCache(() => state.generation, () => state.today);
    cache.installEarly(app.server, { requestId: (req) => String(req.headers['x-request-id'] ?? 'made-up'), standAside: () => state.standAside });
    cache.register(app);
    app.removeContentTypeParser('text/plain');
    app.addHook('onRequest', async (request, reply) => {
      reply.header('x-request-id', String(request.headers['x-request-id'] ?? 'made-up'));
    });
    app.post('/graphql', async (request, reply) => {
      state.executed += 1;
      const body = request.body as { query: string; variables?: Record<string, unknown> };
      const echo = { query: body.query, variables: body.variables ?? null, language: request.headers['accept-language'] ?? null, generation: state.generation, today: state.today };
      if (body.variables?.fail) return reply.type('application/json; charset=utf-8').send(JSON.stringify({ data: null, errors: [{ message: 'nein' }] }));
      return reply.type('application/json; charset=utf-8').send(JSON.stringify({ data: { echo } }));
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => app.close());
  beforeEach(() => {
    Object.assign(state, { generation: state.generation + 1, today: '2026-12-05', standAside: false });
  });

  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: response.status, text: await response.text() };
  };
  /** The whole response as bytes on the wire, Date taken out; the body sent in `parts` with a pause between them. */
  const raw = (body: string, parts = 1): Promise<string> =>
    new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
      socket.on('end', () => resolve(answer.replace(/^date: .*\r\n/im, '')));
      socket.on('error', reject);
      const bytes = Buffer.from(body);
      socket.write(`POST /graphql HTTP/1.1\r\nhost: x\r\nconnection: close\r\nx-request-id: r-1\r\ncontent-type: application/json\r\ncontent-length: ${bytes.length}\r\n\r\n`);
      const cut = Math.floor(bytes.length / parts);
      socket.write(bytes.subarray(0, cut));
      setTimeout(() => socket.write(bytes.subarray(cut)), 20);
    });
  const counts = () => ({ executed: state.executed, hits: cache.hits, earlyHits: cache.earlyHits, stores: cache.stores });

  it('answers a repeated request before Fastify with the same bytes, headers included', async () => {
    const body = JSON.stringify({ query: LIST, variables: { n: 1 } });
    const miss = await raw(body);
    const before = counts();
    const hit = await raw(body, 2);
    expect(hit).toBe(miss);
    expect(hit).toMatch(/^HTTP\/1\.1 200 OK\r\nx-request-id: r-1\r\ncontent-type: application\/json; charset=utf-8\r\ncontent-length: \d+\r\n/);
    expect(counts()).toEqual({ ...before, hits: before.hits + 1, earlyHits: before.earlyHits + 1 });
  });

  it('never answers nor stores a request with Authorization or X-Access-Code', async () => {
    const body = { query: LIST, variables: { n: 2 } };
    await post(body);
    for (const credential of [{ authorization: 'Bearer x' }, { 'x-access-code': 'AAAA-BBBB-CCCC' }] as Array<Record<string, string>>) {
      const before = counts();
      expect((await post(body, credential)).status).toBe(200);
      expect(counts()).toEqual({ ...before, executed: before.executed + 1 });
    }
  });

  it('empties itself when the catalog generation changes', async () => {
    const body = { query: LIST, variables: { n: 3 } };
    const first = await post(body);
    expect((await post(body)).text).toBe(first.text);
    state.generation += 1;
    const before = counts();
    const after = await post(body);
    expect(after.text).toContain(`"generation":${state.generation}`);
    expect(counts()).toEqual({ ...before, executed: before.executed + 1, stores: before.stores + 1 });
    expect(cache.size).toBe(1);
  });

  it('keys by Accept-Language and by the day', async () => {
    const body = { query: LIST, variables: { n: 4 } };
    await post(body, { 'accept-language': 'de' });
    let before = counts();
    expect((await post(body, { 'accept-language': 'en' })).text).toContain('"language":"en"');
    state.today = '2026-12-06';
    expect((await post(body, { 'accept-language': 'de' })).text).toContain('"today":"2026-12-06"');
    expect(counts().executed).toBe(before.executed + 2);
    before = counts();
    await post(body, { 'accept-language': 'de' });
    expect(counts()).toEqual({ ...before, hits: before.hits + 1, earlyHits: before.earlyHits + 1 });
  });

  it('hands a body it read and did not find on to Fastify unchanged', async () => {
    const first = JSON.stringify({ query: LIST, variables: { id: 'aaaa' } });
    const second = JSON.stringify({ query: LIST, variables: { id: 'bbbb' } });
    expect(second.length).toBe(first.length);
    await post(first);
    const before = counts();
    const answer = await raw(second, 3);
    expect(answer).toContain('"id":"bbbb"');
    expect(counts()).toEqual({ ...before, executed: before.executed + 1, stores: before.stores + 1 });
    expect(await raw(second)).toBe(answer);
  });

  it('never stores an answer with errors nor one for a document outside the public catalog', async () => {
    for (const body of [{ query: LIST, variables: { fail: true } }, { query: '{ services { totalCount } webhooks { id } }' }, { query: 'mutation { submitForm { __typename } }' }]) {
      await post(body);
      const before = counts();
      await post(body);
      expect(counts()).toEqual({ ...before, executed: before.executed + 1 });
    }
  });

  it('leaves a request of another media type to Fastify', async () => {
    const body = JSON.stringify({ query: LIST, variables: { n: 5 } });
    await post(body);
    const before = counts();
    expect((await post(body, { 'content-type': 'text/plain' })).status).toBe(415);
    expect(counts()).toEqual(before);
  });

  it('stands aside when told to, and the hook after parsing answers', async () => {
    const body = { query: LIST, variables: { n: 6 } };
    const first = await post(body);
    state.standAside = true;
    const before = counts();
    expect((await post(body)).text).toBe(first.text);
    expect(counts()).toEqual({ ...before, hits: before.hits + 1 });
  });

  it('forgets an evicted answer (bounded by entries)', async () => {
    const evicted = JSON.stringify({ query: LIST, variables: { n: -1 } });
    await post(evicted);
    for (let i = 0; i < 2000; i++) {
      await app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ query: LIST, variables: { n: i } }) });
    }
    expect(cache.size).toBe(2000);
    const before = counts();
    await post(evicted);
    expect(counts()).toEqual({ ...before, executed: before.executed + 1, stores: before.stores + 1 });
  });
});

/**
 * The request log of answers given early: the lines Fastify writes for the same request answered by it (the hook after
 * parsing), from the application's logger (createRootLogger: base bindings, timestamps, redaction) read back from
 * its destination.
 */
describe('PublicResponseCache: request log of answers given early', () => {
  const LIST = '{ services { totalCount } }';
  type Line = Record<string, unknown> & { msg?: string; reqId?: string; req?: Record<string, unknown> };
  /** Calls `then` once `ready()` holds, or after 2 s without (the assertions after it then show what is missing). */
  const once = (ready: () => boolean, then: () => void, deadline = Date.now() + 2000) => {
    if (ready() || Date.now() > deadline) then();
    else setTimeout(() => once(ready, then, deadline), 2);
  };

  /** A server like the application's: our logger, Fastify's log controller given to Fastify and to the early path. */
  const start = async (level: 'info' | 'warn', trustProxy = false) => {
    const lines: Line[] = [];
    const logger = createRootLogger({ logLevel: level }, { write: (line: string) => lines.push(JSON.parse(line) as Line) });
    let made = 0;
    const idOf = (req: IncomingMessage) => (typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : `made-${++made}`);
    const logController = new LogController();
    const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, logController, genReqId: idOf, trustProxy });
    const cache = new PublicResponseCache(() => 1, () => '2026-12-05');
    const early = { standAside: false };
    cache.installEarly(app.server, { requestId: idOf, standAside: () => early.standAside, requestLog: earlyRequestLog(app, logController, trustProxy) });
    cache.register(app);
    app.addHook('onRequest', async (request, reply) => {
      reply.header('x-request-id', request.id);
    });
    app.post('/graphql', async (request, reply) => reply.type('application/json; charset=utf-8').send(JSON.stringify({ data: { echo: request.body } })));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    /**
     * One request on its own connection: the body with Content-Length (the early path may answer it) or chunked (it
     * stands aside and Fastify answers); resolves with the response's request id once both of its lines are written
     * (or after 2 s).
     */
    const send = (body: string, { chunked = false, headers = '' } = {}) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        let answer = '';
        socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
        socket.on('error', reject);
        socket.on('end', () => {
          const id = /^x-request-id: (.*)\r$/m.exec(answer)![1];
          const written = () => (level === 'info' ? lines.some((l) => l.reqId === id && l.msg === 'request completed') : true);
          once(written, () => resolve(id));
        });
        const bytes = Buffer.from(body);
        const framing = chunked ? 'transfer-encoding: chunked' : `content-length: ${bytes.length}`;
        socket.write(`POST /graphql HTTP/1.1\r\nhost: lotse.test:8080\r\nconnection: close\r\ncontent-type: application/json\r\n${headers}${framing}\r\n\r\n`);
        socket.end(chunked ? `${bytes.length.toString(16)}\r\n${body}\r\n0\r\n\r\n` : bytes);
      });
    /**
     * The lines of one request, each with the request id it answered with, without the values that differ from
     * request to request (time, client port, time taken).
     */
    const linesOf = (id: string) =>
      lines
        .filter((l) => l.reqId === id)
        .map(({ time, responseTime, reqId, ...rest }) => {
          expect(typeof time).toBe('string');
          expect(reqId).toBe(id);
          if (rest.msg === 'request completed') expect(typeof responseTime).toBe('number');
          return rest.req ? { ...rest, req: { ...rest.req, remotePort: typeof rest.req.remotePort } } : rest;
        });
    /** A request that breaks off in its body; resolves once `count` lines with its request id are written (or after 2 s). */
    const breakOff = (body: string, id: string, count: number) =>
      new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.on('error', () => undefined);
        const bytes = Buffer.from(body);
        socket.write(`POST /graphql HTTP/1.1\r\nhost: x\r\nx-request-id: ${id}\r\ncontent-type: application/json\r\ncontent-length: ${bytes.length}\r\n\r\n`);
        socket.write(bytes.subarray(0, 10), () => setTimeout(() => socket.destroy(), 20));
        once(() => lines.filter((l) => l.reqId === id).length >= count, resolve);
      });
    return { app, cache, early, lines, send, breakOff, linesOf };
  };
  const counts = (cache: PublicResponseCache) => ({ hits: cache.hits, earlyHits: cache.earlyHits });

  it('writes at info the lines Fastify writes for the same request, with the request id it answers with', async () => {
    const { app, cache, send, linesOf } = await start('info');
    try {
      const body = JSON.stringify({ query: LIST, variables: { n: 1 } });
      await send(body);
      const before = counts(cache);
      // the same request answered by Fastify (chunked: the early path stands aside), then by the early path
      const throughFastify = linesOf(await send(body, { chunked: true }));
      expect(counts(cache)).toEqual({ hits: before.hits + 1, earlyHits: before.earlyHits });
      const early = await send(body);
      expect(counts(cache)).toEqual({ hits: before.hits + 2, earlyHits: before.earlyHits + 1 });
      expect(early).toMatch(/^made-\d+$/);
      expect(linesOf(early)).toEqual(throughFastify);
      expect(throughFastify).toEqual([
        { level: 30, service: 'lotse', req: { method: 'POST', url: '/graphql', host: 'lotse.test:8080', remoteAddress: '127.0.0.1', remotePort: 'number' }, msg: 'incoming request' },
        { level: 30, service: 'lotse', res: { statusCode: 200 }, msg: 'request completed' },
      ]);
      // a request id sent by the client
      const given = await send(body, { headers: 'x-request-id: r-7\r\n' });
      expect(given).toBe('r-7');
      expect(counts(cache)).toEqual({ hits: before.hits + 3, earlyHits: before.earlyHits + 2 });
      expect(linesOf(given)).toEqual(throughFastify);
    } finally {
      await app.close();
    }
  });

  it('with trustProxy takes the client address and host from X-Forwarded-* as Fastify does', async () => {
    const { app, cache, send, linesOf } = await start('info', true);
    try {
      const body = JSON.stringify({ query: LIST, variables: { n: 2 } });
      const headers = 'x-forwarded-for: 203.0.113.9, 198.51.100.2\r\nx-forwarded-host: lotse.example\r\n';
      await send(body, { headers });
      const throughFastify = linesOf(await send(body, { chunked: true, headers }));
      const before = counts(cache);
      const early = linesOf(await send(body, { headers }));
      expect(counts(cache)).toEqual({ hits: before.hits + 1, earlyHits: before.earlyHits + 1 });
      expect(early).toEqual(throughFastify);
      expect(early[0].req).toMatchObject({ host: 'lotse.example', remoteAddress: '203.0.113.9' });
    } finally {
      await app.close();
    }
  });

  it('hands a request whose body breaks off to Fastify, which logs it as when it had read the body itself', async () => {
    const { app, cache, early, send, breakOff, linesOf } = await start('info');
    try {
      const body = JSON.stringify({ query: LIST, variables: { n: 4 } });
      await send(body);
      const before = counts(cache);
      await breakOff(body, 'broken-early', 2);
      early.standAside = true;
      await breakOff(body, 'broken-fastify', 2);
      expect(counts(cache)).toEqual(before);
      const [fastify, broken] = [linesOf('broken-fastify'), linesOf('broken-early')];
      expect(fastify.map((l) => l.msg)).toEqual(['incoming request', 'aborted']);
      expect(broken).toEqual(fastify);
    } finally {
      await app.close();
    }
  });

  it('writes no request line at warn, and still answers early', async () => {
    const { app, cache, lines, send } = await start('warn');
    try {
      const body = JSON.stringify({ query: LIST, variables: { n: 3 } });
      await send(body);
      const before = counts(cache);
      await send(body);
      expect(counts(cache)).toEqual({ hits: before.hits + 1, earlyHits: before.earlyHits + 1 });
      expect(lines).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
