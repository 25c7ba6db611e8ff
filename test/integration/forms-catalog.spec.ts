import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import RjsfForm from '@rjsf/core';
import { customizeValidator } from '@rjsf/validator-ajv8';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { createAjv, isCategorization, resolveSchema } from '@jsonforms/core';
import { checkCatalogDir, codeListsOf, defaultCatalogDir, type FullCheck } from '../../src/catalog/catalog.check.js';
import { Localizer } from '../../src/catalog/localize.js';
import type { CodeListFile } from '../../src/catalog/catalog.types.js';
import { latestVersions } from '../../src/forms/form.checker.js';
import { jsonFormsUiSchema, rjsfUiSchema } from '../../src/forms/form-render.js';
import { getDefaultFormState } from '@rjsf/utils';
import { publishSchema, renderSchema, validationSchema } from '../../src/forms/form-schema.js';
import { CompiledForm, createFormAjv } from '../../src/forms/form-validator.js';
import type { FormSchemaNode } from '../../src/forms/form.types.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The repository's forms: every example as the catalog promises, both renderers on every form. */
describe('the forms of the catalog', () => {
  let check: FullCheck;
  let codeLists: Map<string, CodeListFile>;
  const ajv = createFormAjv();

  beforeAll(async () => {
    check = await checkCatalogDir(defaultCatalogDir());
    codeLists = codeListsOf(check.catalog);
  });

  it('has at least 12 forms for services of at least 10 areas', () => {
    const latest = latestVersions(check.catalog.forms.values());
    const areas = new Set([...latest.values()].map((f) => check.catalog.services.get(f.data.serviceId!)!.data.areaId));
    expect(latest.size).toBeGreaterThanOrEqual(12);
    expect(areas.size).toBeGreaterThanOrEqual(10);
  });

  it('accepts every valid example and rejects every invalid one with exactly the expected fields and German messages', () => {
    const latest = latestVersions(check.catalog.forms.values());
    let valid = 0;
    let invalid = 0;
    for (const [path, { data: example }] of check.catalog.formExamples) {
      const form = latest.get(path.split('/')[1])!;
      const published = publishSchema(form.data.schema as FormSchemaNode, codeLists);
      const compiled = new CompiledForm(ajv.compile(validationSchema(published, example.today ?? '2026-11-25')), published, form.data.title);
      const outcome = compiled.check(example.data, 'de');
      if (path.includes('/valid-')) {
        valid += 1;
        expect([path, outcome.errors]).toEqual([path, []]);
      } else {
        invalid += 1;
        expect([path, [...new Set(outcome.errors.map((e) => e.field))].sort()]).toEqual([path, [...new Set(example.errors)].sort()]);
        for (const error of outcome.errors) expect(error.message).toMatch(/^(„.+“|Das Feld „.+“) .+\.$/);
      }
    }
    expect(valid).toBeGreaterThanOrEqual(24);
    expect(invalid).toBeGreaterThanOrEqual(24);
  });

  it('renders every form with react-jsonschema-form and gives JSON Forms resolvable steps', () => {
    const validator = customizeValidator({ AjvClass: Ajv2020 as never });
    for (const { data: file } of latestVersions(check.catalog.forms.values()).values()) {
      const published = publishSchema(file.schema as FormSchemaNode, codeLists);
      const l = new Localizer('de');
      const schema = renderSchema(published, '2026-11-25', l, file.title) as Json;
      const html = renderToStaticMarkup(createElement(RjsfForm as never, { schema, uiSchema: rjsfUiSchema(file, published, l), validator } as never));
      for (const [name, property] of Object.entries(schema.properties as Json)) {
        if (property.title) expect([file.id, name, html.includes(property.title.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;'))]).toEqual([file.id, name, true]);
      }
      const uischema = jsonFormsUiSchema(file, published, schema, l) as Json;
      expect(isCategorization(uischema as never)).toBe(true);
      expect(uischema.elements).toHaveLength(file.layout.steps.length);
      for (const category of uischema.elements) {
        for (const group of category.elements) for (const control of group.elements) expect(resolveSchema(schema, control.scope, schema)).toBeDefined();
      }
    }
  });

  it("leaves rjsf's default form state empty for every form, and every valid example stays valid merged onto it", () => {
    const validator = customizeValidator({ AjvClass: Ajv2020 as never });
    const values = (v: unknown, p = ''): string[] =>
      Array.isArray(v) ? v.flatMap((x, i) => values(x, `${p}/${i}`)) : v && typeof v === 'object' ? Object.entries(v).flatMap(([k, x]) => values(x, `${p}/${k}`)) : [`${p}=${JSON.stringify(v)}`];
    const latest = latestVersions(check.catalog.forms.values());
    for (const { data: file } of latest.values()) {
      const schema = renderSchema(publishSchema(file.schema as FormSchemaNode, codeLists), '2026-11-25', new Localizer('de'), file.title) as Json;
      expect([file.id, values(getDefaultFormState(validator as never, schema, {}, schema))]).toEqual([file.id, []]);
    }
    for (const [path, { data: example }] of check.catalog.formExamples) {
      if (!path.includes('/valid-')) continue;
      const file = latest.get(path.split('/')[1])!.data;
      const schema = renderSchema(publishSchema(file.schema as FormSchemaNode, codeLists), example.today ?? '2026-11-25', new Localizer('de'), file.title) as Json;
      const merged = getDefaultFormState(validator as never, schema, structuredClone(example.data), schema);
      expect([path, validator.validateFormData(merged, schema as never).errors]).toEqual([path, []]);
    }
  });

  it('gives JSON Forms a Control for every leaf field of every form', () => {
    const leaves = (node: Json, path: string): string[] =>
      node['x-widget'] === 'attachment' || node.items?.['x-widget'] === 'attachment'
        ? [path]
        : node.properties
          ? Object.entries(node.properties as Json).flatMap(([k, v]) => leaves(v, `${path}/properties/${k}`))
          : node.items?.properties
            ? leaves(node.items, `${path}/items`)
            : [path];
    const controls = (el: Json, base = '#'): string[] => [
      ...(el.type === 'Control' ? [el.scope.replace(/^#/, base)] : []),
      ...(el.elements ?? []).flatMap((c: Json) => controls(c, base)),
      ...(el.options?.detail ? controls(el.options.detail, `${el.scope.replace(/^#/, base)}/items`) : []),
    ];
    for (const { data: file } of latestVersions(check.catalog.forms.values()).values()) {
      const published = publishSchema(file.schema as FormSchemaNode, codeLists);
      const l = new Localizer('de');
      const schema = renderSchema(published, '2026-11-25', l, file.title);
      const found = new Set(controls(jsonFormsUiSchema(file, published, schema, l) as Json));
      const expected = leaves(published as Json, '#').filter((leaf) => !found.has(leaf));
      expect([file.id, expected]).toEqual([file.id, []]);
    }
  });

  it("compiles with JSON Forms' default ajv (draft-07), which accepts every valid example and refuses every invalid one", () => {
    const jsonFormsAjv = createAjv();
    const latest = latestVersions(check.catalog.forms.values());
    for (const [path, { data: example }] of check.catalog.formExamples) {
      const file = latest.get(path.split('/')[1])!.data;
      const schema = renderSchema(publishSchema(file.schema as FormSchemaNode, codeLists), example.today ?? '2026-11-25', new Localizer('de'), file.title);
      const valid = jsonFormsAjv.validate(schema, example.data);
      // the server's own checks (IBAN, DIN 91379) are beyond JSON Schema: an example refused only by them passes here
      const serverOnly = (example.errors ?? []).length > 0 && new CompiledForm(ajv.compile(validationSchema(publishSchema(file.schema as FormSchemaNode, codeLists), example.today ?? '2026-11-25')), publishSchema(file.schema as FormSchemaNode, codeLists), file.title).check(example.data, 'de').errors.every((e) => e.keyword.startsWith('x-'));
      expect([path, valid]).toEqual([path, path.includes('/valid-') || serverOnly]);
    }
  });
});
