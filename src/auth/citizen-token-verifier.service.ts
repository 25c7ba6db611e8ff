import { Inject, Injectable, Logger } from '@nestjs/common';
import type { KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ErrorCode } from '../common/errors/error-code.js';
import { LotseError } from '../common/errors/lotse.error.js';
import type { CitizenPrincipal } from '../common/auth/access.guard.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { DEV_CITIZEN_ISSUER, devCitizenKeys } from './dev-citizen-token.js';
import { trustLevelOf } from './trust-level.js';

/** Citizen tokens are signed asymmetrically: HS256 (a shared secret) and `none` are refused. */
export const CITIZEN_ALGORITHMS = ['RS256', 'PS256', 'ES256'];
const MAX_TOKEN_AGE = '24h';
const FETCH_TIMEOUT_MS = 3000;
/** What jose reports about the token itself; anything else (timeouts, refused connections, 5xx) is the IdP's fault. */
const TOKEN_FAULTS = new Set([
  joseErrors.JWTClaimValidationFailed.code,
  joseErrors.JWTExpired.code,
  joseErrors.JOSEAlgNotAllowed.code,
  joseErrors.JOSENotSupported.code,
  joseErrors.JWSInvalid.code,
  joseErrors.JWTInvalid.code,
  joseErrors.JWKInvalid.code,
  joseErrors.JWKSNoMatchingKey.code,
  joseErrors.JWKSMultipleMatchingKeys.code,
  joseErrors.JWSSignatureVerificationFailed.code,
]);

const invalid = () => new LotseError(ErrorCode.UNAUTHENTICATED, 'Die Anmeldung mit dem Nutzerkonto ist ungültig oder abgelaufen. Bitte melden Sie sich erneut an.', undefined, 'The citizen account sign-in is invalid or has expired. Please sign in again.');
const unavailable = () =>
  new LotseError(ErrorCode.SERVICE_UNAVAILABLE, 'Das Nutzerkonto ist gerade nicht erreichbar; die Anmeldung kann nicht geprüft werden. Bitte versuchen Sie es später noch einmal.', undefined, 'The citizen account service cannot be reached right now; the sign-in cannot be checked. Please try again later.');

/**
 * Verifies citizen access tokens of CITIZEN_OIDC_ISSUER: keys from the JWKS its discovery document names (the
 * document is fetched once and kept; the keys are refetched when a token names an unknown `kid`, at most once per
 * CITIZEN_JWKS_COOLDOWN_SECONDS), RS256/PS256/ES256 only, audience, expiry with bounded skew, `iat` not in the future.
 * The account is (iss, sub); the trust level comes from CITIZEN_TRUST_CLAIM through CITIZEN_TRUST_MAP.
 * Outside production it also accepts `npm run token -- --citizen` tokens (ES256, key derived from DEV_TOKEN_SECRET).
 */
@Injectable()
export class CitizenTokenVerifier {
  private readonly logger = new Logger(CitizenTokenVerifier.name);
  private keys?: Promise<JWTVerifyGetKey>;
  private readonly devKey?: KeyObject;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    if (config.nodeEnv !== 'production' && config.devTokenSecret) this.devKey = devCitizenKeys(config.devTokenSecret).publicKey;
  }

  /** Whether tokens of `issuer` are citizen tokens (and so never staff tokens). */
  isCitizenIssuer(issuer: unknown): boolean {
    if (typeof issuer !== 'string') return false;
    return issuer === this.config.citizenOidcIssuer || (this.devKey !== undefined && issuer === DEV_CITIZEN_ISSUER);
  }

  async verify(token: string, issuer: string): Promise<CitizenPrincipal> {
    if (token.length > 8192) throw invalid();
    const options = {
      issuer,
      audience: this.config.citizenOidcAudience,
      clockTolerance: this.config.citizenClockSkewSeconds,
      maxTokenAge: MAX_TOKEN_AGE,
      requiredClaims: ['exp', 'iat', 'sub'],
      algorithms: CITIZEN_ALGORITHMS,
    };
    let payload: JWTPayload;
    try {
      if (issuer === DEV_CITIZEN_ISSUER && this.devKey) payload = (await jwtVerify(token, this.devKey, { ...options, algorithms: ['ES256'] })).payload;
      else payload = (await jwtVerify(token, await this.remoteKeys(), options)).payload;
    } catch (error) {
      if (error instanceof LotseError) throw error;
      if (error instanceof joseErrors.JOSEError && TOKEN_FAULTS.has(error.code)) throw invalid();
      this.logger.warn({ msg: 'citizen IdP unreachable', error: error instanceof Error ? error.message : String(error) });
      throw unavailable();
    }
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 255) throw invalid();
    return { issuer, subject: payload.sub, trustLevel: trustLevelOf(payload[this.config.citizenTrustClaim], this.config.citizenTrustMap) };
  }

  /** The key set named by the discovery document; a failed discovery is tried again on the next token. */
  private remoteKeys(): Promise<JWTVerifyGetKey> {
    if (!this.keys) {
      this.keys = this.discover();
      this.keys.catch(() => (this.keys = undefined));
    }
    return this.keys;
  }

  private async discover(): Promise<JWTVerifyGetKey> {
    const issuer = this.config.citizenOidcIssuer;
    if (!issuer) throw invalid();
    const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
    if (response.status !== 200) throw new Error(`discovery answered ${response.status}`);
    const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (document.issuer !== issuer || typeof document.jwks_uri !== 'string') throw new Error('discovery document names another issuer or no jwks_uri');
    const url = new URL(document.jwks_uri);
    if (url.protocol !== 'https:' && this.config.nodeEnv === 'production') throw new Error('jwks_uri is not https');
    return createRemoteJWKSet(url, { timeoutDuration: FETCH_TIMEOUT_MS, cooldownDuration: this.config.citizenJwksCooldownSeconds * 1000, cacheMaxAge: 600_000 });
  }
}
