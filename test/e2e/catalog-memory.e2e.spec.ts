import pg from 'pg';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { CatalogStoreService } from '../../src/catalog/catalog-store.service.js';
import { defaultCatalogDir } from '../../src/catalog/catalog.check.js';
import { startTestApp, type TestApp } from '../support/app.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The public catalog answers from memory: no SQL statement for any catalog read, seen at two layers: the ORM's
 * query hook, and every `query` of the `pg` driver (MikroORM's pool, raw `pg` and Kysely all end there). Only a
 * search with words asks PostgreSQL (its German full text), which also shows that both layers see statements.
 */
describe('catalog from memory', () => {
  let t: TestApp;
  const orm: string[] = [];
  const driver: string[] = [];
  const original = pg.Client.prototype.query;

  beforeAll(async () => {
    // the queue is off and the generation check far away, so that nothing else talks to PostgreSQL meanwhile
    t = await startTestApp({ env: { QUEUE_ENABLED: 'false', CATALOG_POLL_SECONDS: '3600' }, onQuery: (sql) => orm.push(sql) });
    await t.app.get(CatalogSyncService).sync(defaultCatalogDir());
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const first = args[0] as string | { text?: string };
      driver.push(typeof first === 'string' ? first : (first?.text ?? String(first)));
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
  });
  afterAll(async () => {
    pg.Client.prototype.query = original;
    await t.close();
  });

  const statementsOf = async (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => {
    orm.length = 0;
    driver.length = 0;
    const res = await t.gql<Json>(query, variables, headers);
    expect(res.body.errors).toBeUndefined();
    return { orm: [...orm], driver: [...driver], data: res.body.data! };
  };

  const READS: Array<[string, string]> = [
    ['areas', '{ serviceAreas { id name serviceCount } }'],
    [
      'the service list with everything related',
      `{ services(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title lifeSituations { code label }
          area { id name } responsibleUnit { id name } servicePoints { id name isOpen(at: "2026-12-07T09:00:00Z") organisation { id } }
          forms { id version jsonSchema uiSchema } versions { version current } } } } }`,
    ],
    ['a filtered list of a municipality', '{ services(filter: { areaId: "bauen", ags: "03453004", onlineOnly: false }, first: 5) { edges { node { id ags overriddenFields } } } }'],
    ['one service with an override', '{ service(id: "baugenehmigung-beantragen", ags: "03453004", locale: "en") { id title overriddenFields additionalText locale fallbackFields } }'],
    ['one service by LeiKa key, an earlier version', '{ service(leikaKey: "99050012104000") { id version versions { version } } }'],
    ['organisations of a municipality', '{ organisations(ags: "03453007") { id name kind } }'],
    ['the responsible organisation', '{ responsibleOrganisation(serviceId: "fahrzeug-zulassen", ags: "03453007") { id name } }'],
    ['service points of a service', '{ servicePoints(ags: "03453007", serviceId: "fahrzeug-zulassen") { id name nextOpenings(from: "2026-12-07T09:00:00Z", count: 3) { from to } } }'],
    ['Servicemobil stops', '{ servicemobilStops(from: "2026-12-07T00:00:00Z", to: "2026-12-20T00:00:00Z") { stopId from } }'],
    ['published forms', '{ forms(first: 5) { totalCount edges { node { id version title } } } }'],
    ['one form', '{ form(id: "wohngeld-antrag", locale: "en") { id version title jsonSchema } }'],
  ];

  it.each(READS)('%s: no SQL statement at either layer', async (_name, query) => {
    const seen = await statementsOf(query);
    expect(seen.orm).toEqual([]);
    expect(seen.driver).toEqual([]);
    expect(JSON.stringify(seen.data).length).toBeGreaterThan(20);
  });

  it('pages through the whole list from memory, each service once', async () => {
    const ids: string[] = [];
    let after: string | undefined;
    orm.length = 0;
    driver.length = 0;
    for (let page = 0; page < 50; page += 1) {
      const res = await t.gql<Json>('query($a: String) { services(first: 25, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }', { a: after });
      const connection = res.body.data!.services;
      ids.push(...connection.edges.map((e: Json) => e.node.id));
      if (!connection.pageInfo.hasNextPage) {
        expect(ids).toHaveLength(connection.totalCount);
        break;
      }
      after = connection.pageInfo.endCursor;
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(25);
    expect([...orm, ...driver]).toEqual([]);
  });

  it('a search with words is the one read that asks PostgreSQL, and both layers see it', async () => {
    const seen = await statementsOf('{ services(filter: { query: "Führerschein" }, first: 5) { edges { node { id area { id } } } } }');
    expect(seen.orm.some((sql) => /to_tsquery\('german'/.test(sql))).toBe(true);
    expect(seen.driver.some((sql) => /to_tsquery\('german'/.test(sql))).toBe(true);
    expect(seen.data.services.edges.length).toBeGreaterThan(0);
  });

  it('a sync that changes nothing keeps the generation and the snapshot', async () => {
    const store = t.app.get(CatalogStoreService);
    const before = store.generation;
    expect((await t.app.get(CatalogSyncService).sync(defaultCatalogDir())).outcome).toBe('UNCHANGED');
    expect(store.generation).toBe(before);
    const snapshot = store.snapshot();
    await store.refresh();
    expect(store.snapshot()).toBe(snapshot);
  });
});
