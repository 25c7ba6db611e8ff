import { LotseError } from '../errors/lotse.error.js';
import { assertPageSize, decodeCursor, encodeCursor } from './cursor.js';

describe('keyset cursors', () => {
  it('round-trips positions exactly, including float ranks', () => {
    const position: [number, string, string] = [-0.30000001192092896, 'fuhrerschein umtauschen', 'fuehrerschein-umtauschen'];
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each(['', 'not base64!', Buffer.from('k1:[1,2]').toString('base64url'), Buffer.from('x:[1,"a","b"]').toString('base64url'), 'a'.repeat(600)])(
    'rejects the malformed cursor %j with BAD_USER_INPUT',
    (cursor) => {
      expect(() => decodeCursor(cursor)).toThrow(LotseError);
      try {
        decodeCursor(cursor);
      } catch (error) {
        expect((error as LotseError).code).toBe('BAD_USER_INPUT');
      }
    },
  );

  it('caps page sizes at 100', () => {
    expect(assertPageSize(undefined)).toBe(20);
    expect(assertPageSize(100)).toBe(100);
    expect(() => assertPageSize(101)).toThrow(/zwischen 0 und 100/);
    expect(() => assertPageSize(-1)).toThrow(LotseError);
  });
});
