import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

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

export const newSalt = () => randomBytes(16).toString('hex');

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
