import { parseValue as parseGraphQLValue } from 'graphql';
import { JsonScalar } from './json.scalar.js';
import { documentNesting } from '../document-nesting.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'OK';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
};

describe('JSON scalar bounds', () => {
  it('refuses variables deeper than JSON_MAX_DEPTH or larger than JSON_MAX_NODES before anything else sees them', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(codeOf(() => JsonScalar.parseValue(deep))).toBe('INPUT_TOO_DEEP');
    expect(codeOf(() => JsonScalar.parseValue({ a: new Array(100_001).fill(1) }))).toBe('INPUT_TOO_LARGE');
    expect(JsonScalar.parseValue({ a: [1, { b: 'c' }] })).toEqual({ a: [1, { b: 'c' }] });
  });

  it('refuses literals deeper than the limit, and checks variables placed inside a literal', () => {
    expect(codeOf(() => JsonScalar.parseLiteral(parseGraphQLValue(`${'['.repeat(65)}1${']'.repeat(65)}`), {}))).toBe('INPUT_TOO_DEEP');
    expect(JsonScalar.parseLiteral(parseGraphQLValue('{a: [1, {b: "c"}], d: null}'), {})).toEqual({ a: [1, { b: 'c' }], d: null });
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    expect(codeOf(() => JsonScalar.parseLiteral(parseGraphQLValue('{a: $v}'), { v: deep }))).toBe('INPUT_TOO_DEEP');
  });

  it('measures the bracket nesting of a document without parsing it, ignoring strings and comments', () => {
    expect(documentNesting('{ a(b: [[1]]) { c } }', 100)).toBe(4);
    expect(documentNesting('{ a(b: "{{{{[[[") # ((((\n }', 100)).toBe(2);
    expect(documentNesting('{ a(b: """ {{{ \\""" [[[ """) }', 100)).toBe(2);
    expect(documentNesting('['.repeat(1_000_000), 100)).toBe(101);
  });
});
