import type { FormSchemaNode } from '../forms/form.types.js';
import { childElements } from './element-names.js';
import { codeListIdentity, formNamespace } from './form-xsd.js';
import { xmlNumber } from './xml-number.js';

const text = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
const attr = (value: string) => text(value).replace(/"/g, '&quot;');

function leaf(value: unknown): string {
  if (typeof value === 'string') return text(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return xmlNumber(value);
  return text(JSON.stringify(value));
}

function write(out: string[], name: string, node: FormSchemaNode, value: unknown): void {
  if (value === undefined || value === null) return;
  if (node.type === 'array' && node.items && Array.isArray(value)) {
    out.push(`<f:${name}>`);
    for (const item of value) write(out, 'eintrag', node.items, item);
    out.push(`</f:${name}>`);
    return;
  }
  const list = codeListIdentity(node);
  if (list) {
    out.push(`<f:${name} listURI="${attr(list.uri)}" listVersionID="${attr(list.version)}"><code>${leaf(value)}</code></f:${name}>`);
    return;
  }
  if ((node.type === 'object' || node.properties) && typeof value === 'object') {
    out.push(`<f:${name}>`);
    for (const { key, name: childName, node: child } of childElements(node)) write(out, childName, child, (value as Record<string, unknown>)[key]);
    out.push(`</f:${name}>`);
    return;
  }
  out.push(`<f:${name}>${leaf(value)}</f:${name}>`);
}

/** The Fachdaten element alone (for embedding in a message). */
export function fachdatenElement(formId: string, version: string, published: FormSchemaNode, data: Record<string, unknown>): string {
  const out: string[] = [];
  write(out, 'fachdaten', published, data);
  // the form's elements are prefixed; XÖV's `code` stays unqualified (no default namespace)
  out[0] = `<f:fachdaten xmlns:f="${formNamespace(formId, version)}">`;
  return out.join('');
}

/** The Fachdaten of a submission as XML in the form's namespace, elements in the order of the form's XSD. */
export function fachdatenXml(formId: string, version: string, published: FormSchemaNode, data: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${fachdatenElement(formId, version, published, data)}\n`;
}

export const escapeXmlText = text;
export const escapeXmlAttribute = attr;
