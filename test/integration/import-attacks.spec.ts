/**
 * Hostile import files against the safe XML input and format detection. Pure: no database, no network.
 * Every case asserts the exact problem code (and the line where there is one). No timing assertions, but each
 * case must stay fast, which is the point of the linear pre-scan.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/common/project-root.js';
import { readImportInput } from '../../src/interop/format-detect.js';
import { ImportProblemCode, ImportRejectedError, type ImportProblem } from '../../src/interop/import.problems.js';
import { parseGenericodeText } from '../../src/interop/xdf/genericode.parser.js';
import { DEFAULT_XML_LIMITS, parseXml, type XmlLimits } from '../../src/interop/xml/safe-xml.js';
import type { XmlElement } from '../../src/interop/xml/xml-element.js';

const ATTACKS = join(projectRoot(), 'test', 'fixtures', 'xdf', 'attacks');
const fixture = (name: string): string => readFileSync(join(ATTACKS, name), 'utf8');
const XDF2_ROOT_OPEN = '<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2">';
const XDF2_ROOT_CLOSE = '</xdf:xdatenfelder.stammdatenschema.0102>';

/** The one problem an import of this text is refused with (through the same entry point the service uses). */
function refusal(read: () => unknown): ImportProblem {
  try {
    read();
  } catch (error) {
    if (!(error instanceof ImportRejectedError)) throw error;
    expect(error.problems).toHaveLength(1);
    return error.problems[0];
  }
  throw new Error('the input was accepted');
}
const refusedImport = (text: string, limits?: XmlLimits): ImportProblem => refusal(() => readImportInput(text, 'AUTO', limits));

/** Depth of a tree, measured without recursion. */
function depthOf(root: XmlElement): number {
  let max = 0;
  const stack: Array<[XmlElement, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [element, depth] = stack.pop() as [XmlElement, number];
    max = Math.max(max, depth);
    for (const c of element.children) stack.push([c, depth + 1]);
  }
  return max;
}

describe('import attacks', () => {
  describe('DTDs and entities', () => {
    it('refuses billion laughs (nested entity definitions) at the DOCTYPE', () => {
      expect(refusedImport(fixture('billion-laughs.xml'))).toMatchObject({ code: ImportProblemCode.FORBIDDEN_CONSTRUCT, line: 3 });
    });

    it('refuses an external entity (SYSTEM "file:///etc/passwd")', () => {
      const p = refusedImport(fixture('external-entity.xml'));
      expect(p).toMatchObject({ code: ImportProblemCode.FORBIDDEN_CONSTRUCT, line: 3 });
      expect(p.message).not.toContain('root:');
    });

    it('refuses parameter entities', () => {
      expect(refusedImport(fixture('parameter-entity.xml'))).toMatchObject({ code: ImportProblemCode.FORBIDDEN_CONSTRUCT, line: 3 });
    });

    it('refuses a DOCTYPE in any spelling and after a byte order mark', () => {
      expect(refusedImport('\uFEFF<!doctype x SYSTEM "http://attacker.invalid/x.dtd"><x/>')).toMatchObject({ code: ImportProblemCode.FORBIDDEN_CONSTRUCT, line: 1 });
      expect(refusedImport('<?xml version="1.0"?>\n<!-- harmlos -->\n\n<!DOCTYPE x PUBLIC "-//X//DTD//EN" "x.dtd"><x/>')).toMatchObject({
        code: ImportProblemCode.FORBIDDEN_CONSTRUCT,
        line: 4,
      });
    });

    it('refuses a reference to an undeclared entity, in text and in attributes', () => {
      expect(refusedImport(`${XDF2_ROOT_OPEN}\n<xdf:header>&xxe;</xdf:header>${XDF2_ROOT_CLOSE}`)).toMatchObject({
        code: ImportProblemCode.FORBIDDEN_CONSTRUCT,
        line: 2,
      });
      expect(refusedImport(`${XDF2_ROOT_OPEN}\n\n<xdf:header a="&xxe;"/>${XDF2_ROOT_CLOSE}`)).toMatchObject({
        code: ImportProblemCode.FORBIDDEN_CONSTRUCT,
        line: 3,
      });
    });

    it('treats XInclude as an inert element', () => {
      const root = parseXml('<a xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd" parse="text"/></a>');
      expect(root.children[0]).toMatchObject({ name: 'include', namespace: 'http://www.w3.org/2001/XInclude', text: '' });
    });
  });

  describe('nesting and size', () => {
    it('refuses 100,000 nested elements as TOO_DEEP at the first element too deep, without a stack overflow', () => {
      const n = 100_000;
      const text = `${XDF2_ROOT_OPEN}\n${'<a>'.repeat(n)}${'</a>'.repeat(n)}${XDF2_ROOT_CLOSE}`;
      expect(refusedImport(text)).toMatchObject({ code: ImportProblemCode.TOO_DEEP, line: 2 });
    });

    it('refuses 10,000 nested elements (one per line) with the line of the 65th level', () => {
      const n = 10_000;
      const text = `<a>\n`.repeat(n) + `</a>\n`.repeat(n);
      expect(refusedImport(text)).toMatchObject({ code: ImportProblemCode.TOO_DEEP, line: DEFAULT_XML_LIMITS.maxDepth + 1 });
    });

    it('builds a deep tree iteratively when the configured limits allow it', () => {
      // Not 100,000: fast-xml-parser's cost grows with depth × elements, which the default limits keep small.
      const n = 5_000;
      const root = parseXml('<a>'.repeat(n) + 'tief' + '</a>'.repeat(n), { ...DEFAULT_XML_LIMITS, maxDepth: n, maxElements: n });
      expect(depthOf(root)).toBe(n);
    });

    it('refuses more elements than allowed', () => {
      const text = `<a>${'<b/>'.repeat(DEFAULT_XML_LIMITS.maxElements)}</a>`;
      expect(refusedImport(text)).toMatchObject({ code: ImportProblemCode.INPUT_TOO_LARGE, line: 1 });
    });

    it('refuses exactly the limit + 1 byte as INPUT_TOO_LARGE and lets exactly the limit through', () => {
      const max = DEFAULT_XML_LIMITS.maxBytes;
      // Counted in UTF-8 bytes: the padding uses a two-byte character.
      const frame = `${XDF2_ROOT_OPEN}<x></x>${XDF2_ROOT_CLOSE}`;
      const padding = (bytes: number): string => {
        const pad = bytes - Buffer.byteLength(frame, 'utf8');
        return 'ä'.repeat(Math.floor(pad / 2)) + (pad % 2 ? 'a' : '');
      };
      const wrap = (bytes: number): string => `${XDF2_ROOT_OPEN}<x>${padding(bytes)}</x>${XDF2_ROOT_CLOSE}`;
      const tooBig = wrap(max + 1);
      expect(Buffer.byteLength(tooBig, 'utf8')).toBe(max + 1);
      expect(refusedImport(tooBig)).toEqual({
        code: ImportProblemCode.INPUT_TOO_LARGE,
        message: 'Die Datei ist 5,0 MB groß; erlaubt sind höchstens 5,0 MB.',
      });
      const justRight = wrap(max);
      expect(Buffer.byteLength(justRight, 'utf8')).toBe(max);
      const read = readImportInput(justRight, 'AUTO');
      expect(read.format).toBe('XDATENFELDER_2');
      expect(read.root?.children[0].text).toBe(padding(max));
    });

    it('checks the size before anything else (a too large DOCTYPE file is INPUT_TOO_LARGE)', () => {
      const text = fixture('billion-laughs.xml') + ' '.repeat(DEFAULT_XML_LIMITS.maxBytes);
      expect(refusedImport(text).code).toBe(ImportProblemCode.INPUT_TOO_LARGE);
    });
  });

  describe('character references', () => {
    it('decodes up to the limit of valid references, and refuses a flood of one million', () => {
      const n = DEFAULT_XML_LIMITS.maxReferences;
      const root = parseXml(`<a>${'&#65;'.repeat(n)}</a>`);
      expect(root.text).toHaveLength(n);
      expect(/^A+$/.test(root.text)).toBe(true);
      expect(refusedImport(`<a>\n${'&#65;'.repeat(1_000_000)}</a>`)).toMatchObject({ code: ImportProblemCode.INPUT_TOO_LARGE, line: 2 });
    });

    it('refuses a huge numeric reference', () => {
      expect(refusedImport(`${XDF2_ROOT_OPEN}\n\n<x>&#99999999999999999999;</x>${XDF2_ROOT_CLOSE}`)).toMatchObject({
        code: ImportProblemCode.INVALID_CHARACTER_REFERENCE,
        line: 3,
      });
      expect(refusedImport(`<a>&#${'0'.repeat(100_000)}1${'0'.repeat(100_000)};</a>`)).toMatchObject({
        code: ImportProblemCode.INVALID_CHARACTER_REFERENCE,
        line: 1,
      });
    });

    it('accepts leading zeros in a legal reference', () => {
      expect(parseXml(`<a>&#${'0'.repeat(100_000)}65;</a>`).text).toBe('A');
    });

    it('refuses a reference to a surrogate', () => {
      expect(refusedImport(`${XDF2_ROOT_OPEN}\n<x v="&#xDC00;"/>${XDF2_ROOT_CLOSE}`)).toMatchObject({
        code: ImportProblemCode.INVALID_CHARACTER_REFERENCE,
        line: 2,
      });
      expect(refusedImport('<a>&#55357;&#56832;</a>').code).toBe(ImportProblemCode.INVALID_CHARACTER_REFERENCE);
    });
  });

  describe('prototype pollution', () => {
    it('keeps __proto__ elements and attributes harmless', () => {
      const root = parseXml('<a __proto__="x"><__proto__><polluted>1</polluted></__proto__></a>');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
      expect(root.attributes['__proto__']).toBe('x');
      expect(root.children[0].name).toBe('__proto__');
      expect(root.children[0].children[0]).toMatchObject({ name: 'polluted', text: '1' });
    });

    it('keeps __proto__ in a genericode list harmless', () => {
      // Made-up test list (fictitious URI).
      const list = parseGenericodeText(
        '<CodeList xmlns="http://docs.oasis-open.org/codelist/ns/genericode/1.0/"><Identification><CanonicalUri>urn:de:lotse:test:proto</CanonicalUri></Identification>' +
          '<ColumnSet><Column Id="__proto__" Use="required"/><Column Id="constructor" Use="required"/><Key Id="codeKey"><ColumnRef Ref="__proto__"/></Key></ColumnSet>' +
          '<SimpleCodeList><Row><Value ColumnRef="__proto__"><SimpleValue>polluted</SimpleValue></Value><Value ColumnRef="constructor"><SimpleValue>x</SimpleValue></Value></Row></SimpleCodeList></CodeList>',
      );
      expect(list.codes).toEqual([{ code: 'polluted', name: 'x' }]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('keeps __proto__ in a JSON bundle an own property', () => {
      const read = readImportInput('{"__proto__": {"polluted": 1}}', 'AUTO');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.keys(read.json as object)).toEqual(['__proto__']);
    });
  });

  describe('wrong or broken files', () => {
    it('reports malformed XML with the right line', () => {
      const text = `<?xml version="1.0"?>\n${XDF2_ROOT_OPEN}\n  <xdf:header>\n    <xdf:nachrichtID>x</xdf:nachrichtid>\n  </xdf:header>\n${XDF2_ROOT_CLOSE}`;
      expect(refusedImport(text)).toMatchObject({ code: ImportProblemCode.MALFORMED, line: 4 });
      expect(refusedImport(`${XDF2_ROOT_OPEN}\n\n<x a="1" a="2"/>${XDF2_ROOT_CLOSE}`)).toMatchObject({ code: ImportProblemCode.MALFORMED, line: 3 });
    });

    it('refuses an XDatenfelder 1 file as UNSUPPORTED_FORMAT', () => {
      const p = refusedImport(fixture('xdf1-stammdatenschema.xml'));
      expect(p).toMatchObject({ code: ImportProblemCode.UNSUPPORTED_FORMAT, line: 3 });
      expect(p.message).toBe('XDatenfelder 1 wird nicht unterstützt; bitte exportieren Sie das Schema als XDatenfelder 2 oder 3.');
    });

    it('refuses a genericode file given as a schema as UNSUPPORTED_FORMAT', () => {
      const p = refusal(() =>
        readImportInput(
          '<?xml version="1.0"?>\n<gc:CodeList xmlns:gc="http://docs.oasis-open.org/codelist/ns/genericode/1.0/"><Identification><ShortName>Testliste</ShortName></Identification></gc:CodeList>',
          'XDATENFELDER_2',
        ),
      );
      expect(p).toMatchObject({ code: ImportProblemCode.UNSUPPORTED_FORMAT, line: 2 });
      expect(p.message).toContain('ohne Stammdatenschema');
    });

    it('refuses a malformed JSON bundle as MALFORMED with its line', () => {
      expect(refusedImport('{\n  "format": "lotse-bundle",\n  "entries": [\n    {"kind": "FORM",}\n  ]\n}')).toMatchObject({
        code: ImportProblemCode.MALFORMED,
        line: 4,
      });
    });

    it('refuses a deeply nested JSON bundle as TOO_DEEP', () => {
      expect(refusedImport('['.repeat(100_000) + ']'.repeat(100_000))).toMatchObject({ code: ImportProblemCode.TOO_DEEP, line: 1 });
    });
  });
});
