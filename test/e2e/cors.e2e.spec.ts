import { startTestApp, type TestApp } from '../support/app.js';

const PORTAL = 'https://portal.example';

const preflight = (t: TestApp, origin: string) =>
  fetch(`${t.baseUrl}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
  });
const post = (t: TestApp, origin: string) =>
  fetch(`${t.baseUrl}/graphql`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });

describe('CORS', () => {
  describe('with CORS_ORIGINS', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { CORS_ORIGINS: PORTAL } });
    });
    afterAll(() => t.close());

    it('answers the preflight of an allowed origin with its headers and methods', async () => {
      const res = await preflight(t, PORTAL);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(PORTAL);
      expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
      expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/);
      expect(res.headers.get('access-control-max-age')).toBe('600');
    });

    it('lets the allowed origin read answers and the request id, and no other origin', async () => {
      const allowed = await post(t, PORTAL);
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(PORTAL);
      expect(allowed.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);
      const other = await post(t, 'https://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      expect((await preflight(t, 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('without CORS_ORIGINS', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('allows no browser origin', async () => {
      const res = await post(t, PORTAL);
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      const pre = await preflight(t, PORTAL);
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
      expect(pre.headers.get('access-control-allow-methods')).toBeNull();
    });
  });
});
