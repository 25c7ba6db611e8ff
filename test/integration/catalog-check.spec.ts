import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { checkCatalogDir, defaultCatalogDir } from '../../src/catalog/catalog.check.js';
import { formatProblem } from '../../src/catalog/catalog.checker.js';
import { projectRoot } from '../../src/common/project-root.js';
import { CatalogCopy } from '../support/catalog-copy.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function problemsAfter(change: (copy: CatalogCopy) => Promise<void>): Promise<string[]> {
  const copy = await CatalogCopy.of();
  try {
    await change(copy);
    const result = await checkCatalogDir(copy.dir);
    return result.errors.map((p) => formatProblem({ ...p, file: p.file.replace(copy.dir, 'catalog') }));
  } finally {
    await copy.destroy();
  }
}

describe('catalog:check', () => {
  it('passes on the test catalog', async () => {
    const result = await checkCatalogDir((await CatalogCopy.of()).dir);
    expect(result.errors).toEqual([]);
    expect(result.stats.services).toBe(4);
  });

  it.each<[string, (c: CatalogCopy) => Promise<void>, RegExp]>([
    ['malformed JSON', (c) => c.write('areas/verkehr.json', '{"id": "verkehr",'), /^catalog\/areas\/verkehr\.json:\/: Kein gültiges JSON/],
    ['a missing required field', (c) => c.edit<Json>('services/verkehr/fahrzeug-zulassen.json', (d) => delete d.title), /fahrzeug-zulassen\.json:\/: .*title/],
    ['an unknown property', (c) => c.edit<Json>('areas/verkehr.json', (d) => (d.colour = 'red')), /verkehr\.json:\/colour: /],
    ['a wrong enum value', (c) => c.edit<Json>('services/verkehr/fahrzeug-zulassen.json', (d) => (d.responsibilityLevel = 'CITY')), /fahrzeug-zulassen\.json:\/responsibilityLevel: /],
    ['an unknown area', (c) => c.edit<Json>('services/soziales/wohngeld.json', (d) => (d.areaId = 'bauen')), /wohngeld\.json:\/areaId: Den Aufgabenbereich „bauen“ gibt es nicht/],
    ['an unknown unit', (c) => c.edit<Json>('services/soziales/wohngeld.json', (d) => (d.responsibleUnitId = 'amt-x')), /wohngeld\.json:\/responsibleUnitId: Die Organisation „amt-x“ gibt es nicht/],
    ['a county service without unit', (c) => c.edit<Json>('services/soziales/wohngeld.json', (d) => delete d.responsibleUnitId), /wohngeld\.json:\/responsibleUnitId: Leistungen des Landkreises brauchen/],
    ['an unknown service point', (c) => c.edit<Json>('services/soziales/wohngeld.json', (d) => (d.servicePointIds = ['buero', 'nirgends'])), /wohngeld\.json:\/servicePointIds\/1: Die Servicestelle „nirgends“/],
    ['an unknown form', (c) => c.edit<Json>('services/soziales/wohngeld.json', (d) => (d.forms = [{ title: { de: 'Antrag' }, formId: 'wohngeld-antrag' }])), /wohngeld\.json:\/forms\/0\/formId: Das Formular „wohngeld-antrag“ gibt es nicht/],
    ['an unknown life situation', (c) => c.edit<Json>('services/soziales/wohngeld.json', (d) => (d.lifeSituations = ['urlaub'])), /wohngeld\.json:\/lifeSituations\/0: Die Lebenslage „urlaub“/],
    [
      'a duplicate id',
      async (c) => {
        const data = await c.read<Json>('services/verkehr/fuehrerschein-umtauschen.json');
        await c.write('services/soziales/fuehrerschein-umtauschen.json', { ...data, areaId: 'soziales' });
      },
      /fuehrerschein-umtauschen\.json:\/id: Die Kennung „fuehrerschein-umtauschen“ ist schon vergeben/,
    ],
    ['a file name that differs from the id', (c) => c.edit<Json>('areas/verkehr.json', (d) => (d.id = 'mobilitaet')), /verkehr\.json:\/id: Der Dateiname muss der Kennung entsprechen/],
    ['a LeiKa key that is not 14 digits starting with 99', (c) => c.edit<Json>('services/soziales/wohngeld.json', (d) => (d.leikaKey = '12345678901234')), /wohngeld\.json:\/leikaKey: /],
    ['a malformed AGS', (c) => c.edit<Json>('organisations/03453007.json', (d) => (d.ags = '3453007')), /03453007\.json:\/ags: /],
    ['a municipality outside the county', (c) => c.write('organisations/03454001.json', { id: '03454001', kind: 'MUNICIPALITY', name: { de: 'Fremd' }, ags: '03454001', parentId: '03453' }), /03454001\.json:\/ags: Der Gemeindeschlüssel 03454001 gehört nicht zum Landkreis 03453/],
    ['opening hours that do not parse', (c) => c.edit<Json>('service-points/buero.json', (d) => (d.openingHours = 'Mo-Fr 08:00-')), /buero\.json:\/openingHours: Die Öffnungszeiten lassen sich nicht lesen/],
    ['opening hours with warnings', (c) => c.edit<Json>('service-points/buero.json', (d) => (d.openingHours = 'Montag bis Freitag 08:00-12:00')), /buero\.json:\/openingHours: Öffnungszeiten: /],
    ['a Servicemobil schedule that does not parse', (c) => c.edit<Json>('service-points/mobil.json', (d) => (d.stops[0].schedule = 'jeden Mittwoch')), /mobil\.json:\/stops\/0\/schedule: /],
    ['a malformed URL', (c) => c.edit<Json>('services/soziales/wohngeld.json', (d) => (d.onlineServiceUrl = 'https://')), /wohngeld\.json:\/onlineServiceUrl: /],
    ['a URL without a real host', (c) => c.edit<Json>('services/soziales/wohngeld.json', (d) => (d.onlineServiceUrl = 'https://localhost/antrag')), /wohngeld\.json:\/onlineServiceUrl: „https:\/\/localhost\/antrag“ ist keine gültige Internetadresse/],
    ['a pattern with catastrophic backtracking', (c) => c.edit<Json>('codelists/lebenslagen.json', (d) => (d.codes[0].pattern = '(a+)+$')), /lebenslagen\.json:\/codes\/0\/pattern: Der reguläre Ausdruck kann katastrophales Backtracking/],
    ['an unverified mark pointing nowhere', (c) => c.edit<Json>('services/soziales/wohngeld.json', (d) => (d.unverified = [{ field: '/fees', note: 'unsicher' }])), /wohngeld\.json:\/unverified\/0\/field: „\/fees“ zeigt auf kein vorhandenes Feld/],
    ['an override of a municipal service', (c) => c.write('overrides/03453004/hund-anmelden.json', { serviceId: 'hund-anmelden', ags: '03453004', fields: { costs: [{ amount: 1 }] } }), /hund-anmelden\.json:\/serviceId: Leistungen der Gemeinden beschreibt jede Gemeinde selbst/],
    ['an override in the wrong folder', (c) => c.write('overrides/03453007/wohngeld.json', { serviceId: 'wohngeld', ags: '03453004', fields: { costs: [{ amount: 1 }] } }), /03453007\/wohngeld\.json:\/ags: Die Datei liegt im Ordner „03453007“/],
    ['a service in the wrong area folder', (c) => c.edit<Json>('services/verkehr/fahrzeug-zulassen.json', (d) => (d.areaId = 'soziales')), /fahrzeug-zulassen\.json:\/areaId: Die Datei liegt im Ordner „verkehr“/],
    ['a county without a retention default', (c) => c.edit<Json>('organisations/03453.json', (d) => delete d.retention), /03453\.json:\/retention: Der Landkreis braucht eine Vorgabe für die Aufbewahrung/],
    ['a retention rule with an unknown trigger', (c) => c.edit<Json>('services/soziales/wohngeld.json', (d) => (d.retention = { years: 10, trigger: 'FILED', archive: 'OFFER', legalBasis: '§ 1 X' })), /wohngeld\.json:\/retention\/trigger: /],
    ['a retention rule without legal basis', (c) => c.edit<Json>('services/soziales/wohngeld.json', (d) => (d.retention = { years: 10, trigger: 'CLOSED', archive: 'DESTROY' })), /wohngeld\.json:\/retention: .*legalBasis/],
    ['a retention period over 100 years', (c) => c.edit<Json>('organisations/test-soziales.json', (d) => (d.retention = { years: 500, trigger: 'CLOSED', archive: 'ARCHIVE', legalBasis: '§ 1 X' })), /test-soziales\.json:\/retention\/years: /],
    ['a confidentiality level outside the xdomea code list', (c) => c.edit<Json>('services/soziales/wohngeld.json', (d) => (d.retention = { years: 10, trigger: 'CLOSED', archive: 'OFFER', legalBasis: '§ 1 X', confidentiality: '009' })), /wohngeld\.json:\/retention\/confidentiality: /],
    ['a cost range upside down', (c) => c.edit<Json>('services/verkehr/fahrzeug-zulassen.json', (d) => (d.costs = [{ amountFrom: 50, amountTo: 10 }])), /fahrzeug-zulassen\.json:\/costs\/0: Der Mindestbetrag ist größer/],
  ])('reports %s as file:pointer: message', async (_name, change, expected) => {
    const problems = await problemsAfter(change);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  it('passes on the repository catalog: 23 areas with at least 2 services each, at least 60 services, 13 municipalities', async () => {
    const result = await checkCatalogDir(defaultCatalogDir());
    expect(result.errors.map(formatProblem)).toEqual([]);
    const { catalog } = result;
    expect(catalog.areas.size).toBe(23);
    expect(result.stats.publishedServices).toBeGreaterThanOrEqual(60);
    for (const area of catalog.areas.values()) {
      const count = [...catalog.services.values()].filter((s) => s.data.areaId === area.data.id).length;
      expect([area.data.id, count >= 2]).toEqual([area.data.id, true]);
    }
    const municipalities = [...catalog.organisations.values()].filter((o) => o.data.kind === 'MUNICIPALITY').map((o) => [o.data.ags, o.data.shortName]);
    expect(municipalities.sort()).toEqual([
      ['03453001', 'Barßel'], ['03453002', 'Bösel'], ['03453003', 'Cappeln (Oldb.)'], ['03453004', 'Cloppenburg'],
      ['03453005', 'Emstek'], ['03453006', 'Essen (Oldb.)'], ['03453007', 'Friesoythe'], ['03453008', 'Garrel'],
      ['03453009', 'Lastrup'], ['03453010', 'Lindern (Oldb.)'], ['03453011', 'Löningen'], ['03453012', 'Molbergen'],
      ['03453013', 'Saterland'],
    ]);
    // only verified LeiKa keys (../shared/docs/fim-xoev.md §5)
    const verified = new Set(['99108001001000', '99108001020000', '99050012104000']);
    for (const s of catalog.services.values()) if (s.data.leikaKey) expect(verified.has(s.data.leikaKey)).toBe(true);
    expect(result.stats.unverifiedEntries).toBeGreaterThan(0);
  });

  it('prints problems and exits with 1 from the command line', async () => {
    const copy = await CatalogCopy.of();
    try {
      await copy.edit<Json>('services/soziales/wohngeld.json', (d) => (d.areaId = 'bauen'));
      const run = spawnSync(process.execPath, [join(projectRoot(), 'dist', 'src', 'catalog', 'cli', 'catalog-check.js'), copy.dir], {
        encoding: 'utf8',
        env: { ...process.env, TZ: 'Europe/Berlin' },
      });
      expect(run.status).toBe(1);
      expect(run.stdout).toMatch(/wohngeld\.json:\/areaId: Den Aufgabenbereich „bauen“ gibt es nicht\./);
      expect(run.stdout).toMatch(/Katalog geprüft: 22 Dateien, 4 Leistungen .*, [1-9]\d* Fehler\./);
    } finally {
      await copy.destroy();
    }
  });
});
