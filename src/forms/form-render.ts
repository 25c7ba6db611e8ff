import type { Localizer } from '../catalog/localize.js';
import type { FormSchemaNode, FormVersionFile, LocalizedText } from './form.types.js';
import { fieldIndex } from './form-schema.js';

type Json = Record<string, unknown>;
type Node = FormSchemaNode;

const isNode = (node: unknown): node is Node => typeof node === 'object' && node !== null && !Array.isArray(node);
const typeOf = (node: Node): string | undefined => (typeof node.type === 'string' ? node.type : undefined);

/** The name both renderers get for an attachment field: rjsf `ui:field`, JSON Forms `options.format`. */
export const ATTACHMENT_WIDGET = 'attachment';

/** The limits of an attachment field, from `x-attachment` where the form has it, else from its schema. */
export interface AttachmentOptions {
  multiple: boolean;
  mediaTypes?: string[];
  maxBytes?: number;
  maxFiles?: number;
}

/** The attachment field at `node`: the node itself, or an array whose items are attachments. */
function attachmentOf(node: Node): AttachmentOptions | undefined {
  const single = (n: Node) => n['x-widget'] === ATTACHMENT_WIDGET;
  const multiple = !single(node) && isNode(node.items) && single(node.items);
  if (!single(node) && !multiple) return undefined;
  const file = multiple ? node.items! : node;
  const declared = (node['x-attachment'] ?? file['x-attachment']) as Partial<AttachmentOptions> | undefined;
  const mediaTypes = file.properties?.mediaType?.enum as string[] | undefined;
  const maxBytes = file.properties?.size?.maximum as number | undefined;
  return {
    multiple,
    mediaTypes: declared?.mediaTypes ?? mediaTypes,
    maxBytes: declared?.maxBytes ?? maxBytes,
    maxFiles: declared?.maxFiles ?? (multiple ? (node.maxItems as number | undefined) : 1),
  };
}

const YES_NO: Record<string, [string, string]> = { de: ['Ja', 'Nein'], en: ['Yes', 'No'] };
const yesNo = (l: Localizer) => YES_NO[l.locale] ?? YES_NO.de;
const choiceLabels = (node: Node, l: Localizer): string[] | undefined => {
  const labels = node['x-enum-labels'];
  if (!labels || !Array.isArray(node.enum)) return undefined;
  return node.enum.map((v) => l.text(labels[String(v)] as LocalizedText | undefined, 'choices') ?? String(v));
};

// ---------------------------------------------------------------------------------------------------------
// react-jsonschema-form

function rjsfNode(node: Node, l: Localizer): Json {
  const ui: Json = {};
  const attachment = attachmentOf(node);
  if (attachment) return { 'ui:field': ATTACHMENT_WIDGET, 'ui:options': { attachment } };
  const widget = node['x-widget'];
  if (widget === 'radio') ui['ui:widget'] = 'radio';
  else if (widget === 'textarea') ui['ui:widget'] = 'textarea';
  else if (widget === 'hidden') ui['ui:widget'] = 'hidden';
  else if (widget === 'currency') ui['ui:options'] = { inputType: 'text', inputMode: 'decimal' };
  const labels = choiceLabels(node, l);
  if (labels) ui['ui:enumNames'] = labels;
  else if (typeOf(node) === 'boolean' && widget === 'radio') ui['ui:enumNames'] = yesNo(l);
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    if (!isNode(child)) continue;
    const childUi = rjsfNode(child, l);
    if (Object.keys(childUi).length > 0) ui[name] = childUi;
  }
  if (isNode(node.items)) {
    const itemUi = rjsfNode(node.items, l);
    // a list of choices: checkboxes instead of a multiple <select>
    if (Array.isArray(node.items.enum) && node.uniqueItems === true && !ui['ui:widget']) ui['ui:widget'] = 'checkboxes';
    if (Object.keys(itemUi).length > 0) ui.items = itemUi;
  }
  return ui;
}

const SUBMIT: Record<string, string> = { de: 'Absenden', en: 'Submit' };

/**
 * uiSchema for react-jsonschema-form: field order from the layout, widgets, choice labels (`ui:enumNames`, since
 * choices are served as `enum`), the submit button's text in the served language, and attachment fields as one
 * `ui:field: "attachment"` each (with their limits in `ui:options.attachment`). Help texts are the schema's
 * `description`, which rjsf shows; they are not repeated here.
 */
export function rjsfUiSchema(file: FormVersionFile, published: Node, localizer: Localizer): Json {
  const order = file.layout.steps.flatMap((s) => s.sections.flatMap((section) => section.fields));
  return {
    'ui:order': order,
    'ui:submitButtonOptions': { submitText: SUBMIT[localizer.locale] ?? SUBMIT.de },
    ...rjsfNode(published, localizer),
  };
}

// ---------------------------------------------------------------------------------------------------------
// JSON Forms

interface Rule {
  effect: 'SHOW' | 'HIDE';
  condition: { scope: string; schema: Node; failWhenUndefined?: boolean };
}

/**
 * Fields that one `if` makes required (`then`: shown when it holds, `else`: hidden when it holds), by their scope
 * relative to the object at `scope`. A field named by several conditions, or required anyway, gets no rule: it
 * stays visible, so that nothing the applicant may need is ever hidden.
 */
function conditionalRules(served: Node, scope: string): Map<string, Rule> {
  const found = new Map<string, Rule | null>();
  const alwaysRequired = new Set((served.required ?? []).map((name) => `${scope}/properties/${name}`));
  const note = (target: string, rule: Rule) => {
    if (alwaysRequired.has(target)) return;
    found.set(target, found.has(target) ? null : rule);
  };
  const branches = [served, ...(served.allOf ?? [])].filter((entry): entry is Node => isNode(entry) && isNode(entry.if));
  for (const entry of branches) {
    const condition = { scope, schema: entry.if!, ...(scope === '#' ? {} : { failWhenUndefined: true }) };
    for (const [branch, effect] of [['then', 'SHOW'], ['else', 'HIDE']] as const) {
      const node = entry[branch] as Node | undefined;
      if (!isNode(node)) continue;
      for (const name of node.required ?? []) note(`${scope}/properties/${name}`, { effect, condition });
      for (const [name, child] of Object.entries(node.properties ?? {})) {
        if (!isNode(child)) continue;
        const nestedAlways = new Set((served.properties?.[name]?.required as string[] | undefined) ?? []);
        for (const inner of child.required ?? []) {
          if (!nestedAlways.has(inner)) note(`${scope}/properties/${name}/properties/${inner}`, { effect, condition });
        }
      }
    }
  }
  return new Map([...found].filter((entry): entry is [string, Rule] => entry[1] !== null));
}

interface JsonFormsContext {
  l: Localizer;
  rules: Map<string, Rule>;
}

/**
 * The uischema element of the field at `scope`: a Control for a leaf (and for an attachment, which frontends bind
 * to their upload renderer through `options.format: "attachment"`), a Group of its fields for an object, a
 * Control with a detail layout for a list of objects.
 */
function element(published: Node, served: Node, scope: string, ctx: JsonFormsContext): Json | undefined {
  if (published['x-widget'] === 'hidden') return undefined;
  const label = published['x-label'] ? ctx.l.text(published['x-label'], 'labels') : undefined;
  const rule = ctx.rules.get(scope);
  const withRule = (el: Json) => (rule ? { ...el, rule } : el);
  const attachment = attachmentOf(published);
  if (attachment) return withRule({ type: 'Control', scope, ...(label ? { label } : {}), options: { format: ATTACHMENT_WIDGET, attachment } });
  if (published.properties && isNode(served)) {
    for (const [target, r] of conditionalRules(served, scope)) if (!ctx.rules.has(target)) ctx.rules.set(target, r);
    const elements = Object.entries(published.properties)
      .filter(([, child]) => isNode(child))
      .map(([name, child]) => element(child, served.properties?.[name] ?? {}, `${scope}/properties/${name}`, ctx))
      .filter((el): el is Json => el !== undefined);
    return withRule({ type: 'Group', ...(label ? { label } : {}), elements });
  }
  const items = published.items;
  if (isNode(items) && items.properties && isNode(served.items)) {
    // inside the detail, scopes (and the conditions of rules) are relative to one entry of the list
    const inner: JsonFormsContext = { l: ctx.l, rules: conditionalRules(served.items, '#') };
    const detail = Object.entries(items.properties)
      .filter(([, child]) => isNode(child))
      .map(([name, child]) => element(child, served.items!.properties?.[name] ?? {}, `#/properties/${name}`, inner))
      .filter((el): el is Json => el !== undefined);
    return withRule({ type: 'Control', scope, ...(label ? { label } : {}), options: { detail: { type: 'VerticalLayout', elements: detail } } });
  }
  const options: Json = {};
  if (published['x-widget'] === 'radio') options.format = 'radio';
  if (published['x-widget'] === 'textarea') options.multi = true;
  return withRule({ type: 'Control', scope, ...(Object.keys(options).length ? { options } : {}) });
}

/**
 * uischema for JSON Forms: the steps as a Categorization (vanilla renderers: tabs; Material renderers: a stepper,
 * `options.variant: "stepper"`), sections as Groups, and inside them one Control per leaf field, objects as Groups,
 * lists of objects with a detail layout, and `if`/`then` parts shown only when they apply (JSON Forms rules).
 * `served` is the schema frontends get ({@link servedSchema}); the rules' conditions are taken from it.
 */
export function jsonFormsUiSchema(file: FormVersionFile, published: Node, served: Node, localizer: Localizer): Json {
  const ctx: JsonFormsContext = { l: localizer, rules: conditionalRules(served, '#') };
  const field = (name: string) => {
    const node = published.properties?.[name];
    return isNode(node) ? element(node, served.properties?.[name] ?? {}, `#/properties/${name}`, ctx) : undefined;
  };
  return {
    type: 'Categorization',
    elements: file.layout.steps.map((step) => ({
      type: 'Category',
      label: localizer.text(step.title, 'steps'),
      elements: step.sections.map((section) => ({
        type: 'Group',
        label: localizer.text(section.title, 'steps'),
        elements: section.fields.map(field).filter((el): el is Json => el !== undefined),
      })),
    })),
    options: { variant: 'stepper', showNavButtons: true },
  };
}

const JSON_FORMS_TEXTS: Record<string, Record<string, string>> = {
  de: {
    'enum.none': 'Bitte wählen',
    addTooltip: 'Eintrag hinzufügen',
    addAriaLabel: 'Eintrag hinzufügen',
    removeTooltip: 'Eintrag entfernen',
    removeAriaLabel: 'Eintrag entfernen',
    upAriaLabel: 'Nach oben',
    downAriaLabel: 'Nach unten',
    up: 'Nach oben',
    down: 'Nach unten',
    noSelection: 'Kein Eintrag ausgewählt',
    noDataMessage: 'Noch keine Einträge',
    deleteDialogTitle: 'Eintrag entfernen?',
    deleteDialogMessage: 'Soll der Eintrag entfernt werden?',
    deleteDialogAccept: 'Ja',
    deleteDialogDecline: 'Nein',
  },
  en: {
    'enum.none': 'Please choose',
    addTooltip: 'Add entry',
    addAriaLabel: 'Add entry',
    removeTooltip: 'Remove entry',
    removeAriaLabel: 'Remove entry',
    upAriaLabel: 'Move up',
    downAriaLabel: 'Move down',
    up: 'Up',
    down: 'Down',
    noSelection: 'No entry selected',
    noDataMessage: 'No entries yet',
    deleteDialogTitle: 'Remove entry?',
    deleteDialogMessage: 'Remove this entry?',
    deleteDialogAccept: 'Yes',
    deleteDialogDecline: 'No',
  },
};
const ARRAY_KEYS = ['addTooltip', 'addAriaLabel', 'removeTooltip', 'removeAriaLabel', 'upAriaLabel', 'downAriaLabel', 'up', 'down', 'noSelection', 'noDataMessage', 'deleteDialogTitle', 'deleteDialogMessage', 'deleteDialogAccept', 'deleteDialogDecline'];

/**
 * Texts for JSON Forms' `i18n.translate(key, defaultMessage)`, in the served language: the labels of choices under
 * the keys JSON Forms asks for (`<field path>.<value>`, the path dotted and without list indexes), yes/no for
 * boolean radios, and JSON Forms' own strings (lists, empty choice), globally and per list.
 */
export function jsonFormsTranslations(published: Node, localizer: Localizer): Record<string, string> {
  const own = JSON_FORMS_TEXTS[localizer.locale] ?? JSON_FORMS_TEXTS.de;
  const texts: Record<string, string> = { ...own };
  for (const { pointer, node } of fieldIndex(published).values()) {
    const key = pointer.split('/').slice(1).filter((s) => s !== '*').join('.');
    const choices = isNode(node.items) && Array.isArray(node.items.enum) ? node.items : node;
    const labels = choiceLabels(choices, localizer);
    if (labels) (choices.enum as unknown[]).forEach((value, i) => (texts[`${key}.${String(value)}`] = labels[i]));
    if (typeOf(node) === 'boolean' && node['x-widget'] === 'radio') [texts[`${key}.true`], texts[`${key}.false`]] = yesNo(localizer);
    if (typeOf(node) === 'array') for (const k of ARRAY_KEYS) texts[`${key}.${k}`] = own[k];
  }
  return texts;
}

export interface FimAnnotationInfo {
  field: string;
  id?: string;
  version?: string;
  datentyp?: string;
  feldart?: string;
}

export function fimAnnotations(published: Node): FimAnnotationInfo[] {
  return [...fieldIndex(published).values()].filter((f) => f.fim).map((f) => ({ field: f.pointer, ...f.fim }));
}
