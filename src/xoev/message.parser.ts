import { XMLParser } from 'fast-xml-parser';
import type { FormSchemaNode } from '../forms/form.types.js';
import { childElements } from './element-names.js';
import { codeListIdentity } from './form-xsd.js';
import { MESSAGE_ELEMENT } from './message.builder.js';

type Parsed = Record<string, unknown>;

function arrayPaths(node: FormSchemaNode, path: string, out: Set<string>): void {
  for (const { name, node: child } of childElements(node)) {
    const here = `${path}.${name}`;
    if (child.type === 'array' && child.items) {
      out.add(`${here}.eintrag`);
      arrayPaths(child.items, `${here}.eintrag`, out);
    } else arrayPaths(child, here, out);
  }
}

/** Back from XML text to the JSON value the schema describes. */
function convert(node: FormSchemaNode, value: unknown): unknown {
  if (node.type === 'array' && node.items) {
    const items = value && typeof value === 'object' ? ((value as Parsed).eintrag as unknown[] | undefined) : undefined;
    return (items ?? []).map((v) => convert(node.items!, v));
  }
  if (codeListIdentity(node)) return String((value as Parsed).code ?? '');
  if (node.type === 'object' || node.properties) {
    const object = (value ?? {}) as Parsed;
    const result: Parsed = {};
    for (const { key, name, node: child } of childElements(node)) {
      if (name in object) result[key] = convert(child, object[name]);
    }
    return result;
  }
  const raw = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  const type = Array.isArray(node.type) ? node.type.find((t) => t !== 'null') : node.type;
  if (type === 'boolean') return raw === 'true';
  if (type === 'integer' || type === 'number') return Number(raw);
  return raw;
}

export interface ParsedMessage {
  referenceNumber: string;
  formId: string;
  formVersion: string;
  sha256: string;
  data: Record<string, unknown>;
}

/** Reads one of our own messages back into the submission's data (the round trip of the export). */
export function parseMessage(xml: string, published: FormSchemaNode): ParsedMessage {
  const arrays = new Set<string>();
  arrayPaths(published, `${MESSAGE_ELEMENT}.fachdaten`, arrays);
  const parser = new XMLParser({
    ignoreAttributes: true,
    parseTagValue: false,
    trimValues: false,
    removeNSPrefix: true,
    processEntities: true,
    htmlEntities: true,
    isArray: (_name, jpath) => arrays.has(String(jpath)),
  });
  const root = (parser.parse(xml) as Parsed)[MESSAGE_ELEMENT] as Parsed;
  const antrag = root.antrag as Parsed;
  return {
    referenceNumber: String(antrag.aktenzeichen),
    formId: String(antrag.formular),
    formVersion: String(antrag.formularversion),
    sha256: String(antrag.pruefsumme),
    data: convert(published, root.fachdaten) as Record<string, unknown>,
  };
}
