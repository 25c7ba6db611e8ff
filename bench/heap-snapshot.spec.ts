import { changes, summarise, survivors, type HeapSnapshotJson } from './heap-snapshot.js';

const TYPES = ['hidden', 'array', 'string', 'object', 'code', 'closure', 'native'];
const STRINGS = ['Session', 'handle', '(code for validate12)', '(code for validate40)', 'Buffer', 'abc', 'defgh'];

/** A snapshot in V8's layout: [type, name, id, self_size, edge_count] per node. */
function snapshot(nodes: Array<[type: string, name: string, id: number, selfSize: number]>): HeapSnapshotJson {
  return {
    snapshot: { meta: { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'], node_types: [TYPES] } },
    nodes: nodes.flatMap(([type, name, id, size]) => [TYPES.indexOf(type), STRINGS.indexOf(name), id, size, 0]),
    strings: STRINGS,
  };
}

describe('summarise', () => {
  it('counts instances per constructor, strings as one kind and compiled code with its digits folded', () => {
    const s = summarise(
      snapshot([
        ['object', 'Session', 1, 40],
        ['object', 'Session', 3, 40],
        ['string', 'abc', 5, 16],
        ['string', 'defgh', 7, 24],
        ['code', '(code for validate12)', 9, 300],
        ['code', '(code for validate40)', 11, 500],
        ['closure', 'handle', 13, 32],
      ]),
    );
    expect(Object.fromEntries(s)).toEqual({
      'object:Session': { count: 2, bytes: 80 },
      string: { count: 2, bytes: 40 },
      'code:(code for validate#)': { count: 2, bytes: 800 },
      'closure:handle': { count: 1, bytes: 32 },
    });
  });

  it('refuses a snapshot whose nodes lack a field it reads', () => {
    const broken = snapshot([['object', 'Session', 1, 40]]);
    broken.snapshot.meta.node_fields = ['type', 'name', 'id', 'edge_count'];
    expect(() => summarise(broken)).toThrow('self_size');
  });
});

describe('changes', () => {
  it('lists the kinds that changed, the largest growth first, with what there is afterwards', () => {
    const before = summarise(snapshot([['object', 'Session', 1, 40], ['string', 'abc', 3, 16], ['closure', 'handle', 5, 32]]));
    const after = summarise(snapshot([['object', 'Session', 1, 40], ['object', 'Session', 7, 40], ['object', 'Session', 9, 40], ['closure', 'handle', 5, 32]]));
    expect(changes(before, after)).toEqual([
      { kind: 'object:Session', countDelta: 2, bytesDelta: 80, after: { count: 3, bytes: 120 } },
      { kind: 'string', countDelta: -1, bytesDelta: -16, after: { count: 0, bytes: 0 } },
    ]);
  });
});

describe('survivors', () => {
  it('keeps the objects made between the first and second snapshot that the third still has, native nodes left out', () => {
    const first = snapshot([['object', 'Session', 1, 40]]);
    const middle = snapshot([
      ['object', 'Session', 1, 40], // old
      ['object', 'Session', 3, 40], // new, kept
      ['object', 'Session', 5, 40], // new, gone by the third
      ['string', 'abc', 7, 16], // new, kept
      ['native', 'Buffer', 9, 1000], // native: ids not stable
    ]);
    const last = snapshot([['object', 'Session', 1, 40], ['object', 'Session', 3, 40], ['string', 'abc', 7, 16], ['native', 'Buffer', 9, 1000]]);
    expect(Object.fromEntries(survivors(first, middle, last))).toEqual({ 'object:Session': { count: 1, bytes: 40 }, string: { count: 1, bytes: 16 } });
  });
});
