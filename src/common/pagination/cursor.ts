import { badUserInput } from '../errors/lotse.error.js';

/** Position of a row in a keyset ordering: (a number, a text, the id). */
export type KeysetPosition = [number, string, string];

const PREFIX = 'k1:';

/** Opaque cursor: clients must not read or build them. */
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(PREFIX + JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): KeysetPosition {
  const invalid = () => badUserInput('Der Cursor ist ungültig. Bitte verwenden Sie einen Cursor aus einer vorherigen Antwort.', { argument: 'after' });
  if (cursor.length > 500 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX)) throw invalid();
  let value: unknown;
  try {
    value = JSON.parse(text.slice(PREFIX.length));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    typeof value[0] !== 'number' ||
    !Number.isFinite(value[0]) ||
    typeof value[1] !== 'string' ||
    typeof value[2] !== 'string'
  ) {
    throw invalid();
  }
  return value as KeysetPosition;
}

export const MAX_PAGE_SIZE = 100;

export function assertPageSize(first: number | undefined | null, fallback = 20): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw badUserInput(`„first“ muss zwischen 0 und ${MAX_PAGE_SIZE} liegen.`, { argument: 'first', max: MAX_PAGE_SIZE });
  }
  return size;
}
