import { createHash } from 'node:crypto';
import { guardDepth } from './json-bounds.js';

/**
 * JSON Canonicalization Scheme (RFC 8785) for JSON data: object keys sorted by UTF-16 code units, no
 * whitespace, numbers and strings as ECMAScript serialises them. Equal data gives equal bytes. Values nested deeper
 * than JSON_MAX_DEPTH get INPUT_TOO_DEEP (never a stack overflow), whoever calls it.
 */
export function canonicalJson(value: unknown, depth = 0): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('non-finite number');
    if (value === undefined) throw new TypeError('undefined is not JSON');
    return JSON.stringify(value);
  }
  guardDepth(depth + 1);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v, depth + 1)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v, depth + 1)}`).join(',')}}`;
}

/**
 * The canonical JSON of an object whose members are given already canonical (`canonicalJson` of each value): the same
 * text as `canonicalJson` of the object, without serialising a large member (a form's data) a second time.
 */
export function canonicalMembers(members: Record<string, string>): string {
  const keys = Object.keys(members).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${JSON.stringify(k)}:${members[k]}`).join(',')}}`;
}

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
