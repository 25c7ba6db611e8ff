/**
 * ECMAScript patterns (JSON Schema) to XSD patterns, where the meaning is the same: XSD patterns are anchored
 * implicitly and know no non-capturing groups, lookarounds, lazy quantifiers or backreferences. Returns
 * undefined when the pattern cannot be carried over; the XSD is then looser than the JSON Schema, which still
 * validated the data, so an accepted submission is always valid against the XSD.
 */
export function toXsdPattern(pattern: string): string | undefined {
  let p = pattern;
  if (p.startsWith('^')) p = p.slice(1);
  else return undefined; // unanchored in JSON Schema: matches anywhere, XSD would demand the whole value
  if (p.endsWith('$') && !p.endsWith('\\$')) p = p.slice(0, -1);
  else return undefined;
  if (/\(\?[=!<]|\\[bBk]|\\\d|[*+?}]\?|\^|\$/.test(p.replace(/\\\\/g, ''))) return undefined;
  if (p.includes('|') && !/^\(.*\)$/.test(p)) {
    // top-level alternation is fine in XSD too (each branch is anchored as a whole)
  }
  return p.replace(/\(\?:/g, '(');
}
