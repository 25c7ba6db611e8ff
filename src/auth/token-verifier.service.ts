import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, importSPKI, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type CryptoKey } from 'jose';
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
  private publicKey?: Promise<CryptoKey>;
  private readonly devKey?: Uint8Array;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    if (config.authJwksUrl) this.remoteKeys = createRemoteJWKSet(new URL(config.authJwksUrl), { timeoutDuration: 3000, cooldownDuration: 30_000 });
    if (config.nodeEnv !== 'production' && config.devTokenSecret) this.devKey = new TextEncoder().encode(config.devTokenSecret);
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
    if (this.config.authPublicKey) {
      this.publicKey ??= importSPKI(this.config.authPublicKey, this.config.authPublicKey.includes('EC') ? 'ES256' : 'RS256');
      return (await jwtVerify(token, await this.publicKey, { ...options, issuer })).payload;
    }
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
