import { Localizer } from '../catalog/localize.js';
import type { FormSchemaNode, FormVersionFile } from './form.types.js';
import { jsonFormsTranslations, jsonFormsUiSchema, rjsfUiSchema } from './form-render.js';
import { renderSchema } from './form-schema.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const label = (de: string) => ({ 'x-label': { de } });
const attachment = { type: 'object', 'x-widget': 'attachment', ...label('Nachweis'), required: ['attachmentId'], properties: { attachmentId: { type: 'string', maxLength: 36 }, mediaType: { type: 'string', enum: ['application/pdf'] }, size: { type: 'integer', maximum: 1000 } } };
const schema = {
  type: 'object',
  required: ['art', 'erklaerung'],
  properties: {
    art: { type: 'string', enum: ['PERSON', 'FIRMA'], 'x-widget': 'radio', 'x-enum-labels': { PERSON: { de: 'Person' }, FIRMA: { de: 'Firma' } }, ...label('Art') },
    name: { type: 'string', maxLength: 10, ...label('Name') },
    firma: { type: 'object', ...label('Firma'), properties: { registernummer: { type: 'string', maxLength: 10, ...label('Registernummer') } } },
    notiz: { type: 'string', maxLength: 10, ...label('Notiz') },
    kinder: {
      type: 'array',
      minItems: 1,
      ...label('Kinder'),
      items: {
        type: 'object',
        properties: { schule: { type: 'boolean', ...label('Schule') }, schulname: { type: 'string', maxLength: 10, ...label('Schulname') } },
        allOf: [{ if: { properties: { schule: { const: true } }, required: ['schule'] }, then: { required: ['schulname'] } }],
      },
    },
    nachweise: { type: 'array', maxItems: 3, ...label('Nachweise'), items: attachment },
    erklaerung: { type: 'boolean', const: true, ...label('Erklärung') },
  },
  allOf: [
    { if: { properties: { art: { const: 'FIRMA' } }, required: ['art'] }, then: { required: ['firma'], properties: { firma: { required: ['registernummer'] } } }, else: { required: ['name'] } },
    { if: { properties: { art: { const: 'FIRMA' } }, required: ['art'] }, then: { required: ['notiz'] } },
    { if: { properties: { name: { const: 'X' } }, required: ['name'] }, then: { required: ['notiz'] } },
  ],
} as unknown as FormSchemaNode;
const file = { title: { de: 'Test' }, layout: { steps: [{ id: 's', title: { de: 'Schritt' }, sections: [{ id: 'a', title: { de: 'Angaben' }, fields: Object.keys(schema.properties!) }] }] } } as unknown as FormVersionFile;

describe('JSON Forms uischema', () => {
  const l = new Localizer('de');
  const served = renderSchema(schema, '2026-11-25', l, file.title);
  const ui = jsonFormsUiSchema(file, schema, served, l) as Json;
  const elements: Json[] = ui.elements[0].elements[0].elements;
  const byScope = (scope: string, list: Json[] = elements): Json | undefined => {
    for (const el of list) {
      if (el.scope === scope) return el;
      const inner = byScope(scope, [...(el.elements ?? []), ...(el.options?.detail?.elements ?? [])]);
      if (inner) return inner;
    }
    return undefined;
  };

  it('has a Control per leaf field, Groups for objects, a detail layout for lists of objects, one Control per attachment', () => {
    expect(elements.map((e) => e.type)).toEqual(['Control', 'Control', 'Group', 'Control', 'Control', 'Control', 'Control']);
    expect(byScope('#/properties/art')).toMatchObject({ type: 'Control', options: { format: 'radio' } });
    expect(elements[2]).toMatchObject({ type: 'Group', label: 'Firma', elements: [{ type: 'Control', scope: '#/properties/firma/properties/registernummer' }] });
    expect(byScope('#/properties/kinder')!.options.detail.elements.map((e: Json) => e.scope)).toEqual(['#/properties/schule', '#/properties/schulname']);
    expect(byScope('#/properties/nachweise')).toMatchObject({ options: { format: 'attachment', attachment: { multiple: true, mediaTypes: ['application/pdf'], maxBytes: 1000, maxFiles: 3 } } });
  });

  it('shows what a then requires when its if holds, hides what an else requires, and leaves fields of several conditions alone', () => {
    const firma = { scope: '#', schema: served.allOf!.find((e) => e.if)!.if };
    expect(elements[2].rule).toEqual({ effect: 'SHOW', condition: firma });
    expect(byScope('#/properties/name')!.rule).toEqual({ effect: 'HIDE', condition: firma });
    expect(byScope('#/properties/firma/properties/registernummer')!.rule).toEqual({ effect: 'SHOW', condition: firma });
    expect(byScope('#/properties/notiz')!.rule).toBeUndefined(); // required by two conditions
    expect(byScope('#/properties/erklaerung')!.rule).toBeUndefined(); // always required
    // inside a list entry, the condition is about the entry
    expect(byScope('#/properties/schulname')!.rule).toMatchObject({ effect: 'SHOW', condition: { scope: '#' } });
  });

  it('gives choices their labels under the keys JSON Forms asks for', () => {
    expect(jsonFormsTranslations(schema, l)).toMatchObject({ 'art.PERSON': 'Person', 'art.FIRMA': 'Firma', 'kinder.addTooltip': 'Eintrag hinzufügen' });
  });
});

describe('rjsf uiSchema', () => {
  it('carries choice labels, widgets, the German submit text and one attachment field, and no help texts', () => {
    const ui = rjsfUiSchema(file, schema, new Localizer('de')) as Json;
    expect(ui.art).toEqual({ 'ui:widget': 'radio', 'ui:enumNames': ['Person', 'Firma'] });
    expect(ui.nachweise).toEqual({ 'ui:field': 'attachment', 'ui:options': { attachment: { multiple: true, mediaTypes: ['application/pdf'], maxBytes: 1000, maxFiles: 3 } } });
    expect(ui['ui:submitButtonOptions']).toEqual({ submitText: 'Absenden' });
    expect(JSON.stringify(ui)).not.toContain('ui:help');
  });
});
