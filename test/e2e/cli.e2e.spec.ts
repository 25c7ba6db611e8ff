import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { projectRoot } from '../../src/common/project-root.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { replaceDatabase, withClient } from '../support/postgres.js';

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
});
