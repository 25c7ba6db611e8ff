import { ImportProblemCode, ImportRejectedError, type ImportProblem } from '../import.problems.js';
import { DEFAULT_XML_LIMITS, lineOf, parseXml, type XmlLimits } from './safe-xml.js';
import { child, childText } from './xml-element.js';

/** The single problem a rejected parse reports (fails the test when the parse succeeds). */
function rejection(text: string, limits?: XmlLimits): ImportProblem {
  try {
    parseXml(text, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(ImportRejectedError);
    const problems = (error as ImportRejectedError).problems;
    expect(problems).toHaveLength(1);
    return problems[0];
  }
  throw new Error('parseXml accepted the input');
}

describe('parseXml', () => {
  it('has the documented default limits', () => {
    expect(DEFAULT_XML_LIMITS).toEqual({ maxBytes: 5 * 1024 * 1024, maxDepth: 64, maxElements: 200_000, maxReferences: 100_000 });
  });

  it('resolves namespaces per element and keeps unqualified children unqualified', () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<xdf:wurzel xmlns:xdf="urn:test:a" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:test:a a.xsd">\n' +
        '  <xdf:feldart listURI="urn:liste" listVersionID="1.0"><code>input</code></xdf:feldart>\n' +
        '  <b xmlns="urn:test:b"><c/><xdf:d/><e xmlns=""/></b>\n' +
        '  <xdf:x xmlns:xdf="urn:test:other"/>\n' +
        '</xdf:wurzel>',
    );
    expect(root.name).toBe('wurzel');
    expect(root.namespace).toBe('urn:test:a');
    expect(Object.keys(root.attributes)).toEqual(['schemaLocation']);
    const feldart = child(root, 'feldart');
    expect(feldart?.namespace).toBe('urn:test:a');
    expect({ ...feldart?.attributes }).toEqual({ listURI: 'urn:liste', listVersionID: '1.0' });
    expect(child(feldart, 'code')?.namespace).toBe('');
    expect(childText(feldart, 'code')).toBe('input');
    const b = child(root, 'b');
    expect(b?.namespace).toBe('urn:test:b');
    expect(b?.children.map((c) => `${c.name}|${c.namespace}`)).toEqual(['c|urn:test:b', 'd|urn:test:a', 'e|']);
    expect(child(root, 'x')?.namespace).toBe('urn:test:other');
    expect(root.children.map((c) => c.name)).toEqual(['feldart', 'b', 'x']);
  });

  it('records the line where each element starts', () => {
    const root = parseXml('<a>\n  <b/>\n\n  <c\n x="1">t</c>\n</a>');
    expect(lineOf(root)).toBe(1);
    expect(root.children.map((c) => lineOf(c))).toEqual([2, 4]);
  });

  it('decodes predefined entities and character references in text and attributes, and keeps CDATA literally', () => {
    const root = parseXml('<a t="&lt;&amp;&gt;&quot;&apos;&#65;&#x42;&#xD;">x &lt; y &#x1F600; &#0000065;<![CDATA[&amp; <b>]]>z</a>');
    expect(root.attributes.t).toBe('<&>"\'AB\r');
    expect(root.text).toBe('x < y \u{1F600} A&amp; <b>z');
  });

  it('joins mixed text without trimming it and normalises whitespace in attribute values', () => {
    const root = parseXml('<a v="x\ty\nz">  eins <b/> zwei\r\n</a>');
    expect(root.text).toBe('  eins  zwei\n');
    expect(root.attributes.v).toBe('x y z');
    expect(root.children[0].text).toBe('');
  });

  it('accepts a byte order mark, comments and processing instructions', () => {
    const root = parseXml('\uFEFF<?xml version="1.0"?><!-- <!DOCTYPE x> --><?pi egal?><a>1<!-- & --></a>');
    expect(root.text).toBe('1');
  });

  it('keeps __proto__, constructor and prototype harmless', () => {
    const root = parseXml('<a __proto__="x" constructor="y"><__proto__><polluted>1</polluted></__proto__><prototype/><toString/></a>');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(root.attributes)).toBeNull();
    expect(root.attributes['__proto__']).toBe('x');
    expect(root.attributes['constructor']).toBe('y');
    expect(root.children.map((c) => c.name)).toEqual(['__proto__', 'prototype', 'toString']);
    expect(childText(root.children[0], 'polluted')).toBe('1');
  });

  it('refuses input above the size limit before looking at it, with the sizes in German notation', () => {
    const limits = { ...DEFAULT_XML_LIMITS, maxBytes: 2 * 1024 * 1024 };
    const big = '<a>' + 'ä'.repeat(1024 * 1024) + '</a>'; // 2 MiB + 7 bytes in UTF-8
    const p = rejection(big, limits);
    expect(p.code).toBe(ImportProblemCode.INPUT_TOO_LARGE);
    expect(p.message).toBe('Die Datei ist 2,0 MB groß; erlaubt sind höchstens 2,0 MB.');
    // Size wins even over a DOCTYPE.
    expect(rejection('<!DOCTYPE a>' + ' '.repeat(100), { ...DEFAULT_XML_LIMITS, maxBytes: 50 }).code).toBe(ImportProblemCode.INPUT_TOO_LARGE);
  });

  it.each([
    ['<!DOCTYPE a>\n<a/>', 1],
    ['<?xml version="1.0"?>\n\n<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', 3],
    ['<a>\n<!ENTITY x "y">\n</a>', 2],
  ])('refuses DTD constructs with their line: %j', (text, line) => {
    expect(rejection(text)).toMatchObject({ code: ImportProblemCode.FORBIDDEN_CONSTRUCT, line });
  });

  it('refuses undeclared entities', () => {
    const p = rejection('<a>\n\n&nbsp;</a>');
    expect(p).toMatchObject({ code: ImportProblemCode.FORBIDDEN_CONSTRUCT, line: 3 });
    expect(p.message).toContain('&nbsp;');
    expect(rejection('<a x="\n&foo;"/>')).toMatchObject({ code: ImportProblemCode.FORBIDDEN_CONSTRUCT, line: 2 });
  });

  it.each([
    ['&#x110000;', 'außerhalb von Unicode'],
    ['&#1114112;', 'außerhalb von Unicode'],
    ['&#xD800;', 'Surrogat'],
    ['&#57343;', 'Surrogat'],
    ['&#0;', 'nicht erlaubt'],
    ['&#x1F;', 'nicht erlaubt'],
    ['&#xFFFE;', 'nicht erlaubt'],
    ['&#99999999999999999999;', 'außerhalb von Unicode'],
    ['&#x;', 'unvollständig'],
    ['&#12a;', 'unvollständig'],
  ])('refuses the character reference %s', (reference, reason) => {
    const inText = rejection(`<a>\n${reference}</a>`);
    expect(inText).toMatchObject({ code: ImportProblemCode.INVALID_CHARACTER_REFERENCE, line: 2 });
    expect(inText.message).toContain(reason);
    expect(rejection(`<a\n\nb="${reference}"/>`)).toMatchObject({ code: ImportProblemCode.INVALID_CHARACTER_REFERENCE, line: 3 });
  });

  it('accepts the highest legal references', () => {
    expect(parseXml('<a>&#x10FFFF;&#xFFFD;&#xE000;&#x9;</a>').text).toBe('\u{10FFFF}\uFFFD\uE000\t');
  });

  it('refuses a stray ampersand and literal control characters', () => {
    expect(rejection('<a>\nFisch & Chips</a>')).toMatchObject({ code: ImportProblemCode.MALFORMED, line: 2 });
    expect(rejection('<a>\n\n\u0001</a>')).toMatchObject({ code: ImportProblemCode.MALFORMED, line: 3 });
  });

  it('bounds the depth and the number of elements', () => {
    const limits = { maxBytes: 1024 * 1024, maxDepth: 3, maxElements: 5, maxReferences: 10 };
    expect(parseXml('<a><b><c/></b></a>', limits).children[0].children[0].name).toBe('c');
    expect(rejection('<a>\n<b>\n<c>\n<d/></c></b></a>', limits)).toMatchObject({ code: ImportProblemCode.TOO_DEEP, line: 4 });
    expect(rejection('<a>\n<b>\n<c>\n<d></d></c></b></a>', limits)).toMatchObject({ code: ImportProblemCode.TOO_DEEP, line: 4 });
    expect(parseXml('<a><b/><b/><b/><b/></a>', limits).children).toHaveLength(4);
    expect(rejection('<a><b/><b/><b/><b/>\n<b/></a>', limits)).toMatchObject({ code: ImportProblemCode.INPUT_TOO_LARGE, line: 2 });
  });

  it.each([
    ['<a>\n<b>\n</a>', 3, '</a>'],
    ['<a>\n<b></b>', 1, '<a>'],
    ['<a></a>\n</a>', 2, '</a>'],
    ['<a>\n<b x="1></b></a>', 2, '<b>'],
    ['<a>\n\n<b x=1/></a>', 3, undefined],
    ['<a/>\n<b/>', 2, undefined],
    ['<a/>\ntext', 2, undefined],
    ['<a>\n< b/></a>', 2, undefined],
    ['<a>\n<!-- offen</a>', 2, undefined],
    ['', undefined, undefined],
    ['nur Text', 1, undefined],
  ])('reports malformed XML %j with its line', (text, line, mentioned) => {
    const p = rejection(text);
    expect(p.code).toBe(ImportProblemCode.MALFORMED);
    expect(p.line).toBe(line);
    if (mentioned) expect(p.message).toContain(mentioned);
  });

  it('refuses undeclared namespace prefixes', () => {
    expect(rejection('<a>\n<p:b/></a>')).toMatchObject({ code: ImportProblemCode.MALFORMED, line: 2 });
    expect(rejection('<a p:x="1"/>')).toMatchObject({ code: ImportProblemCode.MALFORMED, line: 1 });
  });
});
