/**
 * `npm run db:migrate` applies pending migrations to DATABASE_URL (or the embedded default).
 * `npm run db:migration:create -- <name>` writes a new migration from the difference between the entities
 * and the migrated schema into src/database/migrations/.
 */
import { join } from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../../config/config.js';
import { createRootLogger } from '../../common/logging/logger.js';
import { projectRoot } from '../../common/project-root.js';
import { startEmbeddedDefault } from '../database-bootstrap.js';
import type { EmbeddedDatabase } from '../embedded-postgres.js';
import { migrateUp } from '../migrations.js';
import { ormConfig } from '../orm-config.js';

async function main(): Promise<void> {
  const [command = 'up', name] = process.argv.slice(2);
  const config = loadConfig();
  const logger = createRootLogger(config);
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedDefault(config, logger);
    url = embedded.url;
  }
  try {
    if (command === 'up') {
      const applied = await migrateUp(url, config);
      logger.info({ applied }, applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
    } else if (command === 'create') {
      await migrateUp(url, config);
      const orm = await MikroORM.init(ormConfig(url, config));
      try {
        const result = await orm.migrator.create(join(projectRoot(), 'src', 'database', 'migrations'), false, false, name);
        logger.info({ file: result.fileName }, result.fileName ? 'migration written' : 'no schema changes');
      } finally {
        await orm.close(true);
      }
    } else {
      throw new Error(`unknown command ${command} (use "up" or "create")`);
    }
  } finally {
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
