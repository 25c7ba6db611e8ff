/* global window, document, crypto */
// The test page of the browser test, bundled at test time (esbuild) and driven by playwright-core. It renders a
// Lotse form as the API serves it with the real renderers, set up the way the README shows: react-jsonschema-form
// (@rjsf/core, validator-ajv8 on Ajv2020, German strings) and JSON Forms with the vanilla renderers (German
// strings through i18n, choice labels from the served translations). Both get a minimal attachment widget bound to
// the marker the API puts on attachment fields. Everything else is each renderer's default.
import { createElement as h } from 'react';
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import RjsfForm from '@rjsf/core';
import { customizeValidator } from '@rjsf/validator-ajv8';
import { englishStringTranslator, replaceStringParameters, TranslatableString } from '@rjsf/utils';
import { JsonForms, withJsonFormsControlProps } from '@jsonforms/react';
import { vanillaCells, vanillaRenderers } from '@jsonforms/vanilla-renderers';
import { optionIs, rankWith } from '@jsonforms/core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import localizeDe from 'ajv-i18n/localize/de/index.js';

// rjsf: its own strings in German (the README shows the same table)
const RJSF_DE = {
  [TranslatableString.ArrayItemTitle]: 'Eintrag',
  [TranslatableString.EmptyArray]: 'Noch keine Einträge.',
  [TranslatableString.YesLabel]: 'Ja',
  [TranslatableString.NoLabel]: 'Nein',
  [TranslatableString.CloseLabel]: 'Schließen',
  [TranslatableString.ErrorsLabel]: 'Fehler',
  [TranslatableString.AddButton]: 'Hinzufügen',
  [TranslatableString.AddItemButton]: 'Eintrag hinzufügen',
  [TranslatableString.CopyButton]: 'Kopieren',
  [TranslatableString.MoveDownButton]: 'Nach unten',
  [TranslatableString.MoveUpButton]: 'Nach oben',
  [TranslatableString.RemoveButton]: 'Entfernen',
  [TranslatableString.ClearLabel]: 'Leeren',
  [TranslatableString.AriaDateLabel]: 'Datum wählen',
};
const translateString = (key, params) => (RJSF_DE[key] ? replaceStringParameters(RJSF_DE[key], params) : englishStringTranslator(key, params));
const rjsfValidator = customizeValidator({ AjvClass: Ajv2020 }, localizeDe);

// the browser's own ajv, as a frontend would set it up: JSON Schema 2020-12 with formats
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);

const fileObject = (file) => ({ attachmentId: crypto.randomUUID(), fileName: file.name, mediaType: file.type, size: file.size });
const names = (value) => (Array.isArray(value) ? value : value ? [value] : []).map((f) => f.fileName).join(', ');

/** A minimal upload widget: a labelled file input; the chosen files become attachment objects. */
function AttachmentInput({ id, label, value, multiple, onChange, required, describedBy }) {
  return h(
    'div',
    { className: 'attachment' },
    h('label', { htmlFor: id }, required ? `${label} *` : label),
    h('input', {
      id,
      type: 'file',
      multiple,
      'aria-describedby': describedBy,
      onChange: (event) => {
        const files = [...event.target.files].map(fileObject);
        onChange(multiple ? files : files[0]);
      },
    }),
    h('span', { id: `${id}-files` }, names(value)),
  );
}

function RjsfAttachmentField(props) {
  const id = props.fieldPathId?.$id ?? props.idSchema?.$id;
  const options = props.uiSchema?.['ui:options']?.attachment ?? {};
  const errors = props.errorSchema?.__errors ?? [];
  return h(
    'div',
    { className: 'form-group field' },
    h(AttachmentInput, { id, label: props.schema.title ?? props.name, value: props.formData, multiple: options.multiple, required: props.required, describedBy: `${id}__error`, onChange: (v) => props.onChange(v, props.fieldPathId?.path ?? []) }),
    h('div', { id: `${id}__error` }, errors.map((e) => h('p', { key: e, className: 'text-danger' }, e))),
  );
}

const JsonFormsAttachment = withJsonFormsControlProps(function JsonFormsAttachment(props) {
  const id = `${props.id}-input`;
  return h(
    'div',
    { className: 'control', id: props.id },
    h(AttachmentInput, { id, label: props.label, value: props.data, multiple: props.uischema.options?.attachment?.multiple, required: props.required, describedBy: `${props.id}-errors`, onChange: (v) => props.handleChange(props.path, v) }),
    h('div', { id: `${props.id}-errors`, className: 'validation' }, props.errors),
  );
});

let root;
let state;
const container = () => document.getElementById('root');

/** Renders `form` with `renderer` ("rjsf" | "jsonforms"), starting from `data`, showing server `errors` when given. */
function render({ renderer, form, data, errors }) {
  root?.unmount();
  root = createRoot(container());
  state = data;
  const onChange = (next) => (state = next);
  flushSync(() => {
    if (renderer === 'rjsf') {
      root.render(
        h(RjsfForm, {
          schema: form.jsonSchema,
          uiSchema: form.uiSchema,
          formData: data,
          validator: rjsfValidator,
          translateString,
          fields: { attachment: RjsfAttachmentField },
          extraErrors: errors?.rjsf,
          onChange: (event) => onChange(event.formData),
        }),
      );
    } else {
      root.render(
        h(JsonForms, {
          schema: form.jsonSchema,
          uischema: form.uischema,
          data,
          renderers: [...vanillaRenderers, { tester: rankWith(10, optionIs('format', 'attachment')), renderer: JsonFormsAttachment }],
          cells: vanillaCells,
          i18n: { locale: 'de', translate: (key, fallback) => form.translations[key] ?? fallback },
          validationMode: 'NoValidation',
          additionalErrors: errors?.ajv ?? [],
          onChange: ({ data: next }) => onChange(next),
        }),
      );
    }
  });
}

window.lotse = {
  render,
  state: () => (state === undefined ? undefined : JSON.parse(JSON.stringify(state))),
  /** ajv errors of `data` against `schema` in the browser. */
  validate: (schema, data) => (ajv.validate(schema, data) ? [] : ajv.errors.map(({ instancePath, schemaPath, keyword, params }) => ({ instancePath, schemaPath, keyword, params }))),
};
