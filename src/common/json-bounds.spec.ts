import { canonicalJson } from './canonical-json.js';
import { assertJsonBounds, DEFAULT_JSON_LIMITS, setJsonLimits } from './json-bounds.js';
import { illegalCharacters } from '../forms/form-validator.js';

/** `{"a":{"a":…1…}}` nested `depth` levels, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 ? { a: value } : [value];
  return value;
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
    return 'OK';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
};

describe('JSON bounds', () => {
  afterEach(() => setJsonLimits(DEFAULT_JSON_LIMITS));

  it('counts depth as the nesting of objects and arrays', () => {
    expect(codeOf(() => assertJsonBounds(nested(64)))).toBe('OK');
    expect(codeOf(() => assertJsonBounds(nested(65)))).toBe('INPUT_TOO_DEEP');
    expect(codeOf(() => assertJsonBounds('text'))).toBe('OK');
    expect(codeOf(() => assertJsonBounds({ a: [], b: {} }, { maxDepth: 2, maxNodes: 10 }))).toBe('OK');
    expect(codeOf(() => assertJsonBounds({ a: [[]] }, { maxDepth: 2, maxNodes: 10 }))).toBe('INPUT_TOO_DEEP');
  });

  it('refuses more values than allowed, counting every object, array and scalar', () => {
    expect(codeOf(() => assertJsonBounds([1, 2, 3], { maxDepth: 8, maxNodes: 4 }))).toBe('OK');
    expect(codeOf(() => assertJsonBounds([1, 2, 3, 4], { maxDepth: 8, maxNodes: 4 }))).toBe('INPUT_TOO_LARGE');
    expect(codeOf(() => assertJsonBounds({ a: { b: 1 }, c: 2 }, { maxDepth: 8, maxNodes: 3 }))).toBe('INPUT_TOO_LARGE');
    expect(codeOf(() => assertJsonBounds(new Array(200_000).fill(0)))).toBe('INPUT_TOO_LARGE');
  });

  it('never overflows the stack, however deep the value', () => {
    expect(codeOf(() => assertJsonBounds(nested(1_000_000)))).toBe('INPUT_TOO_DEEP');
  });

  it('keeps the recursive walkers safe when they are called without the scalar', () => {
    const deep = nested(10_000);
    expect(codeOf(() => canonicalJson(deep))).toBe('INPUT_TOO_DEEP');
    expect(codeOf(() => illegalCharacters(deep))).toBe('INPUT_TOO_DEEP');
    expect(codeOf(() => canonicalJson(nested(64)))).toBe('OK');
    setJsonLimits({ maxDepth: 8, maxNodes: 100 });
    expect(codeOf(() => canonicalJson(nested(9)))).toBe('INPUT_TOO_DEEP');
    expect(codeOf(() => illegalCharacters({ a: nested(8) }))).toBe('INPUT_TOO_DEEP');
  });
});
