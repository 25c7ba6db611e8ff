import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { projectRoot } from '../../src/common/project-root.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { freePort } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';
import { Role } from '../../src/auth/roles.js';

const ISSUER = 'https://login.example.org/realms/landkreis';
const WHOAMI = '{ submissions(first: 1) { totalCount } }';

async function sign(privateKey: CryptoKey, claims: { iss?: string; aud?: string; exp?: number; role?: string; org?: string }, kid?: string) {
  const jwt = new SignJWT({ role: claims.role ?? 'CASEWORKER', org: claims.org ?? '03453' })
    .setProtectedHeader({ alg: 'ES256', ...(kid ? { kid } : {}) })
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? 'lotse')
    .setSubject('user-1')
    .setIssuedAt();
  jwt.setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600);
  return `Bearer ${await jwt.sign(privateKey)}`;
}

const codeOf = async (t: TestApp, authorization: string) => (await t.gql(WHOAMI, undefined, { authorization })).body.errors?.[0]?.extensions?.code ?? 'OK';

describe('authentication', () => {
  describe('with a configured public key (OIDC issuer)', () => {
    let t: TestApp;
    let privateKey: CryptoKey;
    beforeAll(async () => {
      const pair = await generateKeyPair('ES256', { extractable: true });
      privateKey = pair.privateKey;
      t = await startTestApp({ env: { AUTH_PUBLIC_KEY: await exportSPKI(pair.publicKey), AUTH_ISSUER: ISSUER, AUTH_CLOCK_SKEW_SECONDS: '60' } });
    });
    afterAll(() => t.close());

    it('accepts a valid token and checks issuer, audience, expiry with bounded skew, and the claims', async () => {
      const now = Math.floor(Date.now() / 1000);
      expect(await codeOf(t, await sign(privateKey, {}))).toBe('OK');
      expect(await codeOf(t, await sign(privateKey, { iss: 'https://evil.example' }))).toBe('UNAUTHENTICATED');
      expect(await codeOf(t, await sign(privateKey, { aud: 'someone-else' }))).toBe('UNAUTHENTICATED');
      expect(await codeOf(t, await sign(privateKey, { exp: now - 30 }))).toBe('OK'); // within 60 s of skew
      expect(await codeOf(t, await sign(privateKey, { exp: now - 120 }))).toBe('UNAUTHENTICATED');
      expect(await codeOf(t, await sign(privateKey, { role: 'KAISER' }))).toBe('FORBIDDEN');
      expect(await codeOf(t, await sign(privateKey, { org: '../etc' }))).toBe('FORBIDDEN');
      const other = await generateKeyPair('ES256');
      expect(await codeOf(t, await sign(other.privateKey, {}))).toBe('UNAUTHENTICATED');
    });
  });

  describe('with a JWKS URL', () => {
    let t: TestApp;
    let jwks: Server;
    let privateKey: CryptoKey;
    beforeAll(async () => {
      const pair = await generateKeyPair('ES256', { extractable: true });
      privateKey = pair.privateKey;
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
      jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
      const port = await freePort();
      await new Promise<void>((r) => jwks.listen(port, '127.0.0.1', r));
      t = await startTestApp({ env: { AUTH_JWKS_URL: `http://127.0.0.1:${port}/certs`, AUTH_ISSUER: ISSUER } });
    });
    afterAll(async () => {
      await t.close();
      await new Promise<void>((r) => jwks.close(() => r()));
    });

    it('verifies tokens against the published keys', async () => {
      expect(await codeOf(t, await sign(privateKey, {}, 'k1'))).toBe('OK');
      const other = await generateKeyPair('ES256');
      expect(await codeOf(t, await sign(other.privateKey, {}, 'k1'))).toBe('UNAUTHENTICATED');
    });
  });

  describe('development tokens', () => {
    it('come from npm run token and work outside production', async () => {
      const t = await startTestApp();
      try {
        const run = spawnSync(process.execPath, [join(projectRoot(), 'dist', 'src', 'auth', 'cli', 'token.js'), '--role', 'SUPERVISOR', '--org', '03453'], {
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development' },
        });
        expect(run.status).toBe(0);
        const token = run.stdout.trim();
        expect(token.split('.')).toHaveLength(3);
        expect(await codeOf(t, `Bearer ${token}`)).toBe('OK');
        const refused = spawnSync(process.execPath, [join(projectRoot(), 'dist', 'src', 'auth', 'cli', 'token.js'), '--role', 'ADMIN', '--org', '03453'], {
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ACCESS_CODE_SECRET: 'x'.repeat(40) },
        });
        expect(refused.status).toBe(1);
        expect(refused.stderr).toContain('nur außerhalb der Produktion');
      } finally {
        await t.close();
      }
    });

    it('are refused in production', async () => {
      const dev = await startTestApp();
      const token = (await bearer(dev.config, Role.ADMIN, '03453')).authorization;
      await dev.close();
      const prod = await startTestApp({ env: { NODE_ENV: 'production', ACCESS_CODE_SECRET: 'y'.repeat(40), DEV_TOKEN_SECRET: dev.config.devTokenSecret! } });
      try {
        expect(await codeOf(prod, token)).toBe('UNAUTHENTICATED');
      } finally {
        await prod.close();
      }
    });
  });
});
