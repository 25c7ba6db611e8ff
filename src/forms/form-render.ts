import type { Localizer } from '../catalog/localize.js';
import type { FormSchemaNode, FormVersionFile } from './form.types.js';
import { fieldIndex } from './form-schema.js';

type Json = Record<string, unknown>;

const WIDGETS: Record<string, Json> = {
  radio: { 'ui:widget': 'radio' },
  textarea: { 'ui:widget': 'textarea' },
  currency: { 'ui:options': { inputType: 'text', inputMode: 'decimal' } },
  attachment: { 'ui:options': { attachment: true } },
  hidden: { 'ui:widget': 'hidden' },
};

function rjsfNode(node: FormSchemaNode, localizer: Localizer): Json {
  const ui: Json = { ...(node['x-widget'] ? WIDGETS[node['x-widget']] : {}) };
  if (node['x-help']) ui['ui:help'] = localizer.text(node['x-help'], 'help');
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const childUi = rjsfNode(child, localizer);
    if (Object.keys(childUi).length > 0) ui[name] = childUi;
  }
  if (node.items) {
    const itemUi = rjsfNode(node.items, localizer);
    if (Object.keys(itemUi).length > 0) ui.items = itemUi;
  }
  return ui;
}

/** uiSchema for react-jsonschema-form: field order from the layout, help texts and widgets. */
export function rjsfUiSchema(file: FormVersionFile, published: FormSchemaNode, localizer: Localizer): Json {
  const order = file.layout.steps.flatMap((s) => s.sections.flatMap((section) => section.fields));
  return { 'ui:order': order, ...rjsfNode(published, localizer) };
}

/** uischema for JSON Forms: the steps as a stepper Categorization, sections as groups of controls. */
export function jsonFormsUiSchema(file: FormVersionFile, localizer: Localizer): Json {
  return {
    type: 'Categorization',
    elements: file.layout.steps.map((step) => ({
      type: 'Category',
      label: localizer.text(step.title, 'steps'),
      elements: step.sections.map((section) => ({
        type: 'Group',
        label: localizer.text(section.title, 'steps'),
        elements: section.fields.map((field) => ({ type: 'Control', scope: `#/properties/${field}` })),
      })),
    })),
    options: { variant: 'stepper', showNavButtons: true },
  };
}

export interface FimAnnotationInfo {
  field: string;
  id?: string;
  version?: string;
  datentyp?: string;
  feldart?: string;
}

export function fimAnnotations(published: FormSchemaNode): FimAnnotationInfo[] {
  return [...fieldIndex(published).values()].filter((f) => f.fim).map((f) => ({ field: f.pointer, ...f.fim }));
}
