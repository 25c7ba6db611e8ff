import { buildSchema, parse, validate, type ValidationRule } from 'graphql';
import { LotseError } from '../common/errors/lotse.error.js';
import { aliasLimitRule, assertComplexity, depthLimitRule, noIntrospectionRule, rejectJsonDocuments } from './validation-rules.js';

const schema = buildSchema(`
  type Query { node: Node, nodes(first: Int): [Node!]!, name: String }
  type Node { name: String, child: Node, children(first: Int): [Node!]! }
`);

const codes = (source: string, rule: ValidationRule) =>
  validate(schema, parse(source), [rule]).map((e) => e.extensions.code);

describe('depthLimitRule', () => {
  it('allows the limit and rejects one level more', () => {
    expect(codes('{ node { child { name } } }', depthLimitRule(3))).toEqual([]);
    expect(codes('{ node { child { child { name } } } }', depthLimitRule(3))).toEqual(['QUERY_TOO_DEEP']);
  });

  it('counts through fragments and inline fragments', () => {
    const q = '{ node { ...F } } fragment F on Node { child { ... on Node { child { name } } } }';
    expect(codes(q, depthLimitRule(3))).toEqual(['QUERY_TOO_DEEP']);
    expect(codes(q, depthLimitRule(4))).toEqual([]);
  });

  it('terminates on fragment cycles', () => {
    const q = '{ node { ...F } } fragment F on Node { child { ...F } }';
    expect(() => validate(schema, parse(q), [depthLimitRule(5)])).not.toThrow();
  });
});

describe('aliasLimitRule', () => {
  it('counts aliases across the whole document', () => {
    expect(codes('{ a: name b: name }', aliasLimitRule(2))).toEqual([]);
    expect(codes('{ a: name b: name node { c: name } }', aliasLimitRule(2))).toEqual(['TOO_MANY_ALIASES']);
  });
});

describe('noIntrospectionRule', () => {
  it('rejects __schema and __type but allows __typename', () => {
    expect(codes('{ __typename }', noIntrospectionRule())).toEqual([]);
    expect(codes('{ __schema { types { name } } }', noIntrospectionRule())).toEqual(['INTROSPECTION_DISABLED']);
    expect(codes('{ __type(name: "Node") { name } }', noIntrospectionRule())).toEqual(['INTROSPECTION_DISABLED']);
  });
});

describe('assertComplexity', () => {
  it('multiplies list fields by `first`, also from variables', () => {
    const doc = parse('query($n: Int) { nodes(first: $n) { name child { name } } }');
    expect(() => assertComplexity(schema, doc, { n: 10 }, 31)).not.toThrow();
    expect(() => assertComplexity(schema, doc, { n: 10 }, 30)).toThrow(LotseError);
    expect(() => assertComplexity(schema, doc, { n: 100 }, 100)).toThrow(/erlaubt sind 100/);
  });

  it('keeps estimates per document, keyed by the `first` variables only, also inside fragments', () => {
    const doc = parse('query($n: Int, $other: String) { node { ...F } } fragment F on Node { children(first: $n) { name } }');
    // other variables (a form's data) do not change the estimate: the second call with another value is answered the same
    expect(() => assertComplexity(schema, doc, { n: 5, other: 'a' }, 7)).not.toThrow();
    expect(() => assertComplexity(schema, doc, { n: 5, other: 'b' }, 7)).not.toThrow();
    // a new `first` value is estimated anew, before and after a cached one
    expect(() => assertComplexity(schema, doc, { n: 6, other: 'a' }, 7)).toThrow(/Aufwand 8/);
    expect(() => assertComplexity(schema, doc, { n: 5, other: 'a' }, 7)).not.toThrow();
    // the limit is applied to a cached estimate, never cached itself
    expect(() => assertComplexity(schema, doc, { n: 5, other: 'a' }, 6)).toThrow(/Aufwand 7/);
  });

  it('keys by every variable when a field has its own complexity extension', () => {
    const extended = buildSchema('type Query { search(q: String): [String!]! }');
    extended.getQueryType()!.getFields().search.extensions = { complexity: ({ args }: { args: { q?: string } }) => (args.q?.length ?? 0) * 10 };
    const doc = parse('query($q: String) { search(q: $q) }');
    expect(() => assertComplexity(extended, doc, { q: 'ab' }, 20)).not.toThrow();
    expect(() => assertComplexity(extended, doc, { q: 'abc' }, 20)).toThrow(/Aufwand 30/);
  });
});

describe('rejectJsonDocuments', () => {
  it('rejects JSON sources and lets GraphQL through', () => {
    expect(() => rejectJsonDocuments('{"kind":"Document","definitions":[]}')).toThrow(LotseError);
    expect(() => rejectJsonDocuments('5')).toThrow(LotseError);
    expect(() => rejectJsonDocuments('{ name }')).not.toThrow();
    expect(() => rejectJsonDocuments('query Q { a: name }')).not.toThrow();
    for (const json of [' {}', '{ "a": 1 }', '[1]', ' "x"', '-1', '0.5e3', 'true', ' null ', 'false\n']) expect(() => rejectJsonDocuments(json)).toThrow(LotseError);
    for (const graphql of ['fragment F on Node { name } { node { ...F } }', 'mutation { a }', '{\n  nodes(first: 2) { name }\n}', 'nullable', 'true { a }']) expect(() => rejectJsonDocuments(graphql)).not.toThrow();
  });
});
