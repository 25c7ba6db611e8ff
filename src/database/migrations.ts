import { MikroORM } from '@mikro-orm/postgresql';
import { ormConfig, type DatabaseSettings } from './orm-config.js';

/** Applies every pending migration in one transaction; returns the names applied. */
export async function migrateUp(url: string, settings: DatabaseSettings): Promise<string[]> {
  const orm = await MikroORM.init(ormConfig(url, settings));
  try {
    const applied = await orm.migrator.up();
    return applied.map((m) => m.name);
  } finally {
    await orm.close(true);
  }
}
