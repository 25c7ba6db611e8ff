/**
 * An in-process OpenID provider for citizen sign-in tests (a stand-in for a BundID broker): `oidc-provider` issuing
 * JWT access tokens for the audience `lotse-portal` with `acr`, through the authorization code flow with PKCE. The
 * test signs in with plain fetch: /auth → our login interaction (sub and acr, no HTML) → /auth resume → redirect
 * with the code → /token. Keys can be rotated (the old key leaves the JWKS), JWKS fetches are counted, and stopping
 * the server makes the IdP unreachable (connection refused).
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { importJWK, SignJWT } from 'jose';
import Provider from 'oidc-provider';

export const CITIZEN_AUDIENCE = 'lotse-portal';
export const EIDAS = {
  low: 'http://eidas.europa.eu/LoA/low',
  substantial: 'http://eidas.europa.eu/LoA/substantial',
  high: 'http://eidas.europa.eu/LoA/high',
} as const;

const CLIENT_ID = 'lotse-portal-test';
const REDIRECT_URI = 'https://portal.example.org/callback';
const RESOURCE = 'urn:lotse:portal';

export interface CitizenIdp {
  issuer: string;
  /** Signs `sub` in with `acr` and returns the access token (a JWT for lotse-portal). */
  signIn(sub: string, acr: string): Promise<string>;
  /** Replaces the signing key: the new key gets a new kid, the old key leaves the JWKS. */
  rotateKeys(): void;
  /** Signs any payload with the IdP's current key (header fields may be overridden): for tokens the flow never issues. */
  sign(payload: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>;
  /** How often the JWKS was fetched. */
  jwksFetches(): number;
  stop(): Promise<void>;
}

function signingKey(): Record<string, unknown> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };
}

/** Collects Set-Cookie answers into a cookie jar (name=value only; enough for the provider's own cookies). */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export async function startCitizenIdp(options: { acrValues?: string[] } = {}): Promise<CitizenIdp> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  let jwksFetches = 0;
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url?.startsWith('/jwks')) jwksFetches += 1;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const acrValues = options.acrValues ?? Object.values(EIDAS);

  const build = (key: Record<string, unknown>): Provider => {
    const provider = new Provider(issuer, {
      clients: [{ client_id: CLIENT_ID, token_endpoint_auth_method: 'none', redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code'], response_types: ['code'] }],
      jwks: { keys: [key as never] },
      acrValues,
      cookies: { keys: ['citizen-idp-test-cookie-key'] },
      pkce: { required: () => true },
      features: {
        devInteractions: { enabled: false },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => RESOURCE,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({ scope: 'applications', audience: CITIZEN_AUDIENCE, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'RS256' } } }),
        },
      },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      // explicit lifetimes (the provider's defaults are for development and say so on every start)
      ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
      // the portal is first-party: consent is given with the login
      loadExistingGrant: async (ctx) => {
        const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
        grant.addOIDCScope('openid');
        grant.addResourceScope(RESOURCE, 'applications');
        await grant.save();
        return grant;
      },
      findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
      extraTokenClaims: async (ctx) => {
        const acr = ctx.oidc.entities.AuthorizationCode?.acr;
        return acr ? { acr } : undefined;
      },
    });
    const callback = provider.callback();
    handler = (req, res) => {
      const login = /^\/interaction\/([^/]+)\/login\?(.*)$/.exec(req.url ?? '');
      if (req.method === 'POST' && login) {
        const params = new URLSearchParams(login[2]);
        provider
          .interactionFinished(req, res, { login: { accountId: params.get('sub')!, acr: params.get('acr')! } }, { mergeWithLastSubmission: false })
          .catch((error: Error) => res.writeHead(400).end(error.message));
        return;
      }
      callback(req, res);
    };
    return provider;
  };
  let current = signingKey();
  build(current);

  const expectRedirect = (response: Response, step: string): string => {
    const location = response.headers.get('location');
    if (response.status < 300 || response.status > 399 || !location) throw new Error(`citizen IdP: ${step} answered ${response.status}`);
    return new URL(location, issuer).toString();
  };

  return {
    issuer,
    async signIn(sub, acr) {
      const jar = new CookieJar();
      const verifier = randomBytes(32).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const state = randomBytes(8).toString('hex');
      const auth = new URL('/auth', issuer);
      for (const [k, v] of Object.entries({ client_id: CLIENT_ID, response_type: 'code', redirect_uri: REDIRECT_URI, scope: 'openid applications', code_challenge: challenge, code_challenge_method: 'S256', state, resource: RESOURCE, acr_values: acr })) {
        auth.searchParams.set(k, v);
      }
      let response = await fetch(auth, { redirect: 'manual' });
      jar.take(response);
      const interaction = expectRedirect(response, 'authorization');
      const uid = new URL(interaction).pathname.split('/').at(-1)!;
      response = await fetch(new URL(`/interaction/${uid}/login?${new URLSearchParams({ sub, acr })}`, issuer), { method: 'POST', redirect: 'manual', headers: { cookie: jar.header() } });
      jar.take(response);
      let next = expectRedirect(response, 'login');
      // resume: the provider answers with the redirect to the portal carrying the code
      for (let hop = 0; hop < 5 && !next.startsWith(REDIRECT_URI); hop += 1) {
        response = await fetch(next, { redirect: 'manual', headers: { cookie: jar.header() } });
        jar.take(response);
        next = expectRedirect(response, 'resume');
      }
      const callback = new URL(next);
      if (callback.searchParams.get('state') !== state) throw new Error('citizen IdP: state mismatch');
      const code = callback.searchParams.get('code');
      if (!code) throw new Error(`citizen IdP: no code (${callback.searchParams.get('error')}: ${callback.searchParams.get('error_description')})`);
      response = await fetch(new URL('/token', issuer), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier, client_id: CLIENT_ID, resource: RESOURCE }),
      });
      const body = (await response.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!body.access_token) throw new Error(`citizen IdP: token endpoint ${response.status} ${body.error}: ${body.error_description}`);
      return body.access_token;
    },
    rotateKeys() {
      current = signingKey();
      build(current);
    },
    async sign(payload, header = {}) {
      const key = await importJWK(current as never, 'RS256');
      return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: current.kid as string, ...header } as never).sign(key);
    },
    jwksFetches: () => jwksFetches,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
