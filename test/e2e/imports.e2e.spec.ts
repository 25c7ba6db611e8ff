import { Role } from '../../src/auth/roles.js';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { defaultCatalogDir } from '../../src/catalog/catalog.check.js';
import { EntityManager } from '@mikro-orm/postgresql';
import { entryHash, exportBundle, type CatalogBundle } from '../../src/interop/bundle/bundle.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { MINI_CATALOG } from '../support/catalog-copy.js';
import { withClient } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';
import { BILLION_LAUGHS, TEST_GENERICODE, xdf2TestSchema } from '../support/xdf-fixtures.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REPORT = `created { kind id version fimId } updated { kind id version } unchanged { kind id version } conflicts { kind id version message }
  warnings { code message line } errors { code message line } applied dryRun format fileHash runId`;
const IMPORT = `mutation($i: ImportDefinitionsInput!) { importDefinitions(input: $i) { ${REPORT} } }`;
const PUBLISH = `mutation($i: PublishFormInput!) { publishForm(input: $i) { id version status serviceId } }`;

/** The report, or the GraphQL errors as the failure message. */
const reportOf = (body: { data?: Json | null; errors?: unknown }) => {
  if (!body.data) throw new Error(JSON.stringify(body.errors));
  return body.data.importDefinitions as Json;
};

const count = (url: string, sql: string, params: unknown[] = []) => withClient(url, async (c) => Number((await c.query(sql, params)).rows[0].n));

describe('importDefinitions: XDatenfelder into an organisation', () => {
  let t: TestApp;
  let editor: Record<string, string>;
  const importXdf = async (input: Json, headers = editor) =>
    (await t.gql<Json>(IMPORT, { i: { organisationId: '03453004', lenient: true, codeLists: [TEST_GENERICODE], content: xdf2TestSchema(), ...input } }, headers)).body;

  beforeAll(async () => {
    t = await startTestApp({ env: { WORKER_ENABLED: 'false', IMPORT_MAX_BYTES: '200000' } });
    await t.app.get(CatalogSyncService).sync(MINI_CATALOG);
    editor = await bearer(t.config, Role.EDITOR, '03453004');
  });
  afterAll(() => t.close());

  it('reports in a dry run and writes nothing', async () => {
    const body = await importXdf({ dryRun: true });
    expect(body.errors).toBeUndefined();
    const report = body.data!.importDefinitions;
    expect(report).toMatchObject({ dryRun: true, applied: false, format: 'XDATENFELDER_2', errors: [] });
    expect(report.created).toEqual([{ kind: 'FORM', id: '03453004-s99000001', version: '1.0', fimId: 'S99000001' }]);
    expect(await count(t.databaseUrl, `select count(*) n from form_version where form_id = '03453004-s99000001'`)).toBe(0);
    expect(await count(t.databaseUrl, `select count(*) n from import_run where outcome = 'DRY_RUN'`)).toBe(1);
  });

  it('imports a draft with provenance, then reports it unchanged, updated and, once published, as a new version', async () => {
    const first = reportOf(await importXdf({}));
    expect(first).toMatchObject({ applied: true, errors: [] });
    expect(first.created).toHaveLength(1);
    const row = await withClient(t.databaseUrl, async (c) => (await c.query(`select status, provenance, data from form_version where id = '03453004-s99000001@1.0'`)).rows[0]);
    expect(row.status).toBe('DRAFT');
    expect(row.provenance).toMatchObject({ format: 'XDATENFELDER_2', fimId: 'S99000001', fimVersion: '1.0', fileHash: first.fileHash, organisationId: '03453004', importRunId: first.runId });
    expect(row.data.schema.properties.F99000001['x-fim']).toMatchObject({ id: 'F99000001' });
    expect(row.data.fim.stammdatenschema.angaben.identifikation.id).toBe('S99000001');
    // drafts are not public; the town's editors review them with draftForm
    const hidden = await t.gql<Json>(`{ form(id: "03453004-s99000001", version: "1.0") { id } }`);
    expect(hidden.body.errors?.[0].extensions?.code).toBe('FORM_VERSION_NOT_PUBLISHED');
    const DRAFT = `{ draftForm(id: "03453004-s99000001", version: "1.0") { status serviceId jsonSchema uiSchema steps { title } fim { field id } provenance { format fimId fimVersion fileHash organisationId } } }`;
    const draft = await t.gql<Json>(DRAFT, undefined, editor);
    expect(draft.body.errors).toBeUndefined();
    expect(draft.body.data!.draftForm).toMatchObject({ status: 'DRAFT', serviceId: null, provenance: { format: 'XDATENFELDER_2', fimId: 'S99000001', fimVersion: '1.0', fileHash: first.fileHash, organisationId: '03453004' } });
    expect(draft.body.data!.draftForm.jsonSchema.properties.G99000001.items.properties.F99000002.enum).toEqual(['01', '02']);
    expect(draft.body.data!.draftForm.uiSchema.G99000001.items.F99000002['ui:enumNames']).toEqual(['Rind', 'Schaf & Ziege']);
    expect(draft.body.data!.draftForm.fim).toEqual(expect.arrayContaining([{ field: '/F99000001', id: 'F99000001' }]));
    const foreign = await t.gql<Json>(DRAFT, undefined, await bearer(t.config, Role.EDITOR, '03453007'));
    expect(foreign.body.errors?.[0].extensions?.code).toBe('FORM_VERSION_NOT_FOUND');

    const again = reportOf(await importXdf({}));
    expect(again).toMatchObject({ applied: false, created: [], updated: [], unchanged: [{ kind: 'FORM', id: '03453004-s99000001', version: '1.0' }] });

    const changed = reportOf(await importXdf({ content: xdf2TestSchema({ nameMaxLength: 80 }) }));
    expect(changed).toMatchObject({ applied: true, created: [], updated: [{ kind: 'FORM', id: '03453004-s99000001', version: '1.0' }] });

    const noService = await t.gql<Json>(PUBLISH, { i: { formId: '03453004-s99000001', version: '1.0' } }, editor);
    expect(noService.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const published = await t.gql<Json>(PUBLISH, { i: { formId: '03453004-s99000001', version: '1.0', serviceId: 'hund-anmelden' } }, editor);
    expect(published.body.errors).toBeUndefined();
    expect(published.body.data!.publishForm).toEqual({ id: '03453004-s99000001', version: '1.0', status: 'PUBLISHED', serviceId: 'hund-anmelden' });
    const twice = await t.gql<Json>(PUBLISH, { i: { formId: '03453004-s99000001', version: '1.0' } }, editor);
    expect(twice.body.errors?.[0].extensions?.code).toBe('FORM_ALREADY_PUBLISHED');

    // the published form takes submissions
    const data = { F99000001: 'Erika Mustermann', G99000001: [{ F99000002: '02', F99000003: '2024-05-01' }] };
    const submitted = await t.gql<Json>(
      `mutation($i: SubmitFormInput!) { submitForm(input: $i, idempotencyKey: "import-1") { __typename ... on SubmissionReceipt { referenceNumber } ... on SubmissionValidationError { message } } }`,
      { i: { formId: '03453004-s99000001', version: '1.0', data } },
    );
    expect(submitted.body.errors).toBeUndefined();
    expect(submitted.body.data!.submitForm).toMatchObject({ __typename: 'SubmissionReceipt' });

    // a published version never changes: a changed file becomes version 1.1, a draft with the same service
    const next = reportOf(await importXdf({ content: xdf2TestSchema({ nameMaxLength: 60 }) }));
    expect(next.created).toEqual([{ kind: 'FORM', id: '03453004-s99000001', version: '1.1', fimId: 'S99000001' }]);
    const v11 = await withClient(t.databaseUrl, async (c) => (await c.query(`select status, service_id from form_version where id = '03453004-s99000001@1.1'`)).rows[0]);
    expect(v11).toEqual({ status: 'DRAFT', service_id: 'hund-anmelden' });
  });

  it('lists the recorded imports of the organisation for its editors', async () => {
    const RUNS = `query($o: ID!) { importRuns(organisationId: $o, first: 3) { id actor outcome createdAt report { applied dryRun created { id version } } } }`;
    const runs = await t.gql<Json>(RUNS, { o: '03453004' }, editor);
    expect(runs.body.errors).toBeUndefined();
    expect(runs.body.data!.importRuns).toHaveLength(3);
    expect(runs.body.data!.importRuns[0]).toMatchObject({ actor: 'editor@03453004', outcome: 'APPLIED', report: { applied: true, created: [{ id: '03453004-s99000001', version: '1.1' }] } });
    const times = runs.body.data!.importRuns.map((r: Json) => r.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    const foreign = await t.gql<Json>(RUNS, { o: '03453004' }, await bearer(t.config, Role.EDITOR, '03453007'));
    expect(foreign.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('lets editors import only into their own organisation', async () => {
    const other = await importXdf({}, await bearer(t.config, Role.EDITOR, '03453007'));
    expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const caseworker = await importXdf({}, await bearer(t.config, Role.CASEWORKER, '03453004'));
    expect(caseworker.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const anonymous = await importXdf({}, {});
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses hostile and unsupported files with a stable code and writes nothing', async () => {
    const before = await count(t.databaseUrl, 'select count(*) n from form_version');
    const cases: Array<[string, string]> = [
      [BILLION_LAUGHS, 'FORBIDDEN_CONSTRUCT'],
      ['<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', 'FORBIDDEN_CONSTRUCT'],
      [`<a>${'<b>'.repeat(5000)}${'</b>'.repeat(5000)}</a>`, 'TOO_DEEP'],
      ['<a>&#99999999999999999999;</a>', 'INVALID_CHARACTER_REFERENCE'],
      ['<xdf:xdatenfelder.stammdatenschema.0102001 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_1"/>', 'UNSUPPORTED_FORMAT'],
      ['<a><b></a>', 'MALFORMED'],
      ['{"format": "lotse-catalog-bundle",', 'MALFORMED'],
      ['x'.repeat(200_001), 'INPUT_TOO_LARGE'],
    ];
    for (const [content, code] of cases) {
      const body = await importXdf({ content, codeLists: [] });
      expect(body.errors).toBeUndefined();
      const report = body.data!.importDefinitions;
      expect(report.applied).toBe(false);
      expect(report.errors.map((e: Json) => e.code)).toContain(code);
      expect(report.errors.every((e: Json) => typeof e.message === 'string' && e.message.length > 10)).toBe(true);
    }
    // a pattern that could backtrack catastrophically: refused in strict mode, dropped with a warning in lenient mode
    const redos = xdf2TestSchema().replace('{"minLength":"1","maxLength":"100"}', '{"maxLength":"100","pattern":"(a+)+$"}');
    expect(reportOf(await importXdf({ content: redos, formId: 'redos-test' })).warnings.map((w: Json) => w.code)).toContain('PATTERN_UNSAFE');
    expect(await count(t.databaseUrl, 'select count(*) n from form_version')).toBe(before + 1);
    const pattern = await withClient(t.databaseUrl, async (c) => (await c.query(`select data from form_version where form_id = 'redos-test'`)).rows[0].data.schema.properties.F99000001);
    expect(pattern.pattern).toBeUndefined();
    expect(pattern.maxLength).toBe(100);
    expect(await count(t.databaseUrl, `select count(*) n from import_run where outcome = 'REJECTED'`)).toBe(cases.length);
  });

  it('reports strict mode without XSDs, a missing code list, and an unknown service', async () => {
    const strict = reportOf(await importXdf({ lenient: false }));
    expect(strict.errors.map((e: Json) => e.code)).toEqual(['SCHEMA_UNAVAILABLE']);
    const lenient = reportOf(await importXdf({ codeLists: [], formId: 'ohne-liste', dryRun: true }));
    expect(lenient.warnings.map((w: Json) => w.code)).toContain('CODELIST_MISSING');
    const service = reportOf(await importXdf({ serviceId: 'gibt-es-nicht' }));
    expect(service.errors.map((e: Json) => e.code)).toEqual(['TARGET_INVALID']);
  });

  it('takes large files from editors only', async () => {
    const big = { query: IMPORT, variables: { i: { organisationId: '03453004', content: `<a>${' '.repeat(150_000)}</a>`, lenient: true, dryRun: true } } };
    const anonymous = await fetch(`${t.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(big) });
    expect(anonymous.status).toBe(413);
    const caseworker = await fetch(`${t.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(await bearer(t.config, Role.CASEWORKER, '03453004')) }, body: JSON.stringify(big) });
    expect(caseworker.status).toBe(413);
    const forged = await fetch(`${t.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer abc.def.ghi' }, body: JSON.stringify(big) });
    expect(forged.status).toBe(413);
    const signedIn = await fetch(`${t.baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...editor }, body: JSON.stringify(big) });
    expect(signedIn.status).toBe(200);
    expect(((await signedIn.json()) as Json).data.importDefinitions.errors[0].code).toBe('UNSUPPORTED_FORMAT');
  });
});

describe('catalog bundles: county → municipality', () => {
  let county: TestApp;
  let town: TestApp;
  let bundle: CatalogBundle;
  let editor: Record<string, string>;
  const importBundle = async (b: CatalogBundle, dryRun = false) =>
    reportOf((await town.gql<Json>(IMPORT, { i: { organisationId: '03453004', format: 'BUNDLE', content: JSON.stringify(b), dryRun } }, editor)).body);

  beforeAll(async () => {
    county = await startTestApp({ env: { WORKER_ENABLED: 'false' } });
    await county.app.get(CatalogSyncService).sync(defaultCatalogDir());
    bundle = await exportBundle(county.app.get(EntityManager).fork(), '03453', 'kreis');
    town = await startTestApp({ env: { WORKER_ENABLED: 'false' } });
    await town.app.get(CatalogSyncService).sync(MINI_CATALOG);
    editor = await bearer(town.config, Role.EDITOR, '03453004');
  });
  afterAll(async () => {
    await county?.close();
    await town?.close();
  });

  it('exports services, forms and code lists with versions, hashes and provenance', () => {
    const kinds = new Set(bundle.entries.map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['AREA', 'CODE_LIST', 'FORM', 'ORGANISATION', 'SERVICE']);
    // every service's area and responsible unit travel with it
    const ids = new Set(bundle.entries.map((e) => `${e.kind}:${e.id}`));
    for (const service of bundle.entries.filter((e) => e.kind === 'SERVICE')) {
      const data = service.data as Json;
      expect(ids.has(`AREA:${data.areaId}`)).toBe(true);
      if (data.responsibleUnitId) expect(ids.has(`ORGANISATION:${data.responsibleUnitId}`)).toBe(true);
    }
    expect(bundle.origin).toMatchObject({ organisationId: '03453', ags: '03453', instanceId: 'kreis' });
    for (const entry of bundle.entries) {
      expect(entry.contentHash).toBe(entryHash(entry.data));
      expect(entry.provenance.source).toBe('CATALOG');
    }
    expect(bundle.entries.filter((e) => e.kind === 'FORM').length).toBe(14);
  });

  it('imports into the municipality, keeps its overrides and own entries, and a second run changes nothing', async () => {
    const overridesBefore = await withClient(town.databaseUrl, async (c) => (await c.query('select id, content_hash from municipal_override order by id')).rows);
    const dry = await importBundle(bundle, true);
    expect(dry.errors).toEqual([]);
    expect(await count(town.databaseUrl, 'select count(*) n from imported_entry')).toBe(0);

    const first = await importBundle(bundle);
    expect(first.errors).toEqual([]);
    expect(first.applied).toBe(true);
    expect(first.created.length + first.conflicts.length).toBe(bundle.entries.length);
    // the town's own services with the same ids (from its own catalog) are conflicts, not overwritten
    expect(first.conflicts.map((c: Json) => c.id)).toEqual(expect.arrayContaining(['fahrzeug-zulassen', 'fuehrerschein-umtauschen']));
    expect(dry.created).toEqual(first.created);
    const townService = await withClient(town.databaseUrl, async (c) => (await c.query(`select data from service where id = 'fahrzeug-zulassen'`)).rows[0].data);
    expect(entryHash(townService)).not.toBe(bundle.entries.find((e) => e.id === 'fahrzeug-zulassen')!.contentHash);
    expect(await count(town.databaseUrl, `select count(*) n from imported_entry where id = 'SERVICE:fahrzeug-zulassen'`)).toBe(0);
    // the imported services work in the town's API: with their areas and responsible units
    const listed = await town.gql<Json>(`{ services(first: 100) { totalCount edges { node { id area { id } responsibleUnit { id } } } } }`);
    expect(listed.body.errors).toBeUndefined();
    expect(listed.body.data!.services.totalCount).toBeGreaterThan(bundle.entries.filter((e) => e.kind === 'SERVICE').length - first.conflicts.length);
    // forms arrive as drafts owned by the town
    const forms = await withClient(town.databaseUrl, async (c) => (await c.query(`select distinct status, owner from form_version where provenance is not null`)).rows);
    expect(forms).toEqual([{ status: 'DRAFT', owner: '03453004' }]);

    const second = await importBundle(bundle);
    expect(second).toMatchObject({ applied: false, created: [], updated: [] });
    expect(second.unchanged.length).toBe(first.created.length);
    expect(second.conflicts).toEqual(first.conflicts);
    expect(await withClient(town.databaseUrl, async (c) => (await c.query('select id, content_hash from municipal_override order by id')).rows)).toEqual(overridesBefore);
    expect(overridesBefore.length).toBeGreaterThan(0);
  });

  it('updates what the county changed, and reports what the town changed since as a conflict', async () => {
    const services = bundle.entries.filter((e) => e.kind === 'SERVICE' && e.id !== 'fahrzeug-zulassen' && e.id !== 'fuehrerschein-umtauschen');
    const [touchedHere, changedThere] = services;
    await withClient(town.databaseUrl, (c) => c.query(`update service set data = jsonb_set(data, '{teaser,de}', '"Geändert in der Stadt"') where id = $1`, [touchedHere.id]));
    const edited: CatalogBundle = structuredClone(bundle);
    for (const entry of edited.entries.filter((e) => e.id === touchedHere.id || e.id === changedThere.id)) {
      (entry.data as Json).teaser = { de: `Neu vom Landkreis: ${entry.id}` };
      entry.contentHash = entryHash(entry.data);
    }
    const report = await importBundle(edited);
    expect(report.updated).toEqual([{ kind: 'SERVICE', id: changedThere.id, version: changedThere.version }]);
    expect(report.conflicts.map((c: Json) => c.id)).toContain(touchedHere.id);
    expect(report.conflicts.find((c: Json) => c.id === touchedHere.id).message).toMatch(/geändert/);
    const teaser = await withClient(town.databaseUrl, async (c) => (await c.query('select data from service where id = $1', [touchedHere.id])).rows[0].data.teaser.de);
    expect(teaser).toBe('Geändert in der Stadt');
    const versions = await count(town.databaseUrl, 'select count(*) n from service_version where service_id = $1', [changedThere.id]);
    expect(versions).toBe(2);
  });

  it('refuses a tampered bundle as a whole', async () => {
    const tampered: CatalogBundle = structuredClone(bundle);
    (tampered.entries[0].data as Json).title = { de: 'Untergeschoben' };
    const before = await count(town.databaseUrl, 'select count(*) n from imported_entry');
    const report = await importBundle(tampered);
    expect(report.applied).toBe(false);
    expect(report.errors.map((e: Json) => e.code)).toContain('BUNDLE_INVALID');
    expect(await count(town.databaseUrl, 'select count(*) n from imported_entry')).toBe(before);
  });
});
