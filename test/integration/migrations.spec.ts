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
