import { Role } from '../../src/auth/roles.js';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { FormVersionEntity } from '../../src/forms/entities/form-version.entity.js';
import { messageSchemas } from '../../src/xoev/message-schemas.js';
import { validateAgainstXsd } from '../../src/xoev/xml-validator.js';
import { EntityManager } from '@mikro-orm/postgresql';
import { startTestApp, type TestApp } from '../support/app.js';
import { MINI_CATALOG } from '../support/catalog-copy.js';
import { withClient } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';
import { TEST_GENERICODE, xdf2TestSchema } from '../support/xdf-fixtures.js';

/*
 * Issue 18 end to end: the import report (diff in dry runs, rules, routing), rules in draftForm and form, a
 * NAMESPACE_MISMATCH refused in lenient mode, and a submission of an imported form with a code-list field whose XÖV
 * message names the list. The ids in the fixtures (S99…, F99…, R99…) are made up.
 */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REPORT = `created { kind id version comparedWith changes { change path id properties } rules { fimId name description appliesTo } routing { agsField organisation message } }
  updated { kind id version comparedWith changes { change path id properties } }
  unchanged { kind id version } warnings { code message } errors { code message } applied dryRun`;
const IMPORT = `mutation($i: ImportDefinitionsInput!) { importDefinitions(input: $i) { ${REPORT} } }`;
const PUBLISH = `mutation($i: PublishFormInput!) { publishForm(input: $i) { id version status rules { fimId appliesTo } } }`;
const SUBMIT = `mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) { __typename ... on SubmissionReceipt { referenceNumber organisationId } ... on SubmissionValidationError { errors { field message } } } }`;

const STATUS = '<xdf:status listURI="urn:xoev-de:fim:codeliste:xdatenfelder.status" listVersionID="1.0"><code>aktiv</code></xdf:status>';
const RULE = `<xdf:regel><xdf:identifikation><xdf:id>R99001890</xdf:id><xdf:version>1.0</xdf:version></xdf:identifikation><xdf:name>Halter volljährig</xdf:name>
  <xdf:beschreibung></xdf:beschreibung><xdf:definition>Die Halterin oder der Halter muss volljährig sein.</xdf:definition><xdf:bezug></xdf:bezug>${STATUS}<xdf:script></xdf:script></xdf:regel>`;
const AGS_FIELD = `<xdf:struktur><xdf:anzahl>1:1</xdf:anzahl><xdf:bezug></xdf:bezug><xdf:enthaelt><xdf:datenfeld>
  <xdf:identifikation><xdf:id>F99001891</xdf:id><xdf:version>1.0</xdf:version></xdf:identifikation><xdf:name>Gemeindeschlüssel</xdf:name>
  <xdf:bezeichnungEingabe>Amtlicher Gemeindeschlüssel des Wohnorts</xdf:bezeichnungEingabe><xdf:beschreibung></xdf:beschreibung><xdf:definition></xdf:definition><xdf:bezug></xdf:bezug>${STATUS}
  <xdf:schemaelementart listURI="urn:xoev-de:fim:codeliste:xdatenfelder.schemaelementart" listVersionID="1.0"><code>HAR</code></xdf:schemaelementart>
  <xdf:hilfetextEingabe></xdf:hilfetextEingabe><xdf:hilfetextAusgabe></xdf:hilfetextAusgabe>
  <xdf:feldart listURI="urn:xoev-de:fim:codeliste:xdatenfelder.feldart" listVersionID="1.0"><code>input</code></xdf:feldart>
  <xdf:datentyp listURI="urn:xoev-de:fim:codeliste:xdatenfelder.datentyp" listVersionID="1.0"><code>text</code></xdf:datentyp>
  <xdf:praezisierung>{"minLength":"8","maxLength":"8","pattern":"[0-9]{8}"}</xdf:praezisierung><xdf:inhalt></xdf:inhalt></xdf:datenfeld></xdf:enthaelt></xdf:struktur>`;

const reportOf = (body: { data?: Json | null; errors?: unknown }) => {
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data.importDefinitions as Json;
};

describe('imports that keep everything (issue 18)', () => {
  let t: TestApp;
  let editor: Record<string, string>;
  let key = 0;
  const importXdf = async (input: Json) =>
    reportOf((await t.gql<Json>(IMPORT, { i: { organisationId: '03453004', lenient: true, codeLists: [TEST_GENERICODE], content: xdf2TestSchema(), ...input } }, editor)).body);
  const count = (sql: string) => withClient(t.databaseUrl, async (c) => Number((await c.query(sql)).rows[0].n));

  beforeAll(async () => {
    t = await startTestApp({ env: { WORKER_ENABLED: 'false', IMPORT_MAX_BYTES: '200000' } });
    await t.app.get(CatalogSyncService).sync(MINI_CATALOG);
    editor = await bearer(t.config, Role.EDITOR, '03453004');
  });
  afterAll(() => t.close());

  it('refuses, also in lenient mode, an xdf2 file that claims the xdf3 namespace, and writes nothing', async () => {
    const content = xdf2TestSchema().replace('urn:xoev-de:fim:standard:xdatenfelder_2', 'urn:xoev-de:fim:standard:xdatenfelder_3.0.0');
    const report = await importXdf({ content, formId: 'falscher-namensraum' });
    expect(report.errors.map((e: Json) => e.code)).toEqual(['NAMESPACE_MISMATCH']);
    expect(report.errors[0].message).toContain('Präzisierungen als JSON-Text');
    expect(report.applied).toBe(false);
    expect(await count(`select count(*) n from form_version where form_id = 'falscher-namensraum'`)).toBe(0);
  });

  it('lists the changed fields of a re-import in a dry run, and writes nothing', async () => {
    const first = await importXdf({ formId: 'diff-probe' });
    expect(first.created[0]).toMatchObject({ id: 'diff-probe', version: '1.0', comparedWith: null, changes: null });
    const dry = await importXdf({ formId: 'diff-probe', dryRun: true, content: xdf2TestSchema({ nameMaxLength: 80 }) });
    expect(dry).toMatchObject({ dryRun: true, applied: false, errors: [] });
    expect(dry.updated).toEqual([{ kind: 'FORM', id: 'diff-probe', version: '1.0', comparedWith: '1.0', changes: [{ change: 'CHANGED', path: '/F99000001', id: 'F99000001', properties: ['CONSTRAINT'] }] }]);
    const stored = await withClient(t.databaseUrl, async (c) => (await c.query(`select data from form_version where id = 'diff-probe@1.0'`)).rows[0].data);
    expect(stored.schema.properties.F99000001.maxLength).toBe(100);
    // a new field in a dry run against the same stored version
    const added = await importXdf({ formId: 'diff-probe', dryRun: true, content: xdf2TestSchema({ extraXml: AGS_FIELD }) });
    expect(added.updated[0].changes).toEqual([{ change: 'ADDED', path: '/F99001891', id: 'F99001891', properties: [] }]);
  });

  it('shows the rules in the report, in draftForm (rules and x-rules) and after publishing in form', async () => {
    const report = await importXdf({ formId: 'regel-probe', content: xdf2TestSchema({ extraXml: RULE }) });
    const rule = { fimId: 'R99001890', name: 'Halter volljährig', description: 'Die Halterin oder der Halter muss volljährig sein.', appliesTo: [''] };
    expect(report.created[0].rules).toEqual([rule]);
    const draft = await t.gql<Json>(`{ draftForm(id: "regel-probe", version: "1.0") { rules { fimId name description appliesTo } jsonSchema fim { field codeliste { uri version missing } } } }`, undefined, editor);
    expect(draft.body.errors).toBeUndefined();
    expect(draft.body.data!.draftForm.fim).toContainEqual({ field: '/G99000001/*/F99000002', codeliste: { uri: 'urn:lotse-test:codeliste:tierart', version: '2026-01-01', missing: null } });
    expect(draft.body.data!.draftForm.rules).toEqual([rule]);
    expect(draft.body.data!.draftForm.jsonSchema['x-rules']).toEqual([{ fimId: 'R99001890', version: '1.0', name: rule.name, description: rule.description }]);
    const published = await t.gql<Json>(PUBLISH, { i: { formId: 'regel-probe', version: '1.0', serviceId: 'hund-anmelden' } }, editor);
    expect(published.body.errors).toBeUndefined();
    // the service was named only at publishing: the municipal routing is set then
    const row = await withClient(t.databaseUrl, async (c) => (await c.query(`select data from form_version where id = 'regel-probe@1.0'`)).rows[0].data);
    expect(row.routing).toEqual({ organisation: '03453004' });
    const form = await t.gql<Json>(`{ form(id: "regel-probe") { rules { fimId name appliesTo } } }`);
    expect(form.body.data!.form.rules).toEqual([{ fimId: 'R99001890', name: rule.name, appliesTo: [''] }]);
  });

  it('routes a municipal service form to the importing municipality, and its XÖV message names the code list', async () => {
    const report = await importXdf({ formId: 'gemeinde-probe', serviceId: 'hund-anmelden' });
    expect(report.errors).toEqual([]);
    expect(report.created[0].routing).toMatchObject({ organisation: '03453004', agsField: null });
    expect(report.created[0].routing.message).toContain('kein Feld für den Gemeindeschlüssel');
    const published = await t.gql<Json>(PUBLISH, { i: { formId: 'gemeinde-probe', version: '1.0' } }, editor);
    expect(published.body.errors).toBeUndefined();

    const data = { F99000001: 'Erika Muster', G99000001: [{ F99000002: '02' }] };
    const receipt = (await t.gql<Json>(SUBMIT, { i: { formId: 'gemeinde-probe', version: '1.0', data }, k: `kante-${Date.now()}-${++key}` })).body.data!.submitForm;
    expect(receipt).toMatchObject({ __typename: 'SubmissionReceipt', organisationId: '03453004' });
    const [{ id }] = (await withClient(t.databaseUrl, (c) => c.query('select id from submission where reference_number = $1', [receipt.referenceNumber]))).rows;
    const caseworker = await bearer(t.config, Role.CASEWORKER, '03453004');
    const res = await t.gql<{ submissionXml: string }>('query($id: ID!) { submissionXml(id: $id) }', { id }, caseworker);
    expect(res.body.errors).toBeUndefined();
    const xml = res.body.data!.submissionXml;
    expect(xml).toContain('<f:eintrag><f:F99000002 listURI="urn:lotse-test:codeliste:tierart" listVersionID="2026-01-01"><code>02</code></f:F99000002></f:eintrag>');
    const form = await t.app.get(EntityManager).fork().findOneOrFail(FormVersionEntity, { id: 'gemeinde-probe@1.0' });
    const validation = await validateAgainstXsd(xml, messageSchemas(form.formId, form.version, form.publishedSchema));
    expect(validation.errors).toEqual([]);
    expect(validation.valid).toBe(true);
  });

  it('routes by the AGS field where the form has one, and says so', async () => {
    const report = await importXdf({ formId: 'ags-probe', serviceId: 'hund-anmelden', content: xdf2TestSchema({ extraXml: AGS_FIELD }) });
    expect(report.created[0].routing).toMatchObject({ agsField: '/F99001891', organisation: null });
    const row = await withClient(t.databaseUrl, async (c) => (await c.query(`select data from form_version where id = 'ags-probe@1.0'`)).rows[0].data);
    expect(row.routing).toEqual({ agsField: '/F99001891' });
    // importing the same file again changes nothing (the routing is part of the compared content)
    const again = await importXdf({ formId: 'ags-probe', serviceId: 'hund-anmelden', content: xdf2TestSchema({ extraXml: AGS_FIELD }) });
    expect(again.unchanged).toEqual([{ kind: 'FORM', id: 'ags-probe', version: '1.0' }]);
  });
});
