import { pointerSegment } from './json-pointer.js';

describe('pointerSegment', () => {
  it('escapes ~ before / (RFC 6901), and leaves other keys as they are', () => {
    expect(pointerSegment('a/b')).toBe('a~1b');
    expect(pointerSegment('~1')).toBe('~01');
    expect(pointerSegment('x~/y')).toBe('x~0~1y');
    expect(pointerSegment('straße')).toBe('straße');
    expect(pointerSegment('')).toBe('');
  });
});
