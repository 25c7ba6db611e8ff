import { MikroORM } from '@mikro-orm/postgresql';
import { ormConfig } from '../../src/database/orm-config.js';
import { createTestDatabase } from '../support/postgres.js';

const SETTINGS = { dbPoolMax: 2, dbConnectTimeoutMs: 2000, dbStatementTimeoutMs: 15000 };

describe('migrations', () => {
  it('bring the database exactly to what the entities describe', async () => {
    const db = await createTestDatabase();
    const orm = await MikroORM.init(ormConfig(db.url, SETTINGS));
    try {
      expect(await orm.migrator.getPending()).toEqual([]);
      const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false });
      expect(diff.trim()).toBe('');
    } finally {
      await orm.close(true);
      await db.drop();
    }
  });

  it('can be rolled back and applied again', async () => {
    const db = await createTestDatabase();
    const orm = await MikroORM.init(ormConfig(db.url, SETTINGS));
    try {
      const executed = await orm.migrator.getExecuted();
      expect(executed.length).toBeGreaterThan(0);
      await orm.migrator.down({ to: 0 });
      expect(await orm.migrator.getExecuted()).toEqual([]);
      const applied = await orm.migrator.up();
      expect(applied.map((m) => m.name)).toEqual(executed.map((m) => m.name));
    } finally {
      await orm.close(true);
      await db.drop();
    }
  });
});

describe('migration order_preserving_form_json', () => {
  it('turns form documents into json and restores the order of their catalog file, content and hash unchanged', async () => {
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { projectRoot } = await import('../../src/common/project-root.js');
    const file = JSON.parse(await readFile(join(projectRoot(), 'catalog', 'forms', 'wohngeld-antrag', '1.0.json'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const db = await createTestDatabase();
    const orm = await MikroORM.init(ormConfig(db.url, SETTINGS));
    const connection = orm.em.getConnection();
    try {
      await orm.migrator.down({ to: 'Migration20261125191245_imports' });
      await connection.execute(
        `insert into "form_version" ("id", "content_hash", "created_at", "updated_at", "form_id", "version", "status", "service_id", "owner", "data", "published_schema")
         values ('wohngeld-antrag@1.0', 'hash-of-the-file', now(), now(), 'wohngeld-antrag', '1.0', 'PUBLISHED', 'wohngeld-mietzuschuss', 'lk-clp-soziales', ?::jsonb, ?::jsonb)`,
        [JSON.stringify(file), JSON.stringify({ ...file.schema, 'x-extra': true })],
      );
      const [scrambled] = await connection.execute<Array<{ keys: string }>>(`select "data"::text as keys from "form_version"`);
      const fileOrder = Object.keys(file.schema.properties.anschrift.properties);
      const orderIn = (text: string, pick: (doc: any) => Record<string, unknown>) => Object.keys(pick(JSON.parse(text))); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(orderIn(scrambled.keys, (d) => d.schema.properties.anschrift.properties)).not.toEqual(fileOrder); // jsonb sorted them

      await orm.migrator.up();
      const [row] = await connection.execute<Array<{ data: string; published: string; hash: string; type: string }>>(
        `select "data"::text as data, "published_schema"::text as published, "content_hash" as hash, pg_typeof("data")::text as type from "form_version"`,
      );
      expect(row.type).toBe('json');
      expect(row.hash).toBe('hash-of-the-file');
      expect(orderIn(row.data, (d) => d.schema.properties.anschrift.properties)).toEqual(fileOrder);
      expect(orderIn(row.published, (d) => d.properties.antragsteller.properties)).toEqual(Object.keys(file.schema.properties.antragsteller.properties));
      expect(orderIn(row.published, (d) => d).at(-1)).toBe('x-extra'); // keys the file lacks stay, after the others
      expect(JSON.parse(row.data)).toEqual(file);
    } finally {
      await orm.close(true);
      await db.drop();
    }
  });
});
