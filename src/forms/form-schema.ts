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

const strip = (node: Node): Node => {
  const copy: Node = { ...node };
  for (const key of [...X_KEYWORDS, 'x-codelist-version']) delete copy[key];
  return copy;
};

/**
 * A field that only one value makes valid. As `const`, renderers take it for a default (rjsf's default form state
 * ticks `{ type: boolean, const: true }` and fills `const` strings), so it is served as the same constraint in a
 * form no renderer fills in: a declaration as `not: { const: false }` (required, so it still has to be ticked),
 * any other fixed value as a one-value `enum`.
 */
function withoutConst(node: Node): Node {
  if (node.const === undefined) return node;
  const { const: value, ...rest } = node;
  if (value === true && node.type === 'boolean') return { ...rest, not: { const: false } };
  return { ...rest, enum: [value] };
}

/**
 * rjsf 6 with its default settings builds initial form data from a field's own keywords: `false` for every
 * required boolean, `[]` for every required array (which makes an optional object that holds one non-empty) and
 * `minItems` empty entries for every list. So the served schema states these constraints inside an `allOf`, where
 * they mean the same to every validator but rjsf's defaults do not look: a boolean's `type`, an array's
 * `minItems`, and, in nested objects, the `required` of their array fields. Both renderers still see them
 * (rjsf merges `allOf` before rendering; JSON Forms derives the type), and ajv's strict types stay satisfied.
 */
function withoutRendererDefaults(node: Node): Node {
  const extra: Node[] = [];
  const next: Node = { ...node };
  if (next.type === 'boolean') {
    delete next.type;
    extra.push({ type: 'boolean' });
  }
  if (next.type === 'array' && next.minItems !== undefined) {
    extra.push({ minItems: next.minItems });
    delete next.minItems;
  }
  if (next.type === 'object' && next.required && next.properties) {
    const isArray = (name: string) => next.properties![name]?.type === 'array';
    const lists = next.required.filter(isArray);
    if (lists.length > 0) {
      next.required = next.required.filter((name) => !isArray(name));
      if (next.required.length === 0) delete next.required;
      extra.push({ required: lists });
    }
  }
  return extra.length > 0 ? { ...next, allOf: [...extra, ...(node.allOf ?? [])] } : next;
}

/**
 * An attachment is one value for frontends (an upload widget sets it whole), so its object structure sits inside an
 * `allOf` too: rjsf then does not create an empty `{}` for a required attachment nobody uploaded (its errors would
 * name the id, name, type and size instead of the attachment).
 */
function attachmentAsOneValue(node: Node): Node {
  if (node['x-widget'] !== 'attachment' || node.type !== 'object') return node;
  const { type, properties, required, additionalProperties, allOf, ...rest } = node;
  const structure: Node = { type, properties, ...(required ? { required } : {}), ...(additionalProperties !== undefined ? { additionalProperties } : {}) };
  return { ...rest, allOf: [structure, ...(allOf ?? [])] };
}

/** `dependentRequired` as the equivalent `dependencies`, which draft-07 validators (JSON Forms' default) know too. */
function withDependencies(node: Node): Node {
  if (!node.dependentRequired) return node;
  const { dependentRequired, ...rest } = node;
  return { ...rest, dependencies: dependentRequired };
}

/**
 * The one schema of a published form version that the server validates with and frontends render: JSON Schema
 * 2020-12 without `$schema` (so JSON Forms' default draft-07 ajv compiles it too) and without x- annotations
 * except `x-attachment` (the limits of an attachment field, an annotation that both renderers' ajv ignore);
 * date bounds resolved for `today`; choices as plain `enum` (their labels travel in the uiSchema and the JSON
 * Forms translations, because renderers pre-select the first `oneOf`/`const` option); fixed values and the
 * types of booleans and arrays as above, so that no renderer fills in anything the applicant did not choose.
 * With a `localizer`, titles and descriptions in its language are added; they are annotations only, so the
 * localised and the plain schema give the same errors at the same pointers.
 */
export function servedSchema(published: Node, today: string, localizer?: Localizer): Node {
  const serve = (node: Node, role: 'property' | 'condition' | 'other'): Node => {
    if (!isSchemaObject(node)) return node;
    let next: Node = withDateBounds({ ...node }, today);
    const inner = (child: Node, childRole: 'property' | 'condition' | 'other') => serve(child, role === 'condition' ? 'condition' : childRole);
    if (next.properties) next.properties = Object.fromEntries(Object.entries(next.properties).map(([k, v]) => [k, inner(v, 'property')]));
    if (next.items && isSchemaObject(next.items)) next.items = inner(next.items, 'property');
    if (next.if && isSchemaObject(next.if)) next.if = serve(next.if, 'condition');
    for (const key of ['then', 'else', 'not', 'contains'] as const) {
      const child = next[key] as Node | undefined;
      if (child && isSchemaObject(child)) next[key] = inner(child, 'other');
    }
    for (const key of SUBSCHEMA_LISTS) if (Array.isArray(next[key])) next[key] = (next[key] as Node[]).map((c) => inner(c, 'other'));
    if (role === 'property') next = withoutRendererDefaults(withoutConst(next));
    next = attachmentAsOneValue(withDependencies(next));
    if (localizer) {
      if (node['x-label']) next.title = localizer.text(node['x-label'], 'labels');
      if (node['x-help']) next.description = localizer.text(node['x-help'], 'help');
    }
    const rules = node['x-rules'];
    next = strip(next);
    // FIM rules stay visible to frontends (prose, not executed) as an annotation, in the served language; the
    // validation schema (no localizer) carries no annotations, so errors are the same with or without them
    if (localizer && rules?.length) (next as Record<string, unknown>)['x-rules'] = rules.map((r) => ({ fimId: r.id, ...(r.version ? { version: r.version } : {}), name: r.name, ...(r.text ? { description: localizer.text(r.text, 'rules') } : {}) }));
    return next;
  };
  // attachment fields carry their complete `x-attachment` (defaults filled in), so renderers can show the limits
  const { $schema: _dialect, ...root } = serve(withAttachmentRules(published), 'other');
  return root;
}

/** The schema the server validates with: {@link servedSchema} without texts (same keywords, same pointers). */
export function validationSchema(published: Node, today: string): Node {
  return servedSchema(published, today);
}

/** The schema frontends get: {@link servedSchema} with texts in the localizer's language and the form's title. */
export function renderSchema(published: Node, today: string, localizer: Localizer, formTitle: LocalizedText): Node {
  return { ...servedSchema(published, today, localizer), title: localizer.text(formTitle, 'title') };
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
