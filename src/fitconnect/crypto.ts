import { createHash } from 'node:crypto';
import { CompactEncrypt, importJWK, type JWK } from 'jose';

/** Namespace of Lotse's UUIDv5 attachment ids (a fixed random UUID). */
export const ATTACHMENT_NAMESPACE = '3c0b6f2e-8d1a-4b7e-9f45-2a6d1c9e7b30';

/** RFC 4122 version 5 UUID (SHA-1) of `name` in `namespace`. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export const sha512Hex = (data: Buffer | string) => createHash('sha512').update(data).digest('hex');

/** Why a destination's encryption key is not fit for use (empty when it is). */
export function keyProblems(jwk: JWK & { key_ops?: string[]; x5c?: string[] }, kid: string, allowTestKeys: boolean): string[] {
  const problems: string[] = [];
  if (jwk.kty !== 'RSA') problems.push(`Schlüsseltyp ${String(jwk.kty)} statt RSA`);
  if (jwk.alg !== 'RSA-OAEP-256') problems.push(`Algorithmus ${String(jwk.alg)} statt RSA-OAEP-256`);
  if (!Array.isArray(jwk.key_ops) || !jwk.key_ops.includes('wrapKey')) problems.push('key_ops enthält nicht wrapKey');
  if (jwk.kid !== kid) problems.push(`kid ${String(jwk.kid)} statt ${kid}`);
  const bits = keyBits(jwk);
  if (bits < 4096) problems.push(`Schlüssellänge ${bits} Bit, mindestens 4096 nötig`);
  if (!allowTestKeys && (!Array.isArray(jwk.x5c) || jwk.x5c.length === 0)) problems.push('keine Zertifikatskette (x5c) der Verwaltungs-PKI');
  return problems;
}

export function keyBits(jwk: JWK): number {
  if (typeof jwk.n !== 'string') return 0;
  const n = Buffer.from(jwk.n, 'base64url');
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]));
}

/** The public key for `jose`: key_ops is dropped (WebCrypto would refuse `wrapKey` for the direct encryption use). */
export async function importEncryptionKey(jwk: JWK & { key_ops?: string[] }) {
  const { key_ops: _ops, x5c: _x5c, use: _use, ...plain } = jwk as JWK & { key_ops?: string[]; x5c?: string[]; use?: string };
  return importJWK({ ...plain, alg: 'RSA-OAEP-256' }, 'RSA-OAEP-256');
}

/** Compact JWE: RSA-OAEP-256 key wrapping, A256GCM content encryption, the key's kid and the payload's type. */
export async function encryptCompact(payload: Buffer, key: Awaited<ReturnType<typeof importEncryptionKey>>, kid: string, cty: string): Promise<string> {
  return new CompactEncrypt(payload).setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid, cty }).encrypt(key);
}
