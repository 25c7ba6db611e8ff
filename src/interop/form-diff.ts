import { canonicalJson } from '../common/canonical-json.js';
import type { FormSchemaNode, FormVersionFile } from '../forms/form.types.js';

/** What changed about a field between two versions of a form. */
export type FieldChangeKind = 'ADDED' | 'REMOVED' | 'CHANGED';
export type FieldProperty = 'TITLE' | 'TYPE' | 'CONSTRAINT' | 'MULTIPLICITY' | 'CODE_LIST';

export interface FieldChange {
  change: FieldChangeKind;
  /** JSON pointer of the field in the data (arrays as `/list/*`). */
  path: string;
  /** The field's FIM id, where it has one. */
  id?: string;
  /** CHANGED: which properties differ. */
  properties: FieldProperty[];
}

interface FieldAt {
  node: FormSchemaNode;
  /** Required in its parent. */
  required: boolean;
}

/** The keywords behind each property, read from the value node (the items of a list). */
const TYPE_KEYS = ['type', 'format', 'x-widget', 'x-format', 'readOnly'] as const;
const CONSTRAINT_KEYS = ['minLength', 'maxLength', 'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'formatMinimum', 'formatMaximum', 'multipleOf', 'x-date', 'default'] as const;
const CODE_LIST_KEYS = ['enum', 'x-enum-labels', 'x-codelist'] as const;

const pick = (node: FormSchemaNode | undefined, keys: readonly string[]): string => canonicalJson(Object.fromEntries(keys.map((k) => [k, node?.[k] ?? null])));

/** Every field (property at any depth) by pointer, with whether its parent requires it. */
function fields(schema: FormSchemaNode): Map<string, FieldAt> {
  const found = new Map<string, FieldAt>();
  const visit = (node: FormSchemaNode, pointer: string) => {
    const required = new Set(node.required ?? []);
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (typeof child !== 'object' || child === null) continue;
      const here = `${pointer}/${key}`;
      found.set(here, { node: child, required: required.has(key) });
      visit(child, here);
      if (child.items && typeof child.items === 'object') visit(child.items, `${here}/*`);
    }
  };
  visit(schema, '');
  return found;
}

/** What differs between two reads of one field. */
function changedProperties(before: FieldAt, after: FieldAt): FieldProperty[] {
  const valueOf = (f: FieldAt) => (f.node.type === 'array' && f.node.items ? f.node.items : f.node);
  const [a, b] = [valueOf(before), valueOf(after)];
  const properties: FieldProperty[] = [];
  if (canonicalJson(before.node['x-label'] ?? null) !== canonicalJson(after.node['x-label'] ?? null)) properties.push('TITLE');
  const fimType = (f: FieldAt) => canonicalJson([f.node['x-fim']?.datentyp ?? null, f.node['x-fim']?.feldart ?? null]);
  if (pick(a, TYPE_KEYS) !== pick(b, TYPE_KEYS) || fimType(before) !== fimType(after)) properties.push('TYPE');
  if (pick(a, CONSTRAINT_KEYS) !== pick(b, CONSTRAINT_KEYS)) properties.push('CONSTRAINT');
  const multiplicity = (f: FieldAt) => canonicalJson([f.required, f.node.type === 'array', f.node.minItems ?? null, f.node.maxItems ?? null]);
  if (multiplicity(before) !== multiplicity(after)) properties.push('MULTIPLICITY');
  const codeList = (f: FieldAt, v: FormSchemaNode) => pick(v, CODE_LIST_KEYS) + canonicalJson(f.node['x-fim']?.codeliste ?? v['x-fim']?.codeliste ?? null);
  if (codeList(before, a) !== codeList(after, b)) properties.push('CODE_LIST');
  return properties;
}

/**
 * The field-level difference between the stored version of a form and a new import of it: fields added, removed and
 * changed (with the properties that changed), in the order of the new form, removed ones after.
 */
export function diffForms(before: FormVersionFile, after: FormVersionFile): FieldChange[] {
  const old = fields(before.schema as FormSchemaNode);
  const now = fields(after.schema as FormSchemaNode);
  const changes: FieldChange[] = [];
  const idOf = (f: FieldAt) => (f.node['x-fim']?.id ? { id: f.node['x-fim'].id } : {});
  for (const [path, field] of now) {
    const earlier = old.get(path);
    if (!earlier) {
      changes.push({ change: 'ADDED', path, ...idOf(field), properties: [] });
      continue;
    }
    const properties = changedProperties(earlier, field);
    if (properties.length) changes.push({ change: 'CHANGED', path, ...idOf(field), properties });
  }
  for (const [path, field] of old) if (!now.has(path)) changes.push({ change: 'REMOVED', path, ...idOf(field), properties: [] });
  return changes;
}
