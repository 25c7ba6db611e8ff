import { createECDH, createHmac, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

/** Issuer of `npm run token -- --citizen` tokens; accepted only outside production. */
export const DEV_CITIZEN_ISSUER = 'urn:lotse:development:citizen';
export const DEV_CITIZEN_KID = 'lotse-development-citizen';

// order of the P-256 group: a private scalar must lie in [1, n-1]
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/**
 * An ES256 key pair derived from DEV_TOKEN_SECRET, so that `npm run token` and the service agree without a key file.
 * Citizen tokens take asymmetric algorithms only, so the staff tokens' HS256 is no option here.
 */
export function devCitizenKeys(secret: string): { privateKey: KeyObject; publicKey: KeyObject } {
  let seed = createHmac('sha256', secret).update('lotse citizen development key').digest();
  while (BigInt(`0x${seed.toString('hex')}`) === 0n || BigInt(`0x${seed.toString('hex')}`) >= P256_ORDER) seed = createHmac('sha256', secret).update(seed).digest();
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(seed);
  const point = ecdh.getPublicKey(); // 0x04 || x || y
  const jwk = { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') };
  return {
    privateKey: createPrivateKey({ key: { ...jwk, d: seed.toString('base64url') }, format: 'jwk' }),
    publicKey: createPublicKey({ key: jwk, format: 'jwk' }),
  };
}

/** The claim value that stands for `level` in the trust map (BASIS: one the map does not know). */
export function claimValueFor(level: string, map: Readonly<Record<string, string | undefined>>): string {
  return Object.keys(map).find((value) => map[value] === level) ?? 'urn:lotse:development:basis';
}

/** A citizen token of the development issuer; `trust` is the trust claim's name and value. */
export function signDevCitizenToken(secret: string, claims: { sub: string; trust?: [string, string]; audience: string; ttlSeconds?: number }): Promise<string> {
  return new SignJWT(claims.trust ? { [claims.trust[0]]: claims.trust[1] } : {})
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: DEV_CITIZEN_KID })
    .setIssuer(DEV_CITIZEN_ISSUER)
    .setAudience(claims.audience)
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(`${claims.ttlSeconds ?? 3600}s`)
    .sign(devCitizenKeys(secret).privateKey);
}
