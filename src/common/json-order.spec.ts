import { canonicalJson } from './canonical-json.js';
import { orderLike } from './json-order.js';

describe('orderLike', () => {
  it('restores the order of a template at every level, keeps extra keys after it, and never changes content', () => {
    const stored = { a: 1, properties: { ort: { x: 1 }, strasse: { y: [{ b: 1, a: 2 }] } }, zusatz: true };
    const file = { properties: { strasse: { y: [{ a: 0, b: 0 }] }, ort: {} }, a: 0 };
    const ordered = orderLike(stored, file);
    expect(JSON.stringify(ordered)).toBe('{"properties":{"strasse":{"y":[{"a":2,"b":1}]},"ort":{"x":1}},"a":1,"zusatz":true}');
    expect(canonicalJson(ordered)).toBe(canonicalJson(stored));
  });

  it('leaves values alone where the template has another shape', () => {
    expect(orderLike({ b: 1, a: 2 }, [1])).toEqual({ b: 1, a: 2 });
    expect(orderLike([3, 4], { a: 1 })).toEqual([3, 4]);
    expect(orderLike('x', { a: 1 })).toBe('x');
  });
});
