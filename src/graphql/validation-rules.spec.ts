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
});

describe('rejectJsonDocuments', () => {
  it('rejects JSON sources and lets GraphQL through', () => {
    expect(() => rejectJsonDocuments('{"kind":"Document","definitions":[]}')).toThrow(LotseError);
    expect(() => rejectJsonDocuments('5')).toThrow(LotseError);
    expect(() => rejectJsonDocuments('{ name }')).not.toThrow();
    expect(() => rejectJsonDocuments('query Q { a: name }')).not.toThrow();
  });
});
