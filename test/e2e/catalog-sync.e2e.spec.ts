import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { CatalogRejectedError } from '../../src/catalog/catalog.errors.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { withClient } from '../support/postgres.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SERVICE = `query($id: ID, $ags: String, $version: Int) {
  service(id: $id, ags: $ags, version: $version) {
    id version title teaser additionalText overriddenFields ags
    costs { amount text }
    responsibleUnit { id }
    versions { version current }
  }
}`;

describe('catalog sync into PostgreSQL', () => {
  let t: TestApp;
  let copy: CatalogCopy;
  let sync: (dir?: string) => ReturnType<CatalogSyncService['sync']>;

  beforeAll(async () => {
    copy = await CatalogCopy.of();
    t = await startTestApp();
    const service = t.app.get(CatalogSyncService);
    sync = (dir = copy.dir) => service.sync(dir);
  });
  afterAll(async () => {
    await t.close();
    await copy.destroy();
  });

  const service = (id: string, extra: Json = {}) => t.gql<{ service: Json }>(SERVICE, { id, ...extra });

  it('loads every file on the first run and skips unchanged files on the next', async () => {
    const first = await sync();
    expect(first).toMatchObject({ outcome: 'APPLIED', filesChanged: 22, filesRemoved: 0, newServiceVersions: 4 });
    const second = await sync();
    expect(second).toMatchObject({ outcome: 'UNCHANGED', filesChanged: 0, filesRemoved: 0, newServiceVersions: 0 });
    const res = await service('wohngeld');
    expect(res.body.data?.service).toMatchObject({ id: 'wohngeld', version: 1, title: 'Wohngeld beantragen' });
  });

  it('makes a changed service a new version and keeps the earlier one readable', async () => {
    await copy.edit<Json>('services/soziales/wohngeld.json', (d) => (d.teaser = { de: 'Zuschuss zur Miete oder zu den Kosten für Wohneigentum.' }));
    const result = await sync();
    expect(result).toMatchObject({ outcome: 'APPLIED', filesChanged: 1, newServiceVersions: 1 });
    const current = (await service('wohngeld')).body.data?.service;
    expect(current).toMatchObject({ version: 2, teaser: 'Zuschuss zur Miete oder zu den Kosten für Wohneigentum.' });
    expect(current?.versions).toEqual([
      { version: 2, current: true },
      { version: 1, current: false },
    ]);
    const old = (await service('wohngeld', { version: 1 })).body.data?.service;
    expect(old).toMatchObject({ version: 1, teaser: 'Zuschuss zur Miete.' });
    const missing = await service('wohngeld', { version: 7 });
    expect(missing.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it("merges a municipality's override and says which fields it set", async () => {
    const merged = (await service('wohngeld', { ags: '03453004' })).body.data?.service;
    expect(merged).toMatchObject({
      ags: '03453004',
      overriddenFields: ['additionalText', 'costs', 'responsibleUnitId'],
      additionalText: 'Auch im Rathaus.',
      costs: [{ amount: 5, text: null }],
      responsibleUnit: { id: '03453004' },
    });
    const elsewhere = (await service('wohngeld', { ags: '03453007' })).body.data?.service;
    expect(elsewhere).toMatchObject({ overriddenFields: [], additionalText: null, costs: [{ amount: null, text: 'gebührenfrei' }], responsibleUnit: { id: 'test-soziales' } });

    const responsible = `query($s: ID!, $a: String!) { responsibleOrganisation(serviceId: $s, ags: $a) { id kind } }`;
    expect((await t.gql(responsible, { s: 'wohngeld', a: '03453004' })).body.data).toEqual({ responsibleOrganisation: { id: '03453004', kind: 'MUNICIPALITY' } });
    expect((await t.gql(responsible, { s: 'wohngeld', a: '03453007' })).body.data).toEqual({ responsibleOrganisation: { id: 'test-soziales', kind: 'UNIT' } });
  });

  it('lets later changes of the base flow through to every field the municipality did not override', async () => {
    await copy.edit<Json>('services/soziales/wohngeld.json', (d) => {
      d.title = { de: 'Wohngeld (Mietzuschuss) beantragen' };
      d.costs = [{ amount: 12.5 }];
    });
    await sync();
    const merged = (await service('wohngeld', { ags: '03453004' })).body.data?.service;
    expect(merged).toMatchObject({ title: 'Wohngeld (Mietzuschuss) beantragen', costs: [{ amount: 5 }], version: 3 });
    const base = (await service('wohngeld')).body.data?.service;
    expect(base).toMatchObject({ title: 'Wohngeld (Mietzuschuss) beantragen', costs: [{ amount: 12.5 }] });
  });

  it('refuses a broken catalog, writes nothing and keeps serving the last good one', async () => {
    const before = await withClient(t.databaseUrl, (c) => c.query('select path, content_hash from catalog_file order by path'));
    await copy.edit<Json>('services/soziales/wohngeld.json', (d) => (d.title = { de: 'Neuer Titel' }));
    await copy.write('areas/verkehr.json', '{ "id": "verkehr", ');
    await expect(sync()).rejects.toThrow(CatalogRejectedError);
    await expect(sync()).rejects.toThrow(/catalog-mini|lotse-catalog-.*areas\/verkehr\.json:\/: Kein gültiges JSON/);
    const after = await withClient(t.databaseUrl, (c) => c.query('select path, content_hash from catalog_file order by path'));
    expect(after.rows).toEqual(before.rows);
    expect((await service('wohngeld')).body.data?.service.title).toBe('Wohngeld (Mietzuschuss) beantragen');
    const runs = await withClient(t.databaseUrl, (c) => c.query("select problems from catalog_sync_run where outcome = 'REJECTED' order by created_at desc limit 1"));
    expect(runs.rows[0].problems.join('\n')).toContain('Kein gültiges JSON');
    await copy.write('areas/verkehr.json', await CatalogCopy.of().then(async (fresh) => {
      const area = await fresh.read('areas/verkehr.json');
      await fresh.destroy();
      return area;
    }));
  });

  it('removes a deleted service from the catalog but keeps its versions readable', async () => {
    await copy.remove('services/verkehr/fuehrerschein-umtauschen.json');
    const result = await sync();
    expect(result).toMatchObject({ outcome: 'APPLIED', filesRemoved: 1 });
    expect((await service('fuehrerschein-umtauschen')).body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await service('fuehrerschein-umtauschen', { version: 1 })).body.data?.service.title).toBe('Führerschein umtauschen');
    const list = await t.gql<{ services: { totalCount: number } }>('{ services { totalCount } }');
    expect(list.body.data?.services.totalCount).toBe(3);
  });
});

describe('catalog sync at start', () => {
  it('starts with a broken catalog and reports it instead of crashing', async () => {
    const copy = await CatalogCopy.of();
    await copy.write('areas/verkehr.json', 'nicht json');
    const t = await startTestApp({ env: { CATALOG_SYNC_ON_START: 'true', LOTSE_CATALOG_DIR: copy.dir } });
    try {
      expect((await t.gql('{ serviceAreas { id } }')).body.data).toEqual({ serviceAreas: [] });
      const runs = await withClient(t.databaseUrl, (c) => c.query("select count(*)::int as n from catalog_sync_run where outcome = 'REJECTED'"));
      expect(runs.rows[0].n).toBe(1);
    } finally {
      await t.close();
      await copy.destroy();
    }
  });
});
