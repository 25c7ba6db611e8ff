import type { FormSchemaNode } from '../forms/form.types.js';

/** An XML NCName as far as FIM ids and field keys go (ASCII letters, digits, `.`, `-`, `_`). */
const NCNAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;

export interface ChildElement {
  /** The property key in the JSON data. */
  key: string;
  /** The element name in the XML: the field's FIM id where it has one, the key otherwise. */
  name: string;
  node: FormSchemaNode;
}

/**
 * The properties in the order `x-order` gives (forms imported from FIM: the FIM order, which the stored JSON does not
 * keep), any others after them in schema order. Without `x-order` (catalog forms, earlier imports) the schema order
 * stays as it was, so the XSDs of existing versions and the messages built against them do not change.
 */
function inOrder(node: FormSchemaNode, entries: Array<[string, FormSchemaNode]>): Array<[string, FormSchemaNode]> {
  const order = node['x-order'];
  if (!Array.isArray(order)) return entries;
  const rank = new Map(order.map((key, i) => [key, i]));
  return entries
    .map((entry, i) => ({ entry, at: rank.get(entry[0]) ?? order.length + i }))
    .sort((a, b) => a.at - b.at)
    .map((e) => e.entry);
}

const isChildNode = (entry: [string, unknown]): entry is [string, FormSchemaNode] => typeof entry[1] === 'object' && entry[1] !== null;

/**
 * The child elements of an object node, in schema order (or `x-order`). A field imported from FIM is named by its id
 * (`x-fim.id`), as FIM's own data schemas do; the key is kept where the id is no NCName or would clash with a
 * sibling, so that names stay unique. XSD, serializer and parser all name elements through this function.
 */
export function childElements(node: FormSchemaNode): ChildElement[] {
  // loops and a module-level predicate, no callbacks made per call: such a closure loses its optimised code at every
  // full GC (see common/canonical-json.ts)
  const entries = inOrder(node, Object.entries(node.properties ?? {}).filter(isChildNode));
  const keys = new Set<string>();
  for (const [key] of entries) keys.add(key);
  const used = new Set<string>();
  const children: ChildElement[] = [];
  for (const [key, child] of entries) {
    const id = child['x-fim']?.id;
    const name = id && NCNAME.test(id) && !used.has(id) && (id === key || !keys.has(id)) ? id : key;
    used.add(name);
    children.push({ key, name, node: child });
  }
  return children;
}
