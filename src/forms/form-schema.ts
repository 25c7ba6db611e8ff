import type { CodeListFile } from '../generated/code-list.js';
import { Localizer } from '../catalog/localize.js';
import type { FormSchemaNode, FormVersionFile, LocalizedText } from './form.types.js';
import { X_KEYWORDS } from './form.types.js';
import { resolveDateBound } from './relative-date.js';
import { withAttachmentRules } from '../attachments/attachment-rules.js';

type Node = FormSchemaNode;
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'] as const;
const SUBSCHEMAS = ['if', 'then', 'else', 'items', 'not', 'contains'] as const;

/** Calls `visit` on every schema node, depth first, with its JSON pointer in the schema. */
export function walkSchema(node: Node, visit: (node: Node, pointer: string) => void, pointer = ''): void {
  if (!isSchemaObject(node)) return;
  visit(node, pointer);
  for (const [name, child] of Object.entries(node.properties ?? {})) walkSchema(child, visit, `${pointer}/properties/${name}`);
  for (const key of SUBSCHEMAS) {
    const child = node[key] as Node | undefined;
    if (child && typeof child === 'object' && !Array.isArray(child)) walkSchema(child, visit, `${pointer}/${key}`);
  }
  for (const key of SUBSCHEMA_LISTS) (node[key] as Node[] | undefined)?.forEach((child, i) => walkSchema(child, visit, `${pointer}/${key}/${i}`));
  for (const [name, child] of Object.entries((node.$defs as Record<string, Node> | undefined) ?? {})) walkSchema(child, visit, `${pointer}/$defs/${name}`);
}

const isSchemaObject = (node: unknown): node is Node => typeof node === 'object' && node !== null && !Array.isArray(node);

/** Deep copy with `transform` applied to every node (children first); boolean schemas stay as they are. */
function mapSchema(node: Node, transform: (node: Node) => Node): Node {
  if (!isSchemaObject(node)) return node;
  const copy: Node = { ...node };
  if (node.properties) copy.properties = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, mapSchema(v, transform)]));
  for (const key of SUBSCHEMAS) {
    const child = node[key] as Node | undefined;
    if (child && typeof child === 'object' && !Array.isArray(child)) copy[key] = mapSchema(child, transform);
  }
  for (const key of SUBSCHEMA_LISTS) if (Array.isArray(node[key])) copy[key] = (node[key] as Node[]).map((c) => mapSchema(c, transform));
  if (node.$defs) copy.$defs = Object.fromEntries(Object.entries(node.$defs as Record<string, Node>).map(([k, v]) => [k, mapSchema(v, transform)]));
  return transform(copy);
}

export class UnknownCodeListError extends Error {}

/**
 * Freezes a form version for publication: every `x-codelist` becomes an `enum` of its codes with
 * `x-enum-labels`, so later changes to the code list do not change a published version.
 */
export function publishSchema(schema: Node, codeLists: ReadonlyMap<string, CodeListFile>): Node {
  return mapSchema(schema, (node) => {
    const listId = node['x-codelist'];
    if (!listId) return node;
    const list = codeLists.get(listId);
    if (!list) throw new UnknownCodeListError(listId);
    return {
      ...node,
      enum: list.codes.map((c) => c.code),
      'x-enum-labels': Object.fromEntries(list.codes.map((c) => [c.code, c.label])),
      'x-codelist-version': list.version,
    };
  });
}

/** Relative date bounds become absolute `formatMinimum`/`formatMaximum` for `today`. */
function withDateBounds(node: Node, today: string): Node {
  const bounds = node['x-date'];
  if (!bounds) return node;
  const next: Node = { ...node };
  if (bounds.min) next.formatMinimum = resolveDateBound(bounds.min, today);
  if (bounds.max) next.formatMaximum = resolveDateBound(bounds.max, today);
  return next;
}

/** The schema the server validates with: published schema plus today's date bounds (annotations stay). */
export function validationSchema(published: Node, today: string): Node {
  return mapSchema(published, (node) => withDateBounds(node, today));
}

const strip = (node: Node): Node => {
  const copy: Node = { ...node };
  for (const key of [...X_KEYWORDS, 'x-codelist-version']) delete copy[key];
  return copy;
};

/**
 * The schema frontends get: plain JSON Schema 2020-12 with titles and descriptions in `locale`, choices as
 * `oneOf` of `const` + `title`, date bounds resolved for today, and no x- annotations except `x-attachment`
 * (complete, defaults filled in, on every attachment field).
 */
export function renderSchema(published: Node, today: string, localizer: Localizer, formTitle: LocalizedText): Node {
  const rendered = mapSchema(withAttachmentRules(published), (node) => {
    let next = withDateBounds(node, today);
    if (next['x-label']) next = { ...next, title: localizer.text(next['x-label'], 'labels') };
    if (next['x-help']) next = { ...next, description: localizer.text(next['x-help'], 'help') };
    const labels = next['x-enum-labels'];
    if (labels && Array.isArray(next.enum)) {
      const { enum: values, ...rest } = next;
      next = { ...rest, oneOf: (values as string[]).map((v) => ({ const: v, title: localizer.text(labels[v], 'choices') ?? v })) };
    }
    return strip(next);
  });
  return { ...rendered, title: localizer.text(formTitle, 'title') };
}

/** Field pointers (`/a/b`, arrays as `/list/*`) with their labels and FIM annotations. */
export interface FieldInfo {
  pointer: string;
  label?: LocalizedText;
  fim?: Node['x-fim'];
  node: Node;
}

export function fieldIndex(schema: Node): Map<string, FieldInfo> {
  const index = new Map<string, FieldInfo>();
  const visit = (node: Node, pointer: string) => {
    if (!isSchemaObject(node)) return;
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      if (!isSchemaObject(child)) continue;
      const here = `${pointer}/${name}`;
      index.set(here, { pointer: here, label: child['x-label'], fim: child['x-fim'], node: child });
      visit(child, here);
    }
    if (node.items && typeof node.items === 'object') visit(node.items, `${pointer}/*`);
  };
  visit(schema, '');
  return index;
}

/** `/schueler/3/jahrgang` -> `/schueler/*\/jahrgang`, the key of {@link fieldIndex}. */
export const fieldKey = (instancePath: string) => instancePath.replace(/\/\d+(?=\/|$)/g, '/*');

export type FormFile = FormVersionFile;
