import { SignJWT } from 'jose';
import { DEV_ISSUER, type Role } from './roles.js';

/** A token signed with the development key (accepted only outside production). */
export function signDevToken(secret: string, claims: { sub: string; role: Role; org: string; name?: string; audience: string; ttlSeconds?: number }): Promise<string> {
  return new SignJWT({ role: claims.role, org: claims.org, name: claims.name })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(DEV_ISSUER)
    .setAudience(claims.audience)
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(`${claims.ttlSeconds ?? 8 * 3600}s`)
    .sign(new TextEncoder().encode(secret));
}
