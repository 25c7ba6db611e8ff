import { ErrorCode } from '../common/errors/error-code.js';
import { LotseError } from '../common/errors/lotse.error.js';
import type { AuthState } from '../common/auth/access.guard.js';
import type { TokenVerifier } from './token-verifier.service.js';

/**
 * Reads `Authorization: Bearer <token>`. No header: anonymous. A bad token does not fail the request by itself
 * (public fields still answer); fields that need a permission answer with the reason.
 */
export async function authenticate(header: string | undefined, tokens: TokenVerifier): Promise<AuthState> {
  if (!header) return {};
  const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header.trim());
  if (!match) return { authError: new LotseError(ErrorCode.UNAUTHENTICATED, 'Erwartet wird „Authorization: Bearer <Token>“.') };
  try {
    return { principal: await tokens.verify(match[1]) };
  } catch (error) {
    return { authError: error as Error };
  }
}
