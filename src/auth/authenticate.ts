import { ErrorCode } from '../common/errors/error-code.js';
import { LotseError } from '../common/errors/lotse.error.js';
import type { AuthState } from '../common/auth/access.guard.js';
import type { CitizenTokenVerifier } from './citizen-token-verifier.service.js';
import type { TokenVerifier } from './token-verifier.service.js';

export interface Verifiers {
  tokens: TokenVerifier;
  citizens: CitizenTokenVerifier;
}

/** The `iss` a token claims, read without verifying (only to pick the verifier; the verifier checks it). */
function claimedIssuer(token: string): unknown {
  try {
    return (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown }).iss;
  } catch {
    return undefined;
  }
}

/**
 * Reads `Authorization: Bearer <token>`. No header: anonymous. The token's issuer decides whether it is a citizen
 * token (CITIZEN_OIDC_ISSUER) or a staff token, never both. A bad token does not fail the request by itself (public
 * fields still answer); fields that need a login answer with the reason.
 */
export async function authenticate(header: string | undefined, verifiers: Verifiers): Promise<AuthState> {
  if (!header) return {};
  const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header.trim());
  if (!match) return { authError: new LotseError(ErrorCode.UNAUTHENTICATED, 'Erwartet wird „Authorization: Bearer <Token>“.') };
  const issuer = claimedIssuer(match[1]);
  if (verifiers.citizens.isCitizenIssuer(issuer)) {
    try {
      return { citizen: await verifiers.citizens.verify(match[1], issuer as string), citizenToken: true };
    } catch (error) {
      return { authError: error as Error, citizenToken: true };
    }
  }
  try {
    return { principal: await verifiers.tokens.verify(match[1]) };
  } catch (error) {
    return { authError: error as Error };
  }
}
