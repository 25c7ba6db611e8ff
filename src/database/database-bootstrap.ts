import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded-postgres.js';
import { migrateUp } from './migrations.js';

export interface DatabaseHandle {
  url: string;
  embedded?: EmbeddedDatabase;
}

/**
 * With DATABASE_URL: use that server as it is (migrations are their own step, `npm run db:migrate`).
 * Without it: start the embedded PostgreSQL under the data folder and apply pending migrations.
 */
export async function prepareDatabase(config: AppConfig, logger: Logger): Promise<DatabaseHandle> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const embedded = await startEmbeddedDefault(config, logger);
  try {
    const applied = await migrateUp(embedded.url, config);
    if (applied.length) logger.info({ context: 'Migrations', applied }, `applied ${applied.length} migration(s)`);
  } catch (error) {
    await embedded.stop();
    throw error;
  }
  return { url: embedded.url, embedded };
}

/** The embedded PostgreSQL of `npm start` and the CLIs: cluster under the data folder, kept across starts. */
export function startEmbeddedDefault(config: AppConfig, logger: Logger): Promise<EmbeddedDatabase> {
  const log = logger.child({ context: 'EmbeddedPostgres' });
  return startEmbeddedPostgres({
    clusterDir: join(config.dataDir, 'postgres'),
    port: config.embeddedPostgresPort,
    database: 'lotse',
    persistent: true,
    log: (level, message) => log[level](message),
  });
}
