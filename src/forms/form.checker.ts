import type { Report } from '../catalog/catalog.checker.js';
import { berlinDate } from '../catalog/opening-hours.js';
import type { Catalog, CodeListFile, Entry, FormVersionFile } from '../catalog/catalog.types.js';
import type { FormSchemaNode } from './form.types.js';
import { fieldIndex, publishSchema, UnknownCodeListError, validationSchema, walkSchema } from './form-schema.js';
import { CompiledForm, createFormAjv } from './form-validator.js';
import { isDateBound } from './relative-date.js';
import { compareVersions } from './form-version.js';
import { attachmentRuleProblems } from '../attachments/attachment-rules.js';

/** The highest version of each form. */
export function latestVersions(forms: Iterable<Entry<FormVersionFile>>): Map<string, Entry<FormVersionFile>> {
  const latest = new Map<string, Entry<FormVersionFile>>();
  for (const entry of forms) {
    const current = latest.get(entry.data.id);
    if (!current || compareVersions(entry.data.version, current.data.version) > 0) latest.set(entry.data.id, entry);
  }
  return latest;
}

function bounded(node: FormSchemaNode): boolean {
  return node.maxLength !== undefined || node.enum !== undefined || node.const !== undefined || node['x-codelist'] !== undefined;
}

/**
 * Forms: each version against the rules of a form (labels, bounded strings, layout, code lists, date bounds,
 * routing) and compiled in ajv strict mode; the examples of each form against its latest version.
 */
export function checkForms(catalog: Catalog, report: Report, today = berlinDate(new Date()), options: { requireService?: boolean } = {}): void {
  const codeLists = new Map<string, CodeListFile>([...catalog.codeLists].map(([id, e]) => [id, e.data]));
  const ajv = createFormAjv();
  const compiled = new Map<string, { form: CompiledForm; published: FormSchemaNode } | null>();

  for (const [key, { data, path }] of catalog.forms) {
    if (!data.serviceId) {
      if (options.requireService !== false) report(path, '', 'Ein Formular im Katalog braucht eine Leistung (serviceId).');
    }
    else if (!catalog.services.has(data.serviceId)) report(path, '/serviceId', `Die Leistung „${data.serviceId}“ gibt es nicht.`);
    if (!catalog.organisations.has(data.owner)) report(path, '/owner', `Die Organisation „${data.owner}“ gibt es nicht.`);
    const schema = data.schema as FormSchemaNode;

    for (const field of fieldIndex(schema).values()) {
      const at = `/schema${field.pointer.replace(/\/\*/g, '/items').replace(/\/([^/]+)/g, '/properties/$1').replace(/\/properties\/items/g, '/items')}`;
      if (!field.label) report(path, at, `Das Feld „${field.pointer}“ braucht eine Beschriftung (x-label).`);
      const types = Array.isArray(field.node.type) ? field.node.type : [field.node.type];
      if (types.includes('string') && !bounded(field.node)) report(path, at, `Das Textfeld „${field.pointer}“ braucht eine Höchstlänge (maxLength).`);
    }
    walkSchema(schema, (node, pointer) => {
      const dates = node['x-date'];
      for (const bound of [dates?.min, dates?.max]) {
        if (bound !== undefined && !isDateBound(bound)) report(path, `/schema${pointer}/x-date`, `„${bound}“ ist keine Datumsgrenze (today, +7d, -18y oder JJJJ-MM-TT).`);
      }
      if (node['x-codelist'] && !codeLists.has(node['x-codelist'])) {
        report(path, `/schema${pointer}/x-codelist`, `Die Codeliste „${node['x-codelist']}“ gibt es nicht.`);
      }
      const labels = node['x-enum-labels'];
      if (labels && Array.isArray(node.enum)) {
        for (const value of node.enum) if (!labels[String(value)]) report(path, `/schema${pointer}/x-enum-labels`, `Für den Wert „${String(value)}“ fehlt die Beschriftung.`);
      }
    });

    for (const [pointer, message] of attachmentRuleProblems(schema)) report(path, `/schema${pointer}`, message);

    const top = Object.keys(schema.properties ?? {});
    const placed = data.layout.steps.flatMap((s) => s.sections.flatMap((section) => section.fields));
    for (const name of top) {
      const count = placed.filter((f) => f === name).length;
      if (count !== 1) report(path, '/layout', count === 0 ? `Das Feld „${name}“ steht in keinem Abschnitt.` : `Das Feld „${name}“ steht in mehreren Abschnitten.`);
    }
    for (const name of new Set(placed)) if (!top.includes(name)) report(path, '/layout', `Der Abschnitt nennt das unbekannte Feld „${name}“.`);
    const stepIds = data.layout.steps.map((s) => s.id);
    if (new Set(stepIds).size !== stepIds.length) report(path, '/layout/steps', 'Die Kennungen der Schritte sind nicht eindeutig.');

    if (data.routing?.agsField) {
      const target = fieldIndex(schema).get(data.routing.agsField);
      if (!target) report(path, '/routing/agsField', `Das Feld „${data.routing.agsField}“ gibt es im Formular nicht.`);
      else if (!target.node['x-codelist'] && target.node.type !== 'string') report(path, '/routing/agsField', 'Das Feld für den Gemeindeschlüssel muss ein Textfeld sein.');
    }
    if (data.routing?.organisation && !catalog.organisations.has(data.routing.organisation)) {
      report(path, '/routing/organisation', `Die Organisation „${data.routing.organisation}“ gibt es nicht.`);
    }

    const index = fieldIndex(schema);
    data.completeness?.attachments.forEach((pointer, i) => {
      if (!index.has(pointer)) report(path, `/completeness/attachments/${i}`, `Das Feld „${pointer}“ gibt es im Formular nicht.`);
    });

    if (data.notify && index.get(data.notify.emailField)?.node.format !== 'email') {
      report(path, '/notify/emailField', `„${data.notify.emailField}“ ist kein E-Mail-Feld (format: email) des Formulars.`);
    }

    let published: FormSchemaNode;
    try {
      published = publishSchema(schema, codeLists);
    } catch (error) {
      if (!(error instanceof UnknownCodeListError)) throw error;
      compiled.set(key, null);
      continue;
    }
    try {
      const validate = ajv.compile(validationSchema(published, today));
      compiled.set(key, { form: new CompiledForm(validate, published, data.title), published });
    } catch (error) {
      report(path, '/schema', `Das Schema lässt sich nicht übersetzen (ajv strict): ${(error as Error).message}`);
      compiled.set(key, null);
    }
  }

  // examples, against the latest version of their form (compiled for the example's own "today" if it has one)
  const latest = latestVersions(catalog.forms.values());
  for (const [path, { data: example }] of catalog.formExamples) {
    const formId = path.split('/')[1];
    const form = latest.get(formId);
    if (!form) {
      report(path, '', `Zum Beispiel gibt es keine Formularversion in forms/${formId}/.`);
      continue;
    }
    const base = compiled.get(formKey(form.data.id, form.data.version));
    if (!base) continue;
    const name = path.split('/').pop() ?? '';
    const checker = example.today && example.today !== today
      ? new CompiledForm(ajv.compile(validationSchema(base.published, example.today)), base.published, form.data.title)
      : base.form;
    const outcome = checker.check(example.data, 'de');
    if (name.startsWith('valid-')) {
      if (example.errors) report(path, '/errors', 'Ein gültiges Beispiel listet keine Fehler.');
      for (const error of outcome.errors) report(path, `/data${error.field}`, `Das gültige Beispiel wird abgelehnt: ${error.message}`);
    } else if (name.startsWith('invalid-')) {
      const expected = new Set(example.errors ?? []);
      const actual = new Set(outcome.errors.map((e) => e.field));
      if (expected.size === 0) report(path, '/errors', 'Ein ungültiges Beispiel muss die erwarteten Fehlerfelder nennen.');
      for (const field of actual) if (!expected.has(field)) report(path, '/errors', `Unerwarteter Fehler bei „${field}“: ${outcome.errors.find((e) => e.field === field)?.message}`);
      for (const field of expected) if (!actual.has(field)) report(path, '/errors', `Erwarteter Fehler bei „${field}“ bleibt aus.`);
    } else {
      report(path, '', 'Beispieldateien heißen valid-*.json oder invalid-*.json.');
    }
  }
}

const formKey = (id: string, version: string) => `${id}@${version}`;
