/* global window, document */
// The test page of the browser test, bundled at test time (esbuild) and driven by playwright-core. It renders a
// Lotse form as the API serves it with the real renderers, set up the way the README shows: react-jsonschema-form
// (@rjsf/core, validator-ajv8 on Ajv2020, German strings) and JSON Forms with the vanilla renderers (German
// strings through i18n, choice labels from the served translations). Both get the upload widgets of
// upload-widgets.jsx (the README's), bound to the marker the API puts on attachment fields; they post to /attachments
// of the page's origin, the test's Lotse. Everything else is each renderer's default.
import { createElement as h } from 'react';
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import RjsfForm from '@rjsf/core';
import { customizeValidator } from '@rjsf/validator-ajv8';
import { englishStringTranslator, replaceStringParameters, TranslatableString } from '@rjsf/utils';
import { JsonForms, useJsonForms, withJsonFormsControlProps } from '@jsonforms/react';
import { vanillaCells, vanillaRenderers } from '@jsonforms/vanilla-renderers';
import { and, rankWith, schemaMatches, uiTypeIs } from '@jsonforms/core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import localizeDe from 'ajv-i18n/localize/de/index.js';
import { jsonFormsAttachment, RjsfAttachmentField, useErrorsBelow } from './upload-widgets.jsx';

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

/** Requests in flight, answers read (the test waits for the widgets' uploads to /attachments to finish). */
let inFlight = 0;
const pageFetch = window.fetch.bind(window);
window.fetch = async (...args) => {
  inFlight += 1;
  try {
    const res = await pageFetch(...args);
    await res.clone().arrayBuffer();
    return res;
  } finally {
    inFlight -= 1;
  }
};

/**
 * JSON Forms vanilla renders a list of plain choices as a table of unlabelled selects (an accessibility failure);
 * this renders it the way the Material renderers do: a group of labelled checkboxes, or, where a value may repeat,
 * a labelled select per entry with buttons to add and remove.
 */
const scopeClass = (scope) => scope.replace('#', 'root').replace(/\//g, '_');
const isChoiceList = and(uiTypeIs('Control'), schemaMatches((s) => Array.isArray(s.items?.enum)));
const JsonFormsChoiceList = withJsonFormsControlProps(function JsonFormsChoiceList(props) {
  const { id, path, label, schema, data = [], handleChange, required } = props;
  const { i18n } = useJsonForms();
  const key = path.replace(/\.\d+/g, '');
  const text = (value) => i18n?.translate?.(`${key}.${value}`, String(value)) ?? String(value);
  const errors = useErrorsBelow(path);
  const legend = h('legend', null, required ? `${label} *` : label);
  const message = h('div', { className: 'validation', id: `${id}-errors` }, errors.join(' '));
  if (schema.uniqueItems) {
    return h('fieldset', { id, className: `control choice-list ${scopeClass(props.uischema.scope)}` }, legend, ...schema.items.enum.map((value, i) =>
      h('label', { key: value }, h('input', { type: 'checkbox', id: `${id}-${i}`, checked: data.includes(value), onChange: (e) => handleChange(path, e.target.checked ? [...data, value] : data.filter((v) => v !== value)) }), ' ', text(value))), message);
  }
  return h('fieldset', { id, className: `control choice-list ${scopeClass(props.uischema.scope)}` }, legend, ...data.map((value, n) =>
    h('div', { key: n },
      h('label', { htmlFor: `${id}-${n}` }, `${label} ${n + 1}`),
      h('select', { id: `${id}-${n}`, value: value ?? '', onChange: (e) => handleChange(path, data.map((v, m) => (m === n ? e.target.value : v))) },
        h('option', { value: '' }, text('enum.none')), ...schema.items.enum.map((v) => h('option', { key: v, value: v }, text(v)))),
      h('button', { type: 'button', onClick: () => handleChange(path, data.filter((_, m) => m !== n)) }, `${label} ${n + 1} entfernen`))),
    h('button', { type: 'button', onClick: () => handleChange(path, [...data, '']) }, `${label}: Eintrag hinzufügen`), message);
});

let root;
let state;
let rjsfForm;
const container = () => document.getElementById('root');

/** The server's messages above the form, as frontends should list them (rjsf lists its own errors there too). */
const ErrorSummary = ({ errors }) =>
  errors?.length ? h('div', { role: 'alert', id: 'error-summary' }, h('h2', null, 'Bitte prüfen Sie Ihre Angaben'), h('ul', null, errors.map((e, i) => h('li', { key: i }, e.message)))) : null;

/** Renders `form` with `renderer` ("rjsf" | "jsonforms"), starting from `data`, showing server `errors` when given. */
function render({ renderer, form, data, errors }) {
  root?.unmount();
  root = createRoot(container());
  state = data;
  rjsfForm = undefined;
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
          formContext: { formId: form.id, version: form.version },
          extraErrors: errors?.rjsf,
          ref: (form) => (rjsfForm = form),
          onChange: (event) => onChange(event.formData),
        }),
      );
    } else {
      root.render(h('div', null, h(ErrorSummary, { errors: errors?.ajv }),
        h(JsonForms, {
          schema: form.jsonSchema,
          uischema: form.uischema,
          data,
          renderers: [
            ...vanillaRenderers,
            jsonFormsAttachment,
            { tester: rankWith(5, isChoiceList), renderer: JsonFormsChoiceList },
          ],
          cells: vanillaCells,
          config: { formId: form.id, version: form.version },
          i18n: { locale: 'de', translate: (key, fallback) => form.translations[key] ?? fallback },
          validationMode: 'NoValidation',
          additionalErrors: errors?.ajv ?? [],
          onChange: ({ data: next }) => onChange(next),
        })),
      );
    }
  });
}

const hasInput = (el) => !!el && (el.matches('input,select,textarea') || !!el.querySelector('input,select,textarea'));
const byClass = (scope) => `[class~="${scopeClass(scope)}"]`;
const scopeOf = (segments) => `#/${segments.map((s) => `properties/${s}`).join('/')}`;

/** Which of `leaves` (pointers, lists as `*`) have an input on the page now (lists: in their first entry). */
function renderedLeaves(renderer, leaves) {
  return leaves.filter((leaf) => {
    const segments = leaf.split('/').slice(1);
    if (renderer === 'rjsf') {
      const id = `root_${segments.map((s) => (s === '*' ? '0' : s)).join('_')}`;
      return hasInput(document.getElementById(id)) || !!document.querySelector(`[id^="${id}-"]`);
    }
    const star = segments.indexOf('*');
    if (star < 0) return hasInput(document.getElementById(scopeOf(segments))) || hasInput(document.querySelector(byClass(scopeOf(segments))));
    const list = document.querySelector(byClass(scopeOf(segments.slice(0, star))));
    return hasInput(list?.querySelector(byClass(scopeOf(segments.slice(star + 1)))) ?? null);
  });
}

/** The text shown in the error area of the field at `pointer`, '' when the field is not on the page. */
function textAt(renderer, pointer) {
  const segments = pointer.split('/').slice(1);
  const norm = (text) => (text ?? '').replace(/\s+/g, ' ');
  if (renderer === 'rjsf') {
    const id = `root_${segments.join('_')}`;
    return norm(`${document.getElementById(`${id}__error`)?.textContent ?? ''} ${document.getElementById(`${id}__parts`)?.textContent ?? ''}`);
  }
  let el = document;
  let rest = segments;
  while (el && rest.length > 0) {
    const index = rest.findIndex((s) => /^\d+$/.test(s));
    const head = index < 0 ? rest : rest.slice(0, index);
    el = el.querySelector(`[id="${scopeOf(head)}"]`) ?? el.querySelector(byClass(scopeOf(head)));
    if (index < 0) break;
    el = el?.querySelector('.children')?.children[Number(rest[index])] ?? null;
    rest = rest.slice(index + 1);
  }
  return el ? norm([...el.querySelectorAll('.validation')].map((v) => v.textContent).join(' ')) : '';
}

window.lotse = {
  renderedLeaves,
  textAt,
  summary: () => document.getElementById('error-summary')?.textContent ?? '',
  categories: () => document.querySelectorAll('.category-subcategories > li').length,
  selectCategory: (i) => document.querySelectorAll('.category-subcategories > li')[i].click(),
  axe: async (tags) => (await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })).violations.map((v) => ({ id: v.id, targets: v.nodes.slice(0, 3).map((n) => n.target) })),
  render,
  /** Whether no upload is in flight and no widget says it is uploading. */
  settled: () => inFlight === 0 && ![...document.querySelectorAll('.attachment li')].some((li) => li.textContent === 'Wird hochgeladen …'),
  /** The upload errors the widgets show. */
  uploadErrors: () => [...document.querySelectorAll('.upload-error')].map((e) => e.textContent),
  /** The renderer's own form data (rjsf: its state, defaults included; JSON Forms: what it last reported). */
  state: () => {
    const current = rjsfForm ? rjsfForm.state.formData : state;
    return current === undefined ? undefined : JSON.parse(JSON.stringify(current));
  },
  /** ajv errors of `data` against `schema` in the browser. */
  validate: (schema, data) => (ajv.validate(schema, data) ? [] : ajv.errors.map(({ instancePath, schemaPath, keyword, params }) => ({ instancePath, schemaPath, keyword, params }))),
};
