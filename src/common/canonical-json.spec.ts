import { canonicalJson, canonicalMembers, sha256Hex } from './canonical-json.js';

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys, drops whitespace and keeps values exact', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], c: { z: 1.5, y: '0049' } })).toBe('{"a":[true,null,"x"],"b":1,"c":{"y":"0049","z":1.5}}');
  });
  it('sorts by UTF-16 code units and escapes like JSON.stringify', () => {
    expect(canonicalJson({ é: 1, z: 2, Z: 3, '<': '</script>' })).toBe('{"<":"</script>","Z":3,"z":2,"é":1}');
  });
  it('gives the same bytes for equal data in any key order', () => {
    const a = { x: { p: 1, q: [1, 2] }, y: 'ü' };
    const b = { y: 'ü', x: { q: [1, 2], p: 1 } };
    expect(sha256Hex(canonicalJson(a))).toBe(sha256Hex(canonicalJson(b)));
  });
  it('drops undefined members, writes undefined array items as null, and keeps array order at every depth', () => {
    expect(canonicalJson({ b: [3, undefined, { d: undefined, c: [[], {}] }], a: undefined, '': 0 })).toBe('{"":0,"b":[3,null,{"c":[[],{}]}]}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson({ a: undefined })).toBe('{}');
  });
  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
  });
  it('composes an object from canonical members exactly as canonicalJson of the whole', () => {
    const data = { ä: 1, b: [{ y: 2, x: 'ß' }], A: null, '\u00e9': 'é', a: { '10': 1, '9': 2 } };
    for (const account of [undefined, 'acc-1']) {
      const whole = { formId: 'f', version: '1.0', locale: 'de', data, ...(account ? { account } : {}) };
      const members = Object.fromEntries(Object.entries(whole).map(([k, v]) => [k, canonicalJson(v)]));
      expect(canonicalMembers(members)).toBe(canonicalJson(whole));
    }
  });
});
