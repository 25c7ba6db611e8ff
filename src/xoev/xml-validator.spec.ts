import { XsdValidatorCache, validateAgainstXsd, xsdValidators, type XsdFile } from './xml-validator.js';

const NS = 'urn:lotse:test:zahlen';
const schemaSet = (type: string): XsdFile[] => [
  {
    fileName: 'zahlen.xsd',
    namespace: NS,
    contents: `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:z="${NS}" targetNamespace="${NS}" elementFormDefault="qualified">
  <xs:include schemaLocation="../teile/zahl.xsd"/>
  <xs:element name="liste"><xs:complexType><xs:sequence><xs:element ref="z:zahl" maxOccurs="unbounded"/></xs:sequence></xs:complexType></xs:element>
</xs:schema>`,
  },
  {
    fileName: '../teile/zahl.xsd',
    contents: `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="${NS}" elementFormDefault="qualified">
  <xs:element name="zahl" type="xs:${type}"/>
</xs:schema>`,
  },
];
const doc = (...values: string[]) => `<?xml version="1.0" encoding="UTF-8"?>\n<z:liste xmlns:z="${NS}">\n${values.map((v) => `<z:zahl>${v}</z:zahl>`).join('\n')}\n</z:liste>`;

describe('validateAgainstXsd with compiled schemas', () => {
  it('resolves includes by relative file name and reports violations with line and libxml2 text', async () => {
    const schemas = schemaSet('int');
    expect(await validateAgainstXsd(doc('1', '2'), schemas)).toEqual({ valid: true, errors: [] });
    const result = await validateAgainstXsd(doc('1', 'zwei'), schemas);
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([{ message: expect.stringMatching(/^Schemas validity error : Element '\{urn:lotse:test:zahlen\}zahl': 'zwei' is not a valid value of the atomic type 'xs:int'\.$/), line: 4 }]);
  });

  it('validates several documents in one call and refuses malformed XML with a parser error', async () => {
    const result = await validateAgainstXsd([doc('1'), '<z:liste xmlns:z="urn:x">', doc('x')], schemaSet('int'));
    expect(result.valid).toBe(false);
    expect(result.errors.some((e) => e.message.startsWith('parser error : '))).toBe(true);
    expect(result.errors.filter((e) => e.message.startsWith('Schemas validity error : '))).toHaveLength(1);
  });

  it('compiles a schema set once and reuses it for equal contents in a new array', async () => {
    const before = xsdValidators.compiled;
    await validateAgainstXsd(doc('1'), schemaSet('short'));
    await validateAgainstXsd(doc('2'), schemaSet('short'));
    const again = schemaSet('short');
    await validateAgainstXsd(doc('3'), again);
    await validateAgainstXsd(doc('4'), again);
    expect(xsdValidators.compiled - before).toBe(1);
  });

  it('does not keep a schema that fails to compile, and says why', async () => {
    const broken: XsdFile[] = [{ fileName: 'kaputt.xsd', contents: '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a" type="xs:gibtsnicht"/></xs:schema>' }];
    const size = xsdValidators.size;
    await expect(validateAgainstXsd('<a/>', broken)).rejects.toThrow(/gibtsnicht[\s\S]*kaputt\.xsd failed to compile/);
    expect(xsdValidators.size).toBe(size);
  });

  it('a missing included file is a compile error, not a read from the file system', async () => {
    const [main] = schemaSet('int');
    await expect(validateAgainstXsd(doc('1'), [main])).rejects.toThrow(/failed to compile/);
  });

  it('keeps at most maxSize compiled sets, evicting the least recently used, and validates correctly afterwards', () => {
    const cache = new XsdValidatorCache(2);
    const a = schemaSet('int');
    const b = schemaSet('short');
    const c = schemaSet('byte');
    cache.get(a);
    cache.get(b);
    cache.get(a); // a is now the most recent
    cache.get(c); // evicts b
    expect([cache.size, cache.compiled, cache.evicted]).toEqual([2, 3, 1]);
    cache.get(a);
    expect(cache.compiled).toBe(3);
    cache.get(b);
    expect([cache.compiled, cache.evicted]).toEqual([4, 2]);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(() => new XsdValidatorCache(0)).toThrow(/positive integer/);
  });

  it('still refuses after many evictions (freed validators are not reused)', async () => {
    for (let i = 0; i < 3; i++) {
      const cache = new XsdValidatorCache(1);
      for (const type of ['int', 'byte', 'int', 'short']) cache.get(schemaSet(type));
      expect(cache.evicted).toBe(3);
    }
    expect((await validateAgainstXsd(doc('300'), schemaSet('byte'))).valid).toBe(false);
    expect((await validateAgainstXsd(doc('100'), schemaSet('byte'))).valid).toBe(true);
  });
});
