import type { FormSchemaNode } from '../forms/form.types.js';
import { childElements } from './element-names.js';
import { toXsdPattern } from './xsd-pattern.js';
import { xmlNumber } from './xml-number.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** 0.01 → 2, 1 → 0; other steps (0.05, 0.25) → undefined, since fractionDigits cannot express them. */
function fractionDigitsOf(step: number): number | undefined {
  for (let digits = 0; digits <= 8; digits++) if (Math.abs(step - 10 ** -digits) < 1e-12) return digits;
  return undefined;
}

/** Code lists of the catalog as XÖV code list URIs (our own namespace; no official URI is claimed). */
export const codeListUri = (id: string) => `urn:lotse:codeliste:${id}`;

/** What xs:anyURI takes without doubt: a scheme and no spaces (FIM-local lists sometimes carry plain names). */
const LIST_URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/;

/**
 * The identity of the code list a field takes its value from, as XÖV codes carry it (`listURI`, `listVersionID`,
 * xoev-code.xsd): catalog code lists (`x-codelist`, our own URI) and FIM code lists of imported forms
 * (`x-fim.codeliste`: the canonical URI and version from the genericode file, also when the list was missing).
 */
export function codeListIdentity(node: FormSchemaNode): { uri: string; version: string } | undefined {
  if (node['x-codelist']) return { uri: codeListUri(node['x-codelist']), version: String(node['x-codelist-version'] ?? '') };
  const ref = node['x-fim']?.codeliste;
  if (ref?.uri && LIST_URI.test(ref.uri) && node.type === 'string') return { uri: ref.uri, version: ref.version ?? '' };
  return undefined;
}

export const formNamespace = (formId: string, version: string) => `urn:lotse:form:${formId}:${version}`;

const esc = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Ctx {
  lines: string[];
  indent: number;
}

const line = (ctx: Ctx, text: string) => ctx.lines.push(`${'  '.repeat(ctx.indent)}${text}`);

function facetsForString(node: FormSchemaNode): string[] {
  const facets: string[] = [];
  if (typeof node.minLength === 'number') facets.push(`<xs:minLength value="${node.minLength}"/>`);
  if (typeof node.maxLength === 'number') facets.push(`<xs:maxLength value="${node.maxLength}"/>`);
  if (typeof node.pattern === 'string') {
    const pattern = toXsdPattern(node.pattern);
    if (pattern) facets.push(`<xs:pattern value="${esc(pattern)}"/>`);
  }
  return facets;
}

/** The XSD simple type of a leaf, as an inline restriction (or a built-in name). */
function simpleType(node: FormSchemaNode): { base: string; facets: string[] } {
  const type = Array.isArray(node.type) ? node.type.find((t) => t !== 'null') : node.type;
  if (Array.isArray(node.enum)) return { base: 'xs:token', facets: node.enum.map((v) => `<xs:enumeration value="${esc(String(v))}"/>`) };
  switch (type) {
    case 'boolean':
      return { base: 'xs:boolean', facets: node.const === true ? ['<xs:pattern value="true"/>'] : [] };
    case 'integer': {
      const facets: string[] = [];
      if (typeof node.minimum === 'number') facets.push(`<xs:minInclusive value="${xmlNumber(node.minimum)}"/>`);
      if (typeof node.maximum === 'number') facets.push(`<xs:maxInclusive value="${xmlNumber(node.maximum)}"/>`);
      return { base: 'xs:integer', facets };
    }
    case 'number': {
      const facets: string[] = [];
      if (typeof node.minimum === 'number') facets.push(`<xs:minInclusive value="${xmlNumber(node.minimum)}"/>`);
      if (typeof node.exclusiveMinimum === 'number') facets.push(`<xs:minExclusive value="${xmlNumber(node.exclusiveMinimum)}"/>`);
      if (typeof node.maximum === 'number') facets.push(`<xs:maxInclusive value="${xmlNumber(node.maximum)}"/>`);
      // amounts (multipleOf 0.01) keep at most two fraction digits, as the JSON Schema demands
      const digits = typeof node.multipleOf === 'number' ? fractionDigitsOf(node.multipleOf) : undefined;
      if (digits !== undefined) facets.push(`<xs:fractionDigits value="${digits}"/>`);
      return { base: 'xs:decimal', facets };
    }
    default:
      if (node.format === 'date') {
        // absolute bounds (relative ones, x-date, change daily and stay out of the XSD)
        const facets: string[] = [];
        if (typeof node.formatMinimum === 'string' && ISO_DATE.test(node.formatMinimum)) facets.push(`<xs:minInclusive value="${node.formatMinimum}"/>`);
        if (typeof node.formatMaximum === 'string' && ISO_DATE.test(node.formatMaximum)) facets.push(`<xs:maxInclusive value="${node.formatMaximum}"/>`);
        return { base: 'xs:date', facets };
      }
      if (node.format === 'date-time') return { base: 'xs:dateTime', facets: [] };
      // JSON Schema `time` is RFC 3339 full-time (with offset), a subset of xs:time's lexical space
      if (node.format === 'time') return { base: 'xs:time', facets: [] };
      if (node['x-widget'] === 'currency') return { base: 'xs:decimal', facets: ['<xs:fractionDigits value="2"/>'] };
      return { base: 'xs:string', facets: facetsForString(node) };
  }
}

function element(ctx: Ctx, name: string, node: FormSchemaNode, minOccurs: number, maxOccurs: string): void {
  const occurs = `minOccurs="${minOccurs}" maxOccurs="${maxOccurs}"`;
  if (node.type === 'array' && node.items) {
    // a list is a container of `eintrag` elements, so that an empty list survives the round trip
    const min = typeof node.minItems === 'number' ? node.minItems : 0;
    const max = typeof node.maxItems === 'number' ? String(node.maxItems) : 'unbounded';
    line(ctx, `<xs:element name="${name}" ${occurs}>`);
    line(ctx, '  <xs:complexType>');
    line(ctx, '    <xs:sequence>');
    ctx.indent += 3;
    element(ctx, 'eintrag', node.items, min, max);
    ctx.indent -= 3;
    line(ctx, '    </xs:sequence>');
    line(ctx, '  </xs:complexType>');
    line(ctx, '</xs:element>');
    return;
  }
  const list = codeListIdentity(node);
  if (list) {
    // the codes enumerated (xs:token, as in xoev-code.xsd); a FIM list that was not supplied at import keeps the
    // field's own limits instead, on xs:string so that whitespace collapsing cannot make a valid value too short
    const enumerated = Array.isArray(node.enum);
    const facets = enumerated ? (node.enum as unknown[]).map((v) => `<xs:enumeration value="${esc(String(v))}"/>`).join('') : facetsForString(node).join('');
    line(ctx, `<xs:element name="${name}" ${occurs}>`);
    line(ctx, '  <xs:complexType>');
    line(ctx, `    <xs:sequence><xs:element name="code" form="unqualified"><xs:simpleType><xs:restriction base="${enumerated ? 'xs:token' : 'xs:string'}">${facets}</xs:restriction></xs:simpleType></xs:element></xs:sequence>`);
    line(ctx, `    <xs:attribute name="listURI" type="xs:anyURI" use="required" fixed="${esc(list.uri)}"/>`);
    line(ctx, `    <xs:attribute name="listVersionID" type="xs:normalizedString" use="required" fixed="${esc(list.version)}"/>`);
    line(ctx, '  </xs:complexType>');
    line(ctx, '</xs:element>');
    return;
  }
  if (node.type === 'object' || node.properties) {
    line(ctx, `<xs:element name="${name}" ${occurs}>`);
    ctx.indent += 1;
    complexContent(ctx, node);
    ctx.indent -= 1;
    line(ctx, '</xs:element>');
    return;
  }
  const { base, facets } = simpleType(node);
  if (facets.length === 0) {
    line(ctx, `<xs:element name="${name}" type="${base}" ${occurs}/>`);
    return;
  }
  line(ctx, `<xs:element name="${name}" ${occurs}>`);
  line(ctx, `  <xs:simpleType><xs:restriction base="${base}">${facets.join('')}</xs:restriction></xs:simpleType>`);
  line(ctx, '</xs:element>');
}

function complexContent(ctx: Ctx, node: FormSchemaNode): void {
  const required = new Set(node.required ?? []);
  line(ctx, '<xs:complexType>');
  line(ctx, '  <xs:sequence>');
  ctx.indent += 2;
  for (const { key, name, node: child } of childElements(node)) element(ctx, name, child, required.has(key) ? 1 : 0, '1');
  ctx.indent -= 2;
  line(ctx, '  </xs:sequence>');
  line(ctx, '</xs:complexType>');
}

/**
 * The XSD of a published form version: element per field (in schema order), occurrence from `required` and
 * array bounds, xs:string with maxLength/pattern, xs:date, xs:dateTime, xs:boolean, xs:integer, xs:decimal
 * (never xs:float; amounts with two fraction digits), code lists as XÖV codes (`code` unqualified, listURI,
 * listVersionID) with their codes enumerated. Deterministic: the same version gives the same bytes.
 */
export function formXsd(formId: string, version: string, published: FormSchemaNode): string {
  const ns = formNamespace(formId, version);
  const ctx: Ctx = { lines: [], indent: 1 };
  line(ctx, '<xs:element name="fachdaten">');
  ctx.indent += 1;
  complexContent(ctx, published);
  ctx.indent -= 1;
  line(ctx, '</xs:element>');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<!-- Generated by Lotse from form ${esc(formId)} version ${esc(version)}. Do not edit. -->`,
    `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="${ns}" xmlns="${ns}" elementFormDefault="qualified" attributeFormDefault="unqualified" version="${esc(version)}">`,
    ...ctx.lines,
    '</xs:schema>',
    '',
  ].join('\n');
}
