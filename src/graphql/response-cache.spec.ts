import { connect, type AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
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
