import { createHash, createHmac, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';

/** Letters and digits that cannot be confused when read aloud or typed (no 0/O, 1/I/L). */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/**
 * The applicant's access code: 12 characters (about 59 bits) derived from a random salt with the server's
 * secret, so that the same submission can show the same code again (idempotent retries) while the database
 * holds only the salt and a hash.
 */
export function deriveAccessCode(secret: string, salt: string): string {
  const mac = createHmac('sha256', secret).update(salt).digest();
  let code = '';
  for (let i = 0; i < 12; i++) code += ALPHABET[mac[i] % ALPHABET.length];
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`;
}

/** Salts are cut from a pool of random bytes refilled 4 KB at a time (one call into the CSPRNG per 256 salts). */
const saltPool = Buffer.alloc(4096);
let saltOffset = saltPool.length;

/** A random salt: 16 bytes from the CSPRNG, as 32 hex characters; never two the same from one pool. */
export function newSalt(): string {
  if (saltOffset + 16 > saltPool.length) {
    randomFillSync(saltPool);
    saltOffset = 0;
  }
  const salt = saltPool.toString('hex', saltOffset, saltOffset + 16);
  saltOffset += 16;
  return salt;
}

const normalise = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

export const hashAccessCode = (code: string) => createHash('sha256').update(normalise(code)).digest('hex');

export function accessCodeMatches(code: string, hash: string): boolean {
  const a = Buffer.from(hashAccessCode(code), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A resume token for drafts: 256 random bits. */
export const newResumeToken = () => randomBytes(32).toString('base64url');
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
