/**
 * `npm run catalog:sync [-- <catalog folder>]`: checks the catalog and writes it into PostgreSQL
 * (DATABASE_URL, or the embedded default) in one transaction. A broken catalog changes nothing (exit 1).
 */
import '../../timezone.js';
import 'reflect-metadata';
import { resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { Module } from '@nestjs/common';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { ConfigModule } from '../../config/config.module.js';
import { loadConfig } from '../../config/config.js';
import { createRootLogger } from '../../common/logging/logger.js';
import { prepareDatabase } from '../../database/database-bootstrap.js';
import { ormConfig } from '../../database/orm-config.js';
import { formatProblem } from '../catalog.checker.js';
import { CatalogRejectedError } from '../catalog.errors.js';
import { CatalogSyncService } from '../catalog-sync.service.js';

const config = loadConfig();
const { url, embedded } = await prepareDatabase(config, createRootLogger({ logLevel: 'warn' }));

@Module({
  imports: [ConfigModule.forRoot(config), MikroOrmModule.forRoot({ ...ormConfig(url, config), registerRequestContext: false })],
  providers: [CatalogSyncService],
})
class SyncModule {}

const app = await NestFactory.createApplicationContext(SyncModule, { logger: false });
try {
  const result = await app.get(CatalogSyncService).sync(process.argv[2] ? resolve(process.argv[2]) : config.catalogDir);
  console.log(
    `Katalog ${result.outcome === 'APPLIED' ? 'übernommen' : 'unverändert'}: ${result.filesChanged} geänderte, ` +
      `${result.filesRemoved} entfernte Dateien, ${result.newServiceVersions} neue Leistungsversionen (${result.services} Leistungen).`,
  );
} catch (error) {
  if (!(error instanceof CatalogRejectedError)) throw error;
  for (const problem of error.problems) console.log(formatProblem(problem));
  console.log(`Katalog nicht übernommen: ${error.problems.length} Fehler. Die Datenbank ist unverändert.`);
  process.exitCode = 1;
} finally {
  await app.get(MikroORM).close(true);
  await app.close();
  await embedded?.stop();
}
