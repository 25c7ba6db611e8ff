import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { defaultCatalogDir } from '../../src/catalog/catalog.check.js';
import { startTestApp, type TestApp } from '../support/app.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The public catalog API over HTTP, on the repository's own catalog. */
describe('catalog API', () => {
  let t: TestApp;
  let statements: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({ onQuery: (sql) => statements.push(sql) });
    await t.app.get(CatalogSyncService).sync(defaultCatalogDir());
  });
  afterAll(() => t.close());

  const search = async (query: string, first = 10) => {
    const res = await t.gql<{ services: Json }>(
      'query($q: String, $f: Int) { services(filter: { query: $q }, first: $f) { totalCount edges { relevance node { id title } } } }',
      { q: query, f: first },
    );
    expect(res.body.errors).toBeUndefined();
    return res.body.data!.services as { totalCount: number; edges: Array<{ relevance: number; node: { id: string; title: string } }> };
  };
  const code = (res: { body: { errors?: Array<{ extensions?: Json }> } }) => res.body.errors?.[0]?.extensions?.code;

  describe('service areas', () => {
    it('lists the 23 areas of the motion in order, each with services', async () => {
      const res = await t.gql<{ serviceAreas: Array<{ id: string; name: string; serviceCount: number }> }>('{ serviceAreas { id name serviceCount } }');
      const areas = res.body.data!.serviceAreas;
      expect(areas).toHaveLength(23);
      expect(areas[0]).toMatchObject({ id: 'abfallberatung', name: 'Abfallberatung' });
      expect(areas[22]).toMatchObject({ id: 'wirtschaftsfoerderung' });
      for (const area of areas) expect(area.serviceCount).toBeGreaterThanOrEqual(2);
    });
  });

  describe('search', () => {
    it('finds the driving licence services however "Führerschein" is spelt', async () => {
      const spellings = ['Führerschein', 'fuehrerschein', 'fuhrerschein', 'FÜHRERSCHEIN'];
      const results = await Promise.all(spellings.map((q) => search(q)));
      const ids = results.map((r) => r.edges.map((e) => e.node.id).sort());
      for (const r of ids) expect(r).toEqual(ids[0]);
      expect(results[0].totalCount).toBeGreaterThanOrEqual(3);
      expect(results[0].edges[0].node.title).toContain('Führerschein');
      expect(ids[0]).toEqual(expect.arrayContaining(['fuehrerschein-umtauschen', 'fuehrerschein-erstmals-beantragen', 'ersatzfuehrerschein-verlust']));
    });

    it('uses the synonyms of the catalog: "Auto anmelden" finds the vehicle registration first', async () => {
      const result = await search('Auto anmelden');
      expect(result.edges[0].node.id).toBe('fahrzeug-zulassen');
    });

    it('stems German words: "Zulassungen" finds "Fahrzeug zulassen"', async () => {
      const result = await search('Zulassungen');
      expect(result.edges.map((e) => e.node.id)).toContain('fahrzeug-zulassen');
    });

    it('ranks a title match above a mention in the text', async () => {
      const result = await search('Wohngeld');
      expect(result.edges[0].node.title).toMatch(/Wohngeld/);
      const relevances = result.edges.map((e) => e.relevance);
      expect([...relevances].sort((a, b) => b - a)).toEqual(relevances);
    });

    it('still finds something for a typo', async () => {
      const result = await search('Fuhrerschien');
      expect(result.edges.map((e) => e.node.title).join(' ')).toContain('Führerschein');
    });

    it('returns nothing for words that appear nowhere', async () => {
      const result = await search('Raumfahrtbehörde Mondlandung');
      expect(result.totalCount).toBe(0);
      expect(result.edges).toEqual([]);
    });
  });

  describe('paging and filters', () => {
    it('walks all services with opaque cursors, without gaps or repeats', async () => {
      const seen: string[] = [];
      let after: string | null = null;
      let total = 0;
      for (let page = 0; page < 20; page++) {
        const res: { body: { data?: Json | null } } = await t.gql(
          'query($a: String) { services(first: 10, after: $a) { totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor hasPreviousPage } } }',
          { a: after },
        );
        const connection = res.body.data!.services;
        total = connection.totalCount;
        seen.push(...connection.edges.map((e: Json) => e.node.id));
        expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
        if (!connection.pageInfo.hasNextPage) break;
        after = connection.pageInfo.endCursor;
      }
      expect(total).toBeGreaterThanOrEqual(60);
      expect(seen).toHaveLength(total);
      expect(new Set(seen).size).toBe(total);
    });

    it('pages through search results the same way', async () => {
      const all = await search('beantragen', 100);
      const first = await t.gql<{ services: Json }>('{ services(filter: { query: "beantragen" }, first: 3) { edges { node { id } } pageInfo { endCursor } } }');
      const cursor = first.body.data!.services.pageInfo.endCursor;
      const second = await t.gql<{ services: Json }>('query($a: String) { services(filter: { query: "beantragen" }, first: 3, after: $a) { edges { node { id } } } }', { a: cursor });
      const ids = [...first.body.data!.services.edges, ...second.body.data!.services.edges].map((e: Json) => e.node.id);
      expect(ids).toEqual(all.edges.slice(0, 6).map((e) => e.node.id));
    });

    it('filters by area, audience, life situation and online availability', async () => {
      const res = await t.gql<Json>(`{
        area: services(filter: { areaId: "kfz-fahrerlaubnis" }, first: 100) { totalCount edges { node { area { id } } } }
        business: services(filter: { audience: BUSINESSES }, first: 100) { totalCount edges { node { audience } } }
        online: services(filter: { onlineOnly: true }, first: 100) { totalCount edges { node { onlineAvailability } } }
        mobility: services(filter: { lifeSituation: "mobilitaet" }, first: 100) { totalCount edges { node { lifeSituations { code label } } } }
        all: services { totalCount }
      }`);
      const d = res.body.data!;
      expect(d.area.totalCount).toBeGreaterThanOrEqual(5);
      for (const e of d.area.edges) expect(e.node.area.id).toBe('kfz-fahrerlaubnis');
      for (const e of d.business.edges) expect(e.node.audience).toContain('BUSINESSES');
      for (const e of d.online.edges) expect(['ONLINE', 'PARTLY_ONLINE']).toContain(e.node.onlineAvailability);
      for (const e of d.mobility.edges) expect(e.node.lifeSituations).toContainEqual({ code: 'mobilitaet', label: 'Auto und Mobilität' });
      for (const key of ['business', 'online', 'mobility']) {
        expect(d[key].totalCount).toBeGreaterThan(0);
        expect(d[key].totalCount).toBeLessThan(d.all.totalCount);
      }
    });

    it('refuses first over 100, a negative first and a forged cursor', async () => {
      expect(code(await t.gql('{ services(first: 101) { totalCount } }'))).toBe('BAD_USER_INPUT');
      expect(code(await t.gql('{ services(first: -1) { totalCount } }'))).toBe('BAD_USER_INPUT');
      const forged = await t.gql('{ services(after: "bm90IGEgY3Vyc29y") { totalCount } }');
      expect(code(forged)).toBe('BAD_USER_INPUT');
      expect(forged.body.errors?.[0].message).toContain('Cursor');
    });
  });

  describe('one service', () => {
    it('serves a service by id with its texts, area and versions', async () => {
      const res = await t.gql<Json>('{ service(id: "fahrzeug-zulassen") { id title area { id } responsibilityLevel responsibleUnit { id } overriddenFields versions { version current } costs { amountFrom amountTo currency } legalBases { citation } } }');
      expect(res.body.data!.service).toMatchObject({
        id: 'fahrzeug-zulassen',
        title: 'Fahrzeug zulassen',
        area: { id: 'kfz-fahrerlaubnis' },
        responsibilityLevel: 'COUNTY',
        responsibleUnit: { id: 'lk-clp-strassenverkehr' },
        overriddenFields: [],
        versions: [{ version: 1, current: true }],
      });
      expect(res.body.data!.service.costs[0]).toMatchObject({ currency: 'EUR' });
    });

    it('finds a service by its LeiKa key', async () => {
      const res = await t.gql<Json>('{ service(leikaKey: "99050012104000") { id responsibilityLevel } }');
      expect(res.body.data!.service).toEqual({ id: 'gewerbe-anmelden', responsibilityLevel: 'MUNICIPALITY' });
    });

    it('serves English where written and says where it fell back to German', async () => {
      const res = await t.gql<Json>('{ service(id: "fahrzeug-zulassen", locale: "en") { title teaser description locale fallbackFields prerequisites } }');
      const s = res.body.data!.service;
      expect(s.title).toBe('Registering a vehicle');
      expect(s.teaser).toMatch(/^Before you drive/);
      expect(s.description).toMatch(/Zulassungsstelle/);
      expect(s.locale).toBe('de');
      expect(s.fallbackFields).toEqual(expect.arrayContaining(['description', 'prerequisites']));
      const german = await t.gql<Json>('{ service(id: "fahrzeug-zulassen") { locale fallbackFields } }');
      expect(german.body.data!.service).toEqual({ locale: 'de', fallbackFields: [] });
      const english = await t.gql<Json>('{ service(id: "fuehrerschein-umtauschen", locale: "en") { locale title area { name } } }');
      expect(english.body.data!.service.locale).toBe('en');
      expect(english.body.data!.service.area.name).toBe('Vehicle registration and driving licences');
    });

    it.each([
      ['{ service(id: "gibt-es-nicht") { id } }', 'NOT_FOUND', /gibt es nicht/],
      ['{ service(leikaKey: "99000000000000") { id } }', 'NOT_FOUND', /gibt es nicht/],
      ['{ service(leikaKey: "12345") { id } }', 'BAD_USER_INPUT', /14 Ziffern/],
      ['{ service { id } }', 'BAD_USER_INPUT', /genau eines/],
      ['{ service(id: "fahrzeug-zulassen", ags: "0345") { id } }', 'BAD_USER_INPUT', /Gemeindeschlüssel/],
      ['{ service(id: "fahrzeug-zulassen", ags: "03453099") { id } }', 'NOT_FOUND', /03453099/],
      ['{ service(id: "fahrzeug-zulassen", locale: "deutsch") { id } }', 'BAD_USER_INPUT', /Sprache/],
    ])('%s -> %s with a German message', async (query, expected, message) => {
      const res = await t.gql(query);
      expect(code(res)).toBe(expected);
      expect(res.body.errors?.[0].message).toMatch(message);
    });
  });

  describe('organisations and responsibility', () => {
    it('lists the county, its 13 municipalities (id = AGS) and its units', async () => {
      const res = await t.gql<Json>('{ organisations { id name ags kind address { city } } }');
      const orgs = res.body.data!.organisations as Json[];
      expect(orgs[0]).toMatchObject({ id: '03453', kind: 'COUNTY', name: 'Landkreis Cloppenburg', address: { city: 'Cloppenburg' } });
      const municipalities = orgs.filter((o) => o.kind === 'MUNICIPALITY');
      expect(municipalities).toHaveLength(13);
      for (const m of municipalities) expect(m.id).toBe(m.ags);
      expect(municipalities.find((m) => m.id === '03453004')?.name).toBe('Stadt Cloppenburg');
      const one = await t.gql<Json>('{ organisations(ags: "03453007") { id } }');
      expect(one.body.data!.organisations).toEqual([{ id: '03453007' }]);
    });

    it('names the municipality for municipal services and the county unit for county services', async () => {
      const q = 'query($s: ID!, $a: String!) { responsibleOrganisation(serviceId: $s, ags: $a) { id kind name } }';
      expect((await t.gql<Json>(q, { s: 'gewerbe-anmelden', a: '03453007' })).body.data!.responsibleOrganisation).toMatchObject({ id: '03453007', kind: 'MUNICIPALITY', name: 'Stadt Friesoythe' });
      expect((await t.gql<Json>(q, { s: 'fahrzeug-zulassen', a: '03453007' })).body.data!.responsibleOrganisation).toMatchObject({ id: 'lk-clp-strassenverkehr', kind: 'UNIT' });
      // the Stadt Cloppenburg runs its own building authority (override in catalog/overrides/03453004/)
      expect((await t.gql<Json>(q, { s: 'baugenehmigung-beantragen', a: '03453004' })).body.data!.responsibleOrganisation).toMatchObject({ id: '03453004' });
      expect((await t.gql<Json>(q, { s: 'baugenehmigung-beantragen', a: '03453007' })).body.data!.responsibleOrganisation).toMatchObject({ id: 'lk-clp-bauordnung' });
      const merged = await t.gql<Json>('{ service(id: "baugenehmigung-beantragen", ags: "03453004") { overriddenFields additionalText } }');
      expect(merged.body.data!.service.overriddenFields).toEqual(['additionalText', 'responsibleUnitId']);
      expect(merged.body.data!.service.additionalText).toMatch(/Bauaufsicht der Stadt Cloppenburg/);
      const list = await t.gql<Json>('{ services(filter: { areaId: "bauen", ags: "03453004" }) { edges { node { id ags overriddenFields } } } }');
      const building = list.body.data!.services.edges.map((e: Json) => e.node);
      expect(building.find((n: Json) => n.id === 'baugenehmigung-beantragen')).toEqual({ id: 'baugenehmigung-beantragen', ags: '03453004', overriddenFields: ['additionalText', 'responsibleUnitId'] });
      expect(building.find((n: Json) => n.id === 'wohnraumfoerderung-beantragen')?.overriddenFields).toEqual([]);
      expect(code(await t.gql(q, { s: 'fahrzeug-zulassen', a: '03453' }))).toBe('BAD_USER_INPUT');
      expect(code(await t.gql(q, { s: 'fahrzeug-zulassen', a: 'abc' }))).toBe('BAD_USER_INPUT');
      expect(code(await t.gql(q, { s: 'nichts', a: '03453007' }))).toBe('NOT_FOUND');
    });
  });

  describe('service points and opening hours (Europe/Berlin, holidays of Lower Saxony)', () => {
    const openAt = async (id: string, at: string) => {
      const res = await t.gql<Json>('query($at: DateTime!) { servicePoints { id isOpen(at: $at) } }', { at });
      expect(res.body.errors).toBeUndefined();
      return res.body.data!.servicePoints.find((p: Json) => p.id === id).isOpen as boolean;
    };

    it('has the Familienservice open until 17:00 and on Saturday mornings', async () => {
      const res = await t.gql<Json>('{ servicePoints { id openingHours { raw weekly { day ranges { from to } } } } }');
      const family = res.body.data!.servicePoints.find((p: Json) => p.id === 'familienservice');
      expect(family.openingHours.weekly[4]).toEqual({ day: 'FRIDAY', ranges: [{ from: '08:00', to: '17:00' }] });
      expect(family.openingHours.weekly[5]).toEqual({ day: 'SATURDAY', ranges: [{ from: '09:00', to: '12:00' }] });
      expect(await openAt('familienservice', '2026-11-28T09:30:00+01:00')).toBe(true); // Saturday morning
      expect(await openAt('familienservice', '2026-11-27T16:45:00+01:00')).toBe(true); // Friday 16:45
      expect(await openAt('familienservice', '2026-11-29T10:00:00+01:00')).toBe(false); // Sunday
      expect(await openAt('familienservice', '2026-10-31T10:00:00+01:00')).toBe(false); // Reformationstag
      expect(await openAt('familienservice', '2026-12-24T10:00:00+01:00')).toBe(false); // closure
    });

    it('keeps wall-clock hours across both daylight saving changes', async () => {
      expect(await openAt('familienservice', '2026-03-30T06:30:00Z')).toBe(true); // Mon 08:30 CEST
      expect(await openAt('familienservice', '2026-03-30T05:30:00Z')).toBe(false); // Mon 07:30 CEST
      expect(await openAt('familienservice', '2026-10-26T07:30:00Z')).toBe(true); // Mon 08:30 CET
      expect(await openAt('familienservice', '2026-10-26T06:30:00Z')).toBe(false); // Mon 07:30 CET
    });

    it('lists the next openings after the Christmas closures', async () => {
      const res = await t.gql<Json>('{ servicePoints(serviceId: "elterngeld-beantragen") { id nextOpenings(from: "2026-12-23T18:00:00+01:00", count: 2) { from to } } }');
      const family = res.body.data!.servicePoints.find((p: Json) => p.id === 'familienservice');
      expect(family.nextOpenings).toEqual([
        { from: '2026-12-28T07:00:00.000Z', to: '2026-12-28T16:00:00.000Z' },
        { from: '2026-12-29T07:00:00.000Z', to: '2026-12-29T16:00:00.000Z' },
      ]);
    });

    it('filters service points by municipality and by service', async () => {
      const friesoythe = await t.gql<Json>('{ servicePoints(ags: "03453007") { id } }');
      const ids = friesoythe.body.data!.servicePoints.map((p: Json) => p.id);
      expect(ids).toContain('sprechtag-friesoythe');
      expect(ids).toContain('familienservice');
      expect(ids).not.toContain('sprechtag-loeningen');
      const vehicle = await t.gql<Json>('{ servicePoints(serviceId: "fahrzeug-zulassen") { id } }');
      expect(vehicle.body.data!.servicePoints).toEqual([{ id: 'zulassungsstelle' }]);
    });

    it('answers bad dates and counts with BAD_USER_INPUT', async () => {
      const bad = await t.gql('{ servicePoints { isOpen(at: "morgen früh") } }');
      expect(code(bad)).toBe('BAD_USER_INPUT');
      expect(bad.body.errors?.[0].message).toMatch(/kein gültiger Zeitpunkt/);
      expect(code(await t.gql('{ servicePoints { isOpen(at: "2026-11-28T09:30:00") } }'))).toBe('BAD_USER_INPUT');
      expect(code(await t.gql('{ servicePoints { nextOpenings(from: "2026-11-28T09:30:00Z", count: 500) { from } } }'))).toBe('BAD_USER_INPUT');
    });
  });

  describe('Servicemobil', () => {
    const stops = (vars: Json) =>
      t.gql<Json>('query($a: String, $f: DateTime!, $t: DateTime!) { servicemobilStops(ags: $a, from: $f, to: $t) { stopId ags place from to } }', vars);

    it('lists the weekly timetable in time order', async () => {
      const res = await stops({ f: '2026-11-30T00:00:00+01:00', t: '2026-12-05T00:00:00+01:00' });
      const list = res.body.data!.servicemobilStops as Json[];
      expect(list[0]).toMatchObject({ stopId: 'boesel', ags: '03453002', from: '2026-11-30T08:00:00.000Z', to: '2026-11-30T11:00:00.000Z' });
      expect(list.map((s) => s.stopId).slice(0, 8)).toEqual(['boesel', 'cappeln', 'emstek', 'essen', 'garrel', 'lastrup', 'lindern', 'molbergen']);
      const times = list.map((s) => s.from);
      expect([...times].sort()).toEqual(times);
      // every other Friday: exactly one of the two Friday stops runs in a given week
      expect(list.filter((s) => ['saterland-struecklingen', 'barssel-harkebruegge'].includes(s.stopId))).toHaveLength(1);
    });

    it('filters by municipality and skips public holidays', async () => {
      const res = await stops({ a: '03453002', f: '2026-12-20T00:00:00+01:00', t: '2027-01-05T00:00:00+01:00' });
      const list = res.body.data!.servicemobilStops as Json[];
      expect(list.map((s) => s.from)).toEqual(['2026-12-21T08:00:00.000Z', '2026-12-28T08:00:00.000Z', '2027-01-04T08:00:00.000Z']);
    });

    it('refuses reversed, too long and malformed ranges', async () => {
      expect(code(await stops({ f: '2026-12-05T00:00:00Z', t: '2026-12-01T00:00:00Z' }))).toBe('BAD_USER_INPUT');
      expect(code(await stops({ f: '2026-01-01T00:00:00Z', t: '2026-12-01T00:00:00Z' }))).toBe('BAD_USER_INPUT');
      expect(code(await stops({ f: '2026-13-01', t: '2026-12-01T00:00:00Z' }))).toBe('BAD_USER_INPUT');
      expect(code(await stops({ a: '3453', f: '2026-12-01T00:00:00Z', t: '2026-12-02T00:00:00Z' }))).toBe('BAD_USER_INPUT');
    });
  });

  describe('no N+1 queries', () => {
    const nested = `query($n: Int) { services(first: $n) { edges { node {
      id area { id name serviceCount } responsibleUnit { id name }
      servicePoints { id organisation { id } } versions { version }
    } } } }`;

    it('runs the same number of SQL statements for 5 and for 60 services', async () => {
      statements = [];
      const small = await t.gql(nested, { n: 5 });
      expect(small.body.errors).toBeUndefined();
      const forFive = statements.length;
      statements = [];
      const large = await t.gql<Json>(nested, { n: 60 });
      expect(large.body.errors).toBeUndefined();
      expect(large.body.data!.services.edges).toHaveLength(60);
      expect(statements.length).toBe(forFive);
      expect(statements.length).toBeLessThanOrEqual(12);
    });
  });
});
