import { Inject, Injectable } from '@nestjs/common';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ErrorCode } from '../common/errors/error-code.js';
import { LotseError } from '../common/errors/lotse.error.js';
import type { Principal } from '../common/auth/access.guard.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { DEV_ISSUER, Role, ROLE_PERMISSIONS } from './roles.js';

const invalid = () => new LotseError(ErrorCode.UNAUTHENTICATED, 'Das Zugangstoken ist ungültig oder abgelaufen. Bitte melden Sie sich erneut an.');
const ORGANISATION = /^(\d{5}|\d{8}|[a-z0-9][a-z0-9-]{0,79})$/;

/**
 * Verifies bearer JWTs (OIDC access tokens): signature against the JWKS URL or the configured public key,
 * issuer, audience, expiry with bounded clock skew. Outside production it also accepts tokens of
 * `npm run token` (HS256 with the development key, issuer urn:lotse:development).
 */
@Injectable()
export class TokenVerifier {
  private readonly remoteKeys?: JWTVerifyGetKey;
  private readonly publicKey?: { key: KeyObject; algorithms: string[] };
  private readonly devKey?: Uint8Array;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    if (config.authJwksUrl) this.remoteKeys = createRemoteJWKSet(new URL(config.authJwksUrl), { timeoutDuration: 3000, cooldownDuration: 30_000 });
    if (config.nodeEnv !== 'production' && config.devTokenSecret) this.devKey = new TextEncoder().encode(config.devTokenSecret);
    if (config.authPublicKey) {
      const key = createPublicKey(config.authPublicKey);
      const algorithms = { ec: ['ES256', 'ES384', 'ES512'], rsa: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'], ed25519: ['EdDSA'] }[key.asymmetricKeyType as string];
      if (!algorithms) throw new Error(`AUTH_PUBLIC_KEY: unsupported key type ${key.asymmetricKeyType}`);
      this.publicKey = { key, algorithms };
    }
  }

  async verify(token: string): Promise<Principal> {
    if (token.length > 8192) throw invalid();
    let payload: JWTPayload;
    try {
      payload = await this.verifySignature(token);
    } catch (error) {
      if (error instanceof LotseError) throw error;
      throw invalid();
    }
    return this.principalOf(payload);
  }

  private async verifySignature(token: string): Promise<JWTPayload> {
    const options = { audience: this.config.authAudience, clockTolerance: this.config.authClockSkewSeconds, requiredClaims: ['exp', 'sub'] };
    const [, body] = token.split('.');
    const claimedIssuer = body ? (JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as JWTPayload).iss : undefined;
    if (claimedIssuer === DEV_ISSUER) {
      if (!this.devKey) throw invalid();
      return (await jwtVerify(token, this.devKey, { ...options, issuer: DEV_ISSUER, algorithms: ['HS256'] })).payload;
    }
    const issuer = this.config.authIssuer;
    if (this.remoteKeys) return (await jwtVerify(token, this.remoteKeys, { ...options, issuer })).payload;
    if (this.publicKey) return (await jwtVerify(token, this.publicKey.key, { ...options, issuer, algorithms: this.publicKey.algorithms })).payload;
    throw invalid();
  }

  private principalOf(payload: JWTPayload): Principal {
    const role = payload.role ?? (Array.isArray(payload.roles) ? payload.roles[0] : undefined);
    const organisationId = payload.org;
    if (typeof role !== 'string' || !(role in ROLE_PERMISSIONS) || typeof organisationId !== 'string' || !ORGANISATION.test(organisationId)) {
      throw new LotseError(ErrorCode.FORBIDDEN, 'Dem Zugangstoken fehlt eine gültige Rolle oder Organisation.');
    }
    return {
      subject: String(payload.sub),
      name: typeof payload.name === 'string' ? payload.name : undefined,
      role: role as Role,
      organisationId,
      permissions: new Set(ROLE_PERMISSIONS[role as Role]),
    };
  }
}
