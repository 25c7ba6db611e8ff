import type { FormSchemaNode } from '../forms/form.types.js';
import { MessageFormCache } from './message-schemas.js';

const schema = (maxLength: number): FormSchemaNode => ({ type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength } } });

/** A stand-in for the row of form_version: what the cache reads on a miss, counted. */
function table() {
  const rows = new Map<string, { published: FormSchemaNode; stamp: string }>();
  let reads = 0;
  return {
    set: (id: string, published: FormSchemaNode, stamp: string) => rows.set(id, { published, stamp }),
    load: (id: string) => async () => {
      reads++;
      const row = rows.get(id)!;
      const [formId, version] = id.split('@');
      return { formId, version, published: row.published, stamp: row.stamp };
    },
    get reads() {
      return reads;
    },
  };
}

describe('MessageFormCache', () => {
  it('generates the schemas of a form version once and hands out the same array while the row is the same', async () => {
    const db = table();
    db.set('antrag@1.0', schema(50), '100');
    const cache = new MessageFormCache();
    const first = await cache.get('antrag@1.0', '100', db.load('antrag@1.0'));
    const second = await cache.get('antrag@1.0', '100', db.load('antrag@1.0'));
    expect(db.reads).toBe(1);
    expect(second).toBe(first);
    // the same array: the validator cache finds its compiled set by identity, without hashing the XSDs again
    expect(second.schemas).toBe(first.schemas);
    expect(first.schemas.map((s) => s.fileName)).toEqual(['lotse-nachricht.xsd', 'form.xsd']);
    expect(first.schemas[1].contents).toContain('<xs:maxLength value="50"/>');
    expect(first.schemas[1].namespace).toBe('urn:lotse:form:antrag:1.0');
  });

  it('reads and generates again when the row changed (published again, repaired, edited by hand)', async () => {
    const db = table();
    db.set('antrag@1.0', schema(50), '100');
    const cache = new MessageFormCache();
    const before = await cache.get('antrag@1.0', '100', db.load('antrag@1.0'));
    db.set('antrag@1.0', schema(1), '205');
    const after = await cache.get('antrag@1.0', '205', db.load('antrag@1.0'));
    expect(db.reads).toBe(2);
    expect(after.stamp).toBe('205');
    expect(after.schemas[1].contents).toContain('<xs:maxLength value="1"/>');
    expect(before.schemas[1].contents).toContain('<xs:maxLength value="50"/>');
    // the newer row is kept, not the one asked for: a case read before the change finds it too, read once more
    expect(await cache.get('antrag@1.0', '205', db.load('antrag@1.0'))).toBe(after);
    expect(cache.size).toBe(1);
  });

  it('keeps at most maxSize versions and drops the least recently used', async () => {
    const db = table();
    for (const id of ['a@1.0', 'b@1.0', 'c@1.0']) db.set(id, schema(10), '1');
    const cache = new MessageFormCache(2);
    await cache.get('a@1.0', '1', db.load('a@1.0'));
    await cache.get('b@1.0', '1', db.load('b@1.0'));
    await cache.get('a@1.0', '1', db.load('a@1.0')); // a is now the most recently used
    await cache.get('c@1.0', '1', db.load('c@1.0')); // b goes
    expect(cache.size).toBe(2);
    expect(cache.evicted).toBe(1);
    expect(db.reads).toBe(3);
    await cache.get('a@1.0', '1', db.load('a@1.0'));
    expect(db.reads).toBe(3);
    await cache.get('b@1.0', '1', db.load('b@1.0'));
    expect(db.reads).toBe(4);
  });

  it('refuses a size that is no positive integer', () => {
    expect(() => new MessageFormCache(0)).toThrow(/positive integer/);
  });
});
