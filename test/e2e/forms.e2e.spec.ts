import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import RjsfForm from '@rjsf/core';
import { customizeValidator } from '@rjsf/validator-ajv8';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { isCategorization, resolveSchema } from '@jsonforms/core';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { CatalogRejectedError } from '../../src/catalog/catalog.errors.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { withClient } from '../support/postgres.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FORM = `query($id: ID!, $v: String, $l: String) { form(id: $id, version: $v, locale: $l) {
  id version status serviceId title jsonSchema uiSchema uischema translations locale fallbackFields
  steps { id title sections { id title fields } } fim { field datentyp feldart } } }`;
const VALIDATE = `query($d: JSON!, $s: String, $l: String, $v: String!) { validateSubmission(formId: "testantrag", version: $v, data: $d, step: $s, locale: $l) {
  valid truncated rjsfErrors errors { instancePath schemaPath keyword params message field label } } }`;

const VALID = { name: 'Anna', gemeinde: '03453004', personen: [{ vorname: 'Anna', einkommen: '1200.50' }], zahlungsart: 'BAR', bestaetigt: true };

function inDays(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin' }).format(d);
}

describe('forms: rendering and validation', () => {
  let t: TestApp;
  let copy: CatalogCopy;
  beforeAll(async () => {
    copy = await CatalogCopy.of();
    t = await startTestApp();
    await t.app.get(CatalogSyncService).sync(copy.dir);
  });
  afterAll(async () => {
    await t.close();
    await copy.destroy();
  });

  const validate = async (data: unknown, extra: Json = {}) => {
    const res = await t.gql<{ validateSubmission: Json }>(VALIDATE, { d: data, v: '1.0', ...extra });
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.validateSubmission;
  };
  const fields = (result: Json) => result.errors.map((e: Json) => e.field).sort();

  it('serves the latest published version with a JSON Schema, both UI schemas, steps and FIM annotations', async () => {
    const res = await t.gql<{ form: Json }>(FORM, { id: 'testantrag' });
    const form = res.body.data!.form;
    expect(form).toMatchObject({ id: 'testantrag', version: '1.0', status: 'PUBLISHED', serviceId: 'wohngeld', title: 'Testantrag', locale: 'de' });
    expect(form.jsonSchema.$schema).toBeUndefined(); // JSON Forms' default (draft-07) ajv compiles it too
    expect(form.jsonSchema.properties.name.title).toBe('Name');
    // choices as enum (a oneOf of consts makes rjsf pre-select the first), labels for both renderers
    expect(form.jsonSchema.properties.gemeinde).toMatchObject({ type: 'string', enum: ['03453004', '03453007'] });
    expect(form.jsonSchema.properties.gemeinde.oneOf).toBeUndefined();
    expect(form.uiSchema.gemeinde['ui:enumNames']).toEqual(['Cloppenburg', 'Friesoythe']);
    expect(form.translations).toMatchObject({ 'gemeinde.03453004': 'Cloppenburg', 'gemeinde.03453007': 'Friesoythe', 'enum.none': 'Bitte wählen' });
    // a declaration has to be ticked, but is nothing a renderer could fill in
    expect(form.jsonSchema.properties.bestaetigt).toMatchObject({ allOf: [{ type: 'boolean' }], not: { const: false } });
    expect(form.jsonSchema.required).toContain('bestaetigt');
    expect(JSON.stringify(form.jsonSchema)).not.toMatch(/"x-|"const":true/);
    expect(JSON.stringify(form.uiSchema)).not.toContain('ui:help'); // help once: the schema's description
    expect(form.uiSchema['ui:order']).toEqual(['name', 'gemeinde', 'termin', 'personen', 'zahlungsart', 'iban', 'telefon', 'rueckruf', 'bestaetigt']);
    expect(form.uiSchema['ui:submitButtonOptions']).toEqual({ submitText: 'Absenden' });
    expect(form.uiSchema.zahlungsart).toMatchObject({ 'ui:widget': 'radio', 'ui:enumNames': ['bar', 'auf ein Konto'] });
    expect(form.uischema).toMatchObject({ type: 'Categorization', options: { variant: 'stepper' } });
    expect(form.steps.map((s: Json) => s.id)).toEqual(['person', 'zahlung']);
    expect(form.fim).toEqual([{ field: '/name', datentyp: 'text', feldart: 'input' }]);
  });

  it('keeps the order of the catalog file at every level, in the schema, the uiSchema and the uischema', async () => {
    const file = await copy.read<Json>('forms/testantrag/1.0.json');
    const form = (await t.gql<{ form: Json }>(FORM, { id: 'testantrag' })).body.data!.form;
    const orders = (node: Json, path = ''): Array<[string, string[]]> =>
      node && typeof node === 'object' && !Array.isArray(node)
        ? [
            ...(node.properties ? [[path, Object.keys(node.properties)] as [string, string[]]] : []),
            ...Object.entries(node.properties ?? {}).flatMap(([k, v]) => orders(v as Json, `${path}/${k}`)),
            ...(node.items ? orders(node.items, `${path}/*`) : []),
          ]
        : [];
    const expected = orders(file.schema);
    expect(expected.some(([, keys]) => keys.join() !== [...keys].sort((a, b) => a.length - b.length || (a < b ? -1 : 1)).join())).toBe(true); // jsonb's order differs
    expect(orders(form.jsonSchema)).toEqual(expected);
    // the rjsf uiSchema and the JSON Forms detail layout of the list follow the same order
    const personen = expected.find(([p]) => p === '/personen/*')![1];
    const detail = form.uischema.elements.flatMap((c: Json) => c.elements.flatMap((g: Json) => g.elements)).find((e: Json) => e.scope === '#/properties/personen');
    expect(detail.options.detail.elements.map((e: Json) => e.scope)).toEqual(personen.map((k) => `#/properties/${k}`));
  });

  it('lists published forms as a Relay connection, filtered by service, area and words', async () => {
    const LIST = `query($f: FormFilter, $first: Int, $after: String, $l: String) { forms(filter: $f, first: $first, after: $after, locale: $l) {
      totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id version title serviceId } } } }`;
    const list = async (vars: Json) => {
      const res = await t.gql<{ forms: Json }>(LIST, vars);
      expect(res.body.errors).toBeUndefined();
      return res.body.data!.forms;
    };
    const all = await list({});
    expect(all.edges.map((e: Json) => e.node.id)).toEqual(['nachweisantrag', 'testantrag']);
    expect(all.totalCount).toBe(2);
    const first = await list({ first: 1 });
    expect(first).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true, hasPreviousPage: false } });
    const second = await list({ first: 1, after: first.pageInfo.endCursor });
    expect(second.edges.map((e: Json) => e.node.id)).toEqual(['testantrag']);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect((await list({ f: { serviceId: 'wohngeld' } })).edges.map((e: Json) => e.node.id)).toEqual(['testantrag']);
    expect((await list({ f: { areaId: 'verkehr' } })).edges.map((e: Json) => e.node.id)).toEqual(['nachweisantrag']);
    expect((await list({ f: { areaId: 'gibt-es-nicht' } })).totalCount).toBe(0);
    expect((await list({ f: { query: 'NACHWEIS' } })).edges.map((e: Json) => e.node.id)).toEqual(['nachweisantrag']);
    expect((await list({ f: { query: 'application proof' }, l: 'en' })).edges.map((e: Json) => e.node.title)).toEqual(['Application with proof']);
    expect((await list({ f: { query: 'nachweis test' } })).totalCount).toBe(0);
    const bad = await t.gql(LIST, { first: 101 });
    expect(bad.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const badCursor = await t.gql(LIST, { after: 'kaputt' });
    expect(badCursor.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('serves English where written and names the texts that fell back to German', async () => {
    const form = (await t.gql<{ form: Json }>(FORM, { id: 'testantrag', l: 'en' })).body.data!.form;
    expect(form.title).toBe('Test application');
    expect(form.jsonSchema.properties.name.title).toBe('Name');
    expect(form.uiSchema.zahlungsart['ui:enumNames']).toEqual(['bar', 'to an account']);
    expect(form.translations).toMatchObject({ 'zahlungsart.KONTO': 'to an account', 'enum.none': 'Please choose' });
    expect(form.uiSchema['ui:submitButtonOptions']).toEqual({ submitText: 'Submit' });
    expect(form.fallbackFields).toEqual(expect.arrayContaining(['choices', 'help']));
  });

  it('renders with the real react-jsonschema-form and validates the same way in the "browser"', async () => {
    const form = (await t.gql<{ form: Json }>(FORM, { id: 'testantrag' })).body.data!.form;
    const validator = customizeValidator({ AjvClass: Ajv2020 as never });
    const html = renderToStaticMarkup(
      createElement(RjsfForm as never, { schema: form.jsonSchema, uiSchema: form.uiSchema, validator, formData: VALID } as never),
    );
    for (const label of ['Name', 'Gemeinde', 'Wunschtermin', 'Personen', 'Zahlungsart', 'IBAN', 'Angaben bestätigt']) expect(html).toContain(label);
    expect(html.split('Ohne Leerzeichen').length - 1).toBe(1); // help text once (the schema's description)
    expect(validator.validateFormData(VALID, form.jsonSchema).errors).toEqual([]);
    const browserErrors = validator.validateFormData({ ...VALID, zahlungsart: 'KONTO' }, form.jsonSchema).errors;
    expect(browserErrors.map((e) => e.property)).toContain('iban');
  });

  it('gives JSON Forms a stepper whose controls all resolve, and validates with its ajv', async () => {
    const form = (await t.gql<{ form: Json }>(FORM, { id: 'testantrag' })).body.data!.form;
    expect(isCategorization(form.uischema)).toBe(true);
    const controls = form.uischema.elements.flatMap((c: Json) => c.elements.flatMap((g: Json) => g.elements));
    expect(controls).toHaveLength(9);
    for (const control of controls) expect(resolveSchema(form.jsonSchema, control.scope, form.jsonSchema)).toBeDefined();
    // JSON Forms validates with an ajv it is given; for 2020-12 schemas that is Ajv2020 with formats
    const ajv2020 = new Ajv2020({ allErrors: true, strict: false });
    expect(ajv2020.validate(form.jsonSchema, VALID)).toBe(true);
    expect(ajv2020.validate(form.jsonSchema, { ...VALID, personen: [] })).toBe(false);
  });

  it('accepts valid data and names every field with an error, by its label, in German', async () => {
    expect(await validate(VALID)).toMatchObject({ valid: true, errors: [], rjsfErrors: {}, truncated: false });
    const result = await validate({ personen: [], zahlungsart: 'KONTO', iban: 'DE02120300000000202052', rueckruf: true, bestaetigt: false });
    expect(result.valid).toBe(false);
    expect(fields(result)).toEqual(['/bestaetigt', '/gemeinde', '/iban', '/name', '/personen', '/telefon']);
    const byField = Object.fromEntries(result.errors.map((e: Json) => [e.field, e]));
    expect(byField['/name']).toMatchObject({ keyword: 'required', instancePath: '', label: 'Name', message: '„Name“ muss ausgefüllt werden.' });
    expect(byField['/iban'].message).toBe('„IBAN“ ist keine gültige IBAN (Prüfziffer oder Länge stimmt nicht).');
    expect(byField['/personen'].message).toBe('„Personen“ braucht mindestens 1 Eintrag.');
    expect(byField['/telefon'].message).toBe('„Telefon“ muss ausgefüllt werden, wenn „Rückruf erwünscht“ angegeben ist.');
    expect(byField['/bestaetigt'].message).toBe('„Angaben bestätigt“ muss bestätigt werden.');
    expect(result.rjsfErrors.name.__errors).toEqual(['„Name“ muss ausgefüllt werden.']);
  });

  it('speaks English on request', async () => {
    const result = await validate({ ...VALID, name: '' }, { l: 'en' });
    expect(result.errors).toEqual([expect.objectContaining({ field: '/name', label: 'Name', message: '"Name" must not be empty.' })]);
  });

  it('requires a field only when its condition holds', async () => {
    expect((await validate({ ...VALID, zahlungsart: 'BAR' })).valid).toBe(true);
    expect(fields(await validate({ ...VALID, zahlungsart: 'KONTO' }))).toEqual(['/iban']);
    expect((await validate({ ...VALID, zahlungsart: 'KONTO', iban: 'DE02120300000000202051' })).valid).toBe(true);
  });

  it('holds repeating groups to their bounds', async () => {
    const person = (n: number) => ({ vorname: `P${n}` });
    expect(fields(await validate({ ...VALID, personen: [] }))).toEqual(['/personen']);
    expect((await validate({ ...VALID, personen: [person(1)] })).valid).toBe(true);
    expect((await validate({ ...VALID, personen: [person(1), person(2), person(3)] })).valid).toBe(true);
    const four = await validate({ ...VALID, personen: [1, 2, 3, 4].map(person) });
    expect(four.errors).toEqual([expect.objectContaining({ field: '/personen', keyword: 'maxItems', message: '„Personen“ darf höchstens 3 Einträge haben.' })]);
    const inner = await validate({ ...VALID, personen: [person(1), { vorname: 'X', einkommen: '12,50' }] });
    expect(inner.errors).toEqual([expect.objectContaining({ field: '/personen/1/einkommen', label: 'Einkommen', keyword: 'pattern' })]);
    expect(inner.rjsfErrors.personen['1'].einkommen.__errors).toHaveLength(1);
  });

  it('evaluates date bounds relative to today', async () => {
    expect(fields(await validate({ ...VALID, termin: inDays(1) }))).toEqual(['/termin']);
    expect((await validate({ ...VALID, termin: inDays(10) })).valid).toBe(true);
    const late = await validate({ ...VALID, termin: inDays(200) });
    expect(late.errors[0]).toMatchObject({ keyword: 'formatMaximum', field: '/termin' });
    expect(late.errors[0].message).toMatch(/^„Wunschtermin“ darf nicht nach dem \d{2}\.\d{2}\.\d{4} liegen\.$/);
  });

  it('validates one step alone', async () => {
    const data = { zahlungsart: 'KONTO' };
    expect(fields(await validate(data, { s: 'zahlung' }))).toEqual(['/bestaetigt', '/iban']);
    expect(fields(await validate(data, { s: 'person' }))).toEqual(['/gemeinde', '/name', '/personen']);
    const res = await t.gql(VALIDATE, { d: data, v: '1.0', s: 'unbekannt' });
    expect(res.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuses characters that XML 1.0 cannot carry, so that an accepted submission always exports', async () => {
    const result = await validate({ ...VALID, name: 'Anna\u0007', personen: [{ vorname: 'B\uD800' }] });
    expect(fields(result)).toEqual(['/name', '/personen/0/vorname']);
    expect(result.errors.find((e: Json) => e.field === '/name').message).toBe('„Name“ enthält Steuerzeichen oder ungültige Zeichen, die nicht übermittelt werden können; bitte entfernen Sie sie.');
    expect((await validate({ ...VALID, name: 'Zoë Łódź 😀 <&> "]]>"' })).valid).toBe(true);
  });

  it('caps the error list at 100', async () => {
    const flood = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`feld${i}`, i]));
    const result = await validate({ ...VALID, ...flood });
    expect(result.errors).toHaveLength(100);
    expect(result.truncated).toBe(true);
    expect(result.errors[0].message).toMatch(/ist in diesem Formular nicht vorgesehen/);
  });

  it('serves the XSD of a form version over GraphQL and HTTP, the same bytes each time', async () => {
    const res = await t.gql<{ formXsd: string }>('{ formXsd(formId: "testantrag", version: "1.0") }');
    const xsd = res.body.data!.formXsd;
    expect(xsd).toContain('targetNamespace="urn:lotse:form:testantrag:1.0"');
    expect(xsd).toContain('<xs:enumeration value="03453004"/>');
    expect(xsd).not.toContain('xs:float');
    const http = await fetch(`${t.baseUrl}/forms/testantrag/1.0/schema.xsd`);
    expect(http.status).toBe(200);
    expect(http.headers.get('content-type')).toContain('application/xml');
    expect(await http.text()).toBe(xsd);
    const missing = await fetch(`${t.baseUrl}/forms/testantrag/9.9/schema.xsd`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('FORM_VERSION_NOT_FOUND');
  });

  it.each([
    [{ id: 'gibt-es-nicht', v: '1.0' }, 'FORM_NOT_FOUND'],
    [{ id: 'testantrag', v: '9.9' }, 'FORM_VERSION_NOT_FOUND'],
    [{ id: 'testantrag', v: 'eins' }, 'BAD_USER_INPUT'],
  ])('answers %j with %s', async (vars, code) => {
    const res = await t.gql(FORM, vars);
    expect(res.body.errors?.[0].extensions?.code).toBe(code);
    expect(res.body.errors?.[0].message).toMatch(/[äöüÄÖÜß]|Formular|Version/);
  });

  it('refuses data that is not an object', async () => {
    for (const d of [[1, 2], 'text', 5]) {
      const res = await t.gql(VALIDATE, { d, v: '1.0' });
      expect(res.body.errors?.[0].extensions?.code).toBe('FORM_DATA_NOT_OBJECT');
    }
  });

  it('keeps a published version immutable, serves drafts of new versions to nobody, and retires old ones', async () => {
    await copy.edit('forms/testantrag/1.0.json', (d) => ((d.title as Json).de = 'Geändert'));
    await expect(t.app.get(CatalogSyncService).sync(copy.dir)).rejects.toThrow(CatalogRejectedError);
    await expect(t.app.get(CatalogSyncService).sync(copy.dir)).rejects.toThrow(/darf nicht mehr geändert werden/);
    await copy.edit('forms/testantrag/1.0.json', (d) => {
      (d.title as Json).de = 'Testantrag';
      d.status = 'RETIRED';
    });
    const next = await copy.read<Json>('forms/testantrag/1.0.json');
    await copy.write('forms/testantrag/2.0.json', { ...next, version: '2.0', status: 'DRAFT' });
    await t.app.get(CatalogSyncService).sync(copy.dir);
    expect((await t.gql(FORM, { id: 'testantrag' })).body.errors?.[0].extensions?.code).toBe('FORM_RETIRED');
    expect((await t.gql(FORM, { id: 'testantrag', v: '2.0' })).body.errors?.[0].extensions?.code).toBe('FORM_VERSION_NOT_PUBLISHED');
    const retired = (await t.gql<{ form: Json }>(FORM, { id: 'testantrag', v: '1.0' })).body.data!.form;
    expect(retired.status).toBe('RETIRED');
    await copy.edit('forms/testantrag/2.0.json', (d) => (d.status = 'PUBLISHED'));
    await t.app.get(CatalogSyncService).sync(copy.dir);
    expect((await t.gql<{ form: Json }>(FORM, { id: 'testantrag' })).body.data!.form.version).toBe('2.0');
    const service = await t.gql<Json>('{ service(id: "wohngeld") { forms { id version } formLinks { formId } } }');
    expect(service.body.data!.service).toEqual({ forms: [{ id: 'testantrag', version: '2.0' }], formLinks: [{ formId: 'testantrag' }] });
  });
  it('restores the catalog order of a version stored in another order when a sync touches it (here: retiring it)', async () => {
    const sql = (text: string) => withClient(t.databaseUrl, (c) => c.query(text)).then((r) => r.rows);
    // as rows written while the columns were jsonb: keys sorted by length, then bytes
    await sql(`update "form_version" set "data" = "data"::jsonb::json, "published_schema" = "published_schema"::jsonb::json where "id" = 'nachweisantrag@1.0'`);
    const file = await copy.read<Json>('forms/nachweisantrag/1.0.json');
    const keys = async () => Object.keys(JSON.parse((await sql(`select "published_schema"::text as s from "form_version" where "id" = 'nachweisantrag@1.0'`))[0].s));
    expect(await keys()).not.toEqual(Object.keys(file.schema));
    await copy.edit('forms/nachweisantrag/1.0.json', (d) => (d.status = 'RETIRED'));
    await t.app.get(CatalogSyncService).sync(copy.dir);
    expect(await keys()).toEqual(Object.keys(file.schema));
    const data = JSON.parse((await sql(`select "data"::text as d from "form_version" where "id" = 'nachweisantrag@1.0'`))[0].d);
    expect(Object.keys(data)).toEqual(Object.keys(file));
  });
});
