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
  // plain loops, no callbacks: see byCodeUnits
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      // a hole stays empty, as map and join left it (JSON data has none)
      if (i in value) out += canonicalJson(value[i] === undefined ? null : value[i], depth + 1);
    }
    return out + ']';
  }
  const record = value as Record<string, unknown>;
  out = '{';
  for (const key of Object.keys(record).sort(byCodeUnits)) {
    const member = record[key];
    if (member === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${canonicalJson(member, depth + 1)}`;
  }
  return out + '}';
}

/**
 * Object keys in UTF-16 code-unit order. Module-level, like the loops above instead of map/filter callbacks: a callback
 * written inside a function is a new closure per call, and V8 drops the optimised code of closures that are gone at the
 * next full GC, so a hot path built from them is compiled again after every full GC for as long as the process runs.
 */
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The canonical JSON of an object whose members are given already canonical (`canonicalJson` of each value): the same
 * text as `canonicalJson` of the object, without serialising a large member (a form's data) a second time.
 */
export function canonicalMembers(members: Record<string, string>): string {
  let out = '{';
  for (const key of Object.keys(members).sort(byCodeUnits)) {
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${members[key]}`;
  }
  return out + '}';
}

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
