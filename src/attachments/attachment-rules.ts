import type { FormSchemaNode } from '../forms/form.types.js';

/** The media types an upload can have; each has a structural check in `file-inspector.ts`. */
export const SUPPORTED_MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type SupportedMediaType = (typeof SUPPORTED_MEDIA_TYPES)[number];

/** The largest `maxBytes` a catalog file may name (the running service caps it further with ATTACHMENT_MAX_BYTES). */
export const MAX_BYTES_CEILING = 100 * 1024 * 1024;

/** What a field accepts (`x-attachment` of a node with `x-widget: attachment`, defaults filled in). */
export interface AttachmentRules {
  mediaTypes: string[];
  maxBytes: number;
  maxFiles: number;
}

export const DEFAULT_MEDIA_TYPES: readonly string[] = SUPPORTED_MEDIA_TYPES;
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;

/** An attachment reference as the form data holds it. */
export interface AttachmentRef {
  attachmentId: string;
  fileName?: string;
  mediaType?: string;
  size?: number;
}

type Node = FormSchemaNode;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export const isAttachmentNode = (node: unknown): boolean => isObject(node) && node['x-widget'] === 'attachment';

/**
 * The rules of an attachment node: its `x-attachment` with defaults. Without `x-attachment` the field's own
 * schema speaks (the `mediaType` enum, the `size` maximum), else PDF, JPEG, PNG and 10 MB; one file, or the
 * enclosing array's `maxItems` when the node is the items of an array.
 */
export function rulesOf(node: Node, arrayMaxItems?: number): AttachmentRules {
  const given = (isObject(node['x-attachment']) ? node['x-attachment'] : {}) as Partial<AttachmentRules>;
  const props = (node.properties ?? {}) as Record<string, Node | undefined>;
  const typeEnum = props.mediaType?.enum;
  const sizeMax = props.size?.maximum;
  return {
    mediaTypes: Array.isArray(given.mediaTypes)
      ? [...given.mediaTypes]
      : Array.isArray(typeEnum) ? typeEnum.map(String).filter((t) => DEFAULT_MEDIA_TYPES.includes(t)) : [...DEFAULT_MEDIA_TYPES],
    maxBytes: typeof given.maxBytes === 'number' ? given.maxBytes : typeof sizeMax === 'number' ? Math.min(sizeMax, MAX_BYTES_CEILING) : DEFAULT_MAX_BYTES,
    maxFiles: typeof given.maxFiles === 'number' ? given.maxFiles : (arrayMaxItems ?? 1),
  };
}

/** One attachment field of a form: its key (`/fotos/*`, `/passfoto`), rules, label and whether it is an array's items. */
export interface AttachmentField {
  key: string;
  rules: AttachmentRules;
  node: Node;
  /** The node is the items of an array: the last index of a pointer counts the files. */
  repeated: boolean;
  arrayMaxItems?: number;
}

/** Every attachment field of a schema (through properties and array items), by field key. */
export function attachmentFields(schema: Node): ReadonlyMap<string, AttachmentField> {
  // published schemas do not change: each is walked once (submitForm asks for every submission)
  const cacheable = isObject(schema);
  const known = cacheable ? fieldsOf.get(schema) : undefined;
  if (known) return known;
  const found = new Map<string, AttachmentField>();
  const visit = (node: Node, key: string, repeated: boolean, arrayMaxItems?: number) => {
    if (!isObject(node)) return;
    if (isAttachmentNode(node)) {
      found.set(key, { key, rules: rulesOf(node, repeated ? arrayMaxItems : undefined), node, repeated, arrayMaxItems });
      return;
    }
    for (const [name, child] of Object.entries(node.properties ?? {})) visit(child, `${key}/${name}`, false);
    if (isObject(node.items)) visit(node.items, `${key}/*`, true, typeof node.maxItems === 'number' ? node.maxItems : undefined);
  };
  visit(schema, '', false);
  if (cacheable) fieldsOf.set(schema, found);
  return found;
}

const fieldsOf = new WeakMap<object, ReadonlyMap<string, AttachmentField>>();

/** A deep copy in which every attachment node carries its complete `x-attachment` (what renderers get). */
export function withAttachmentRules(schema: Node): Node {
  const copy = (node: unknown, arrayMaxItems?: number, repeated = false): unknown => {
    if (Array.isArray(node)) return node.map((n) => copy(n));
    if (!isObject(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'items') out[k] = copy(v, typeof node.maxItems === 'number' ? node.maxItems : undefined, true);
      else if (k === 'properties' && isObject(v)) out[k] = Object.fromEntries(Object.entries(v).map(([name, child]) => [name, copy(child)]));
      else if (k === 'x-attachment' || k === 'x-label' || k === 'x-help' || k === 'x-enum-labels' || k === 'x-fim' || k === 'enum' || k === 'const') out[k] = v;
      else out[k] = copy(v);
    }
    if (isAttachmentNode(node)) out['x-attachment'] = rulesOf(node as Node, repeated ? arrayMaxItems : undefined);
    return out;
  };
  return copy(schema) as Node;
}

/** Problems of the `x-attachment` annotations of a form schema, as [schema pointer, German message]. */
export function attachmentRuleProblems(schema: Node): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  const visit = (node: unknown, pointer: string, repeated: boolean, arrayMaxItems?: number) => {
    if (!isObject(node)) return;
    const annotation = node['x-attachment'];
    if (annotation !== undefined) {
      const at = `${pointer}/x-attachment`;
      if (!isAttachmentNode(node)) problems.push([at, '„x-attachment“ gilt nur für Felder mit „x-widget: attachment“.']);
      if (!isObject(annotation)) problems.push([at, '„x-attachment“ muss ein Objekt { mediaTypes, maxBytes, maxFiles } sein.']);
      else {
        for (const key of Object.keys(annotation)) if (!['mediaTypes', 'maxBytes', 'maxFiles'].includes(key)) problems.push([`${at}/${key}`, `Unbekannte Angabe „${key}“ (erlaubt: mediaTypes, maxBytes, maxFiles).`]);
        const { mediaTypes, maxBytes, maxFiles } = annotation as Record<string, unknown>;
        if (mediaTypes !== undefined) {
          if (!Array.isArray(mediaTypes) || mediaTypes.length === 0) problems.push([`${at}/mediaTypes`, 'mediaTypes muss eine nicht leere Liste von Medientypen sein.']);
          else {
            mediaTypes.forEach((type, i) => {
              if (!(SUPPORTED_MEDIA_TYPES as readonly unknown[]).includes(type)) problems.push([`${at}/mediaTypes/${i}`, `Der Medientyp „${String(type)}“ wird nicht unterstützt (${SUPPORTED_MEDIA_TYPES.join(', ')}).`]);
            });
            if (new Set(mediaTypes).size !== mediaTypes.length) problems.push([`${at}/mediaTypes`, 'Ein Medientyp steht mehrfach in der Liste.']);
          }
        }
        if (maxBytes !== undefined && (!Number.isInteger(maxBytes) || (maxBytes as number) < 1 || (maxBytes as number) > MAX_BYTES_CEILING)) {
          problems.push([`${at}/maxBytes`, `maxBytes muss eine ganze Zahl von 1 bis ${MAX_BYTES_CEILING} sein.`]);
        }
        if (maxFiles !== undefined && (!Number.isInteger(maxFiles) || (maxFiles as number) < 1 || (maxFiles as number) > 100)) {
          problems.push([`${at}/maxFiles`, 'maxFiles muss eine ganze Zahl von 1 bis 100 sein.']);
        }
      }
    }
    if (isAttachmentNode(node)) {
      const rules = rulesOf(node as Node, repeated ? arrayMaxItems : undefined);
      if (!repeated && rules.maxFiles !== 1) problems.push([`${pointer}/x-attachment/maxFiles`, 'Ein einzelnes Dateifeld nimmt genau eine Datei; für mehrere Dateien ein Array mit diesem Feld als items verwenden.']);
      if (repeated && arrayMaxItems === undefined) problems.push([pointer.replace(/\/items$/, ''), 'Eine Liste von Dateien braucht maxItems.']);
      if (repeated && arrayMaxItems !== undefined && arrayMaxItems > rules.maxFiles) problems.push([pointer.replace(/\/items$/, '/maxItems'), `maxItems (${arrayMaxItems}) ist größer als x-attachment.maxFiles (${rules.maxFiles}).`]);
      const props = ((node as Node).properties ?? {}) as Record<string, Node | undefined>;
      if (!props.attachmentId) problems.push([`${pointer}/properties`, 'Ein Dateifeld braucht die Eigenschaft „attachmentId“.']);
      const typeEnum = props.mediaType?.enum;
      if (Array.isArray(typeEnum)) {
        for (const type of typeEnum) if (!rules.mediaTypes.includes(String(type))) problems.push([`${pointer}/properties/mediaType/enum`, `Der Medientyp „${String(type)}“ ist in x-attachment.mediaTypes nicht erlaubt.`]);
      }
      const sizeMax = props.size?.maximum;
      if (typeof sizeMax === 'number' && sizeMax > rules.maxBytes) problems.push([`${pointer}/properties/size/maximum`, `Die Höchstgröße (${sizeMax}) ist größer als x-attachment.maxBytes (${rules.maxBytes}).`]);
      return;
    }
    for (const [name, child] of Object.entries((node.properties as Record<string, unknown> | undefined) ?? {})) visit(child, `${pointer}/properties/${name}`, false);
    if (isObject(node.items)) visit(node.items, `${pointer}/items`, true, typeof node.maxItems === 'number' ? node.maxItems : undefined);
    for (const key of ['if', 'then', 'else', 'not'] as const) if (isObject(node[key])) visit(node[key], `${pointer}/${key}`, false);
    for (const key of ['allOf', 'anyOf', 'oneOf'] as const) (node[key] as unknown[] | undefined)?.forEach((child, i) => visit(child, `${pointer}/${key}/${i}`, false));
  };
  visit(schema, '', false);
  return problems;
}

/** `/fotos/2` -> `/fotos/*` (the key of {@link attachmentFields}). */
export const attachmentFieldKey = (pointer: string) => pointer.replace(/\/\d+(?=\/|$)/g, '/*');

/** A JSON pointer into form data, each array index a plain number, at most 300 characters. */
export const FIELD_POINTER = /^(\/[A-Za-z0-9_-]{1,100}){1,12}$/;

type RefInData = { pointer: string; field: AttachmentField; value: unknown };

/** Every attachment reference in `data`, with the pointer where it stands and the field it belongs to. */
export function attachmentRefs(schema: Node, data: unknown): RefInData[] {
  const refs: RefInData[] = [];
  collectRefs(attachmentFields(schema), data, '', refs);
  return refs;
}

// module-level with plain loops, not a walk closure per call: V8 drops the optimised code of closures gone at a full
// GC, so a closure made per submission was compiled again after every full GC (see common/canonical-json.ts)
function collectRefs(fields: ReadonlyMap<string, AttachmentField>, value: unknown, pointer: string, refs: RefInData[]): void {
  const field = fields.get(attachmentFieldKey(pointer));
  if (field && pointer !== '') {
    if (value !== undefined && value !== null) refs.push({ pointer, field, value });
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (i in value) collectRefs(fields, value[i], `${pointer}/${i}`, refs);
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) collectRefs(fields, v, `${pointer}/${k}`, refs);
  }
}
