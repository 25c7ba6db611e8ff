import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { projectRoot } from '../../src/common/project-root.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { replaceDatabase, withClient } from '../support/postgres.js';
import { BILLION_LAUGHS, TEST_GENERICODE, xdf2TestSchema } from '../support/xdf-fixtures.js';

/** The command-line tools as an operator runs them (built JS, DATABASE_URL set). */
function run(script: string, args: string[], databaseUrl: string) {
  return spawnSync(process.execPath, [join(projectRoot(), 'dist', 'src', ...script.split('/')), ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TZ: 'Europe/Berlin', DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' },
    timeout: 60_000,
  });
}

describe('command-line tools', () => {
  const adminUrl = process.env.LOTSE_TEST_ADMIN_URL!;
  const name = `lotse_cli_${process.pid}`;
  const url = replaceDatabase(adminUrl, name);

  beforeAll(() => withClient(adminUrl, (c) => c.query(`create database ${pg.escapeIdentifier(name)}`)));
  afterAll(() => withClient(adminUrl, (c) => c.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`)));

  it('db:migrate applies every migration to an empty database, then reports it is up to date', () => {
    const first = run('database/cli/migrate.js', ['up'], url);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/applied \d+ migration\(s\)/);
    const second = run('database/cli/migrate.js', ['up'], url);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('database is up to date');
  });

  it('catalog:sync writes a catalog, and refuses a broken one with the problems and exit code 1', async () => {
    const copy = await CatalogCopy.of();
    try {
      const ok = run('catalog/cli/catalog-sync.js', [copy.dir], url);
      expect(ok.status).toBe(0);
      expect(ok.stdout).toContain('Katalog übernommen: 22 geänderte, 0 entfernte Dateien, 4 neue Leistungsversionen (4 Leistungen).');
      await copy.edit('services/soziales/wohngeld.json', (d) => (d.areaId = 'bauen'));
      const broken = run('catalog/cli/catalog-sync.js', [copy.dir], url);
      expect(broken.status).toBe(1);
      expect(broken.stdout).toMatch(/wohngeld\.json:\/areaId: Den Aufgabenbereich „bauen“ gibt es nicht\./);
      expect(broken.stdout).toContain('Die Datenbank ist unverändert.');
      const rows = await withClient(url, (c) => c.query("select area_id from service where id = 'wohngeld'"));
      expect(rows.rows).toEqual([{ area_id: 'soziales' }]);
    } finally {
      await copy.destroy();
    }
  });

  it('import reads a schema with the genericode files next to it, and catalog:export writes a bundle', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lotse-import-'));
    try {
      await writeFile(join(dir, 'S99000001V1.0_xdf2.xml'), xdf2TestSchema());
      await writeFile(join(dir, 'C99000001_genericode.xml'), TEST_GENERICODE);
      const dry = run('interop/cli/import.js', [join(dir, 'S99000001V1.0_xdf2.xml'), '--org', '03453004', '--lenient', '--dry-run'], url);
      expect(dry.stderr).toContain('Codelisten: C99000001_genericode.xml');
      expect(dry.status).toBe(0);
      expect(dry.stdout).toContain('Angelegt: 1\n  FORM 03453004-s99000001 1.0 (FIM S99000001)');
      expect(dry.stdout).toContain('Probelauf, nichts geschrieben');
      const real = run('interop/cli/import.js', [join(dir, 'S99000001V1.0_xdf2.xml'), '--org', '03453004', '--lenient', '--json'], url);
      expect(real.status).toBe(0);
      expect(JSON.parse(real.stdout)).toMatchObject({ applied: true, created: [{ kind: 'FORM', id: '03453004-s99000001' }] });
      const rows = await withClient(url, (c) => c.query(`select status from form_version where form_id = '03453004-s99000001'`));
      expect(rows.rows).toEqual([{ status: 'DRAFT' }]);

      await writeFile(join(dir, 'bomb.xml'), BILLION_LAUGHS);
      const refused = run('interop/cli/import.js', [join(dir, 'bomb.xml'), '--org', '03453004', '--codelist', join(dir, 'C99000001_genericode.xml')], url);
      expect(refused.status).toBe(1);
      expect(refused.stdout).toMatch(/FORBIDDEN_CONSTRUCT Zeile 2: /);
      expect(refused.stdout).toContain('Der Import wurde abgelehnt; es wurde nichts geschrieben.');
      expect(run('interop/cli/import.js', [join(dir, 'S99000001V1.0_xdf2.xml'), '--org', '99999'], url).status).toBe(2);

      const exported = run('interop/cli/catalog-export.js', ['--org', '03453', '--out', join(dir, 'bundle.json')], url);
      expect(exported.status).toBe(0);
      expect(exported.stderr).toMatch(/Paket geschrieben: .*bundle\.json \([1-9]\d* Leistungen, \d+ Formularversionen, \d+ Codelisten, [1-9]\d* Aufgabenbereiche, [1-9]\d* Organisationen\)/);
      const bundle = JSON.parse(await readFile(join(dir, 'bundle.json'), 'utf8'));
      expect(bundle).toMatchObject({ format: 'lotse-catalog-bundle', formatVersion: 1, origin: { organisationId: '03453', ags: '03453' } });
      expect(run('interop/cli/catalog-export.js', ['--org', '99999'], url).status).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
