import type { FormSchemaNode, LocalizedText } from './form.types.js';
import { fieldIndex } from './form-schema.js';

/** A FIM rule of a form (prose, not executed), with the fields it is attached to. */
export interface FormRuleInfo {
  /** The rule's FIM id (R…). */
  fimId: string;
  version?: string;
  name: string;
  /** The rule's text in the served language. */
  description?: string;
  /** JSON pointers of the fields (arrays as `/list/*`) the rule sits on; `""` for the form as a whole. */
  appliesTo: string[];
}

/**
 * The rules of a form (`x-rules` on the schema, groups and fields), each once, in the order of the schema, with
 * every place it sits on. `text` picks the language.
 */
export function formRules(schema: FormSchemaNode, text: (value: LocalizedText | undefined) => string | undefined): FormRuleInfo[] {
  const rules = new Map<string, FormRuleInfo>();
  const places: Array<[string, FormSchemaNode]> = [['', schema], ...[...fieldIndex(schema).values()].map((f): [string, FormSchemaNode] => [f.pointer, f.node])];
  for (const [pointer, node] of places) {
    for (const rule of node['x-rules'] ?? []) {
      const key = `${rule.id}@${rule.version ?? ''}`;
      const known = rules.get(key);
      if (known) {
        if (!known.appliesTo.includes(pointer)) known.appliesTo.push(pointer);
        continue;
      }
      const description = text(rule.text);
      rules.set(key, { fimId: rule.id, ...(rule.version ? { version: rule.version } : {}), name: rule.name, ...(description ? { description } : {}), appliesTo: [pointer] });
    }
  }
  return [...rules.values()];
}
