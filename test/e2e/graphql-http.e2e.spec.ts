import { startTestApp, type TestApp } from '../support/app.js';

/** Every error the API sends must have a code from the closed enum and no internals. */
function expectCleanError(body: unknown, code: string) {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/stack|node_modules|\.ts:|\.js:\d|at [A-Za-z]+ \(/);
  const errors = (body as { errors: Array<{ message: string; extensions: { code: string } }> }).errors;
  expect(errors.length).toBeGreaterThan(0);
  expect(errors[0].extensions.code).toBe(code);
  expect(errors[0].message).toMatch(/[a-zäöüß]/i);
}

async function post(t: TestApp, body: string | Buffer, contentType = 'application/json') {
  const res = await fetch(`${t.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

describe('GraphQL over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { GRAPHQL_MAX_DEPTH: '4', GRAPHQL_MAX_ALIASES: '3', GRAPHQL_MAX_COMPLEXITY: '20' } });
  });
  afterAll(() => t.close());

  it('answers { __typename }', async () => {
    const res = await t.gql('{ __typename }');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('reads the installation identity from PostgreSQL', async () => {
    const res = await t.gql<{ apiInfo: Record<string, string> }>('{ apiInfo { name version instanceId instanceLabel schemaVersion } }');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.apiInfo).toMatchObject({ name: 'Lotse', instanceLabel: 'Lotse' });
    expect(res.body.data?.apiInfo.instanceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.data?.apiInfo.schemaVersion).toMatch(/^Migration\d{14}_/);
  });

  it('echoes a well-formed request id and makes one up otherwise', async () => {
    const given = await t.gql('{ __typename }', undefined, { 'x-request-id': 'abc-123' });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const invalid = await t.gql('{ __typename }', undefined, { 'x-request-id': 'bad id with spaces' });
    expect(invalid.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await post(t, '{"query": "{ __typename }"');
    expect(res.status).toBe(400);
    expectCleanError(res.body, 'MALFORMED_JSON');
  });

  it('rejects a body over 100 KB with 413 PAYLOAD_TOO_LARGE', async () => {
    const query = `{ __typename }${' '.repeat(102_400)}`;
    const res = await post(t, JSON.stringify({ query }));
    expect(res.status).toBe(413);
    expectCleanError(res.body, 'PAYLOAD_TOO_LARGE');
  });

  it('accepts a body just under the limit', async () => {
    const query = `{ __typename }${' '.repeat(100_000)}`;
    const res = await post(t, JSON.stringify({ query }));
    expect(res.status).toBe(200);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/graphql', 'multipart/form-data; boundary=x'])(
    'rejects content type %s with 415 (CSRF prevention)',
    async (type) => {
      const res = await post(t, '{ __typename }', type);
      expect(res.status).toBe(415);
      expectCleanError(res.body, 'UNSUPPORTED_MEDIA_TYPE');
    },
  );

  it('rejects a POST without content type with 415', async () => {
    const res = await fetch(`${t.baseUrl}/graphql`, { method: 'POST', body: new Uint8Array(Buffer.from('{}')) });
    expect(res.status).toBe(415);
  });

  it('turns an unknown field into a validation error', async () => {
    const res = await t.gql('{ doesNotExist }');
    expect(res.status).toBe(400);
    expectCleanError(res.body, 'GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors?.[0].extensions?.reason).toContain('doesNotExist');
  });

  it('turns a syntax error into GRAPHQL_PARSE_FAILED', async () => {
    const res = await t.gql('{ apiInfo { name ');
    expect(res.status).toBe(400);
    expectCleanError(res.body, 'GRAPHQL_PARSE_FAILED');
  });

  it('rejects a query deeper than the limit', async () => {
    const deep = '{ __schema { types { fields { type { ofType { name } } } } } }';
    const res = await t.gql(deep);
    expect(res.status).toBe(400);
    expectCleanError(res.body, 'QUERY_TOO_DEEP');
  });

  it('follows fragments when measuring depth, and survives fragment cycles', async () => {
    const viaFragment = await t.gql('{ __schema { ...A } } fragment A on __Schema { types { fields { type { ofType { name } } } } }');
    expectCleanError(viaFragment.body, 'QUERY_TOO_DEEP');
    const cycle = await t.gql('{ __schema { ...A } } fragment A on __Schema { types { name } ...A }');
    expect(cycle.status).toBe(400);
    expect(cycle.body.errors?.length).toBeGreaterThan(0);
  });

  it('rejects more aliases than allowed', async () => {
    const res = await t.gql('{ a: __typename b: __typename c: __typename d: __typename }');
    expect(res.status).toBe(400);
    expectCleanError(res.body, 'TOO_MANY_ALIASES');
  });

  it('rejects a query above the complexity limit', async () => {
    const fields = Array.from({ length: 25 }, () => 'name').join(' ');
    const res = await t.gql(`{ apiInfo { ${fields} version instanceId } }`);
    expect(res.status).toBe(400);
    expectCleanError(res.body, 'QUERY_TOO_COMPLEX');
  });

  it('refuses batched requests', async () => {
    const res = await post(t, JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]));
    expect(res.status).toBe(400);
    expectCleanError(res.body, 'BATCHING_NOT_SUPPORTED');
  });

  it('serves queries over GET but never mutations', async () => {
    const res = await fetch(`${t.baseUrl}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('answers unknown routes with a German 404 and a code', async () => {
    const res = await fetch(`${t.baseUrl}/nowhere`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: unknown };
    expect(body.error).toMatchObject({ code: 'ROUTE_NOT_FOUND', message: 'Diese Adresse gibt es nicht.' });
  });

  it('keeps serving after a burst of bad requests', async () => {
    const bad = ['{', '[]', '{"query": 5}', '{"query": "[]"}', '{"query": "{"}', JSON.stringify({ query: '{ x }' }), '{}', 'null'];
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => post(t, bad[i % bad.length])));
    for (const r of responses) {
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expect(typeof (r.body as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe('string');
    }
    expect((await t.gql('{ __typename }')).status).toBe(200);
  });
});

describe('GraphQL in production mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { NODE_ENV: 'production', ACCESS_CODE_SECRET: 'test-secret-for-production-mode-0123456789' } });
  });
  afterAll(() => t.close());

  it('refuses introspection', async () => {
    const res = await t.gql('{ __schema { queryType { name } } }');
    expect(res.status).toBe(400);
    expectCleanError(res.body, 'INTROSPECTION_DISABLED');
    expect((await t.gql('{ __typename }')).status).toBe(200);
  });

  it('does not serve GraphiQL', async () => {
    const res = await fetch(`${t.baseUrl}/graphiql`);
    expect(res.status).toBe(404);
  });
});

describe('GraphQL in development mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { NODE_ENV: 'development' } });
  });
  afterAll(() => t.close());

  it('serves GraphiQL and introspection', async () => {
    const ide = await fetch(`${t.baseUrl}/graphiql`);
    expect(ide.status).toBe(200);
    expect(ide.headers.get('content-type')).toContain('text/html');
    const res = await t.gql('{ __schema { queryType { name } } }');
    expect(res.body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});
