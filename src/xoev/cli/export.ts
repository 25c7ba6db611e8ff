/**
 * `npm run export -- --reference CLP-2026-000042-7 [--metadata]`: prints the XÖV message of a submission
 * (validated against its XSDs); with --metadata the FIT-Connect-style metadata as JSON instead.
 * Uses DATABASE_URL, or the embedded default (migrated first, like `npm start`).
 */
import '../../timezone.js';
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../../config/config.js';
import { createRootLogger } from '../../common/logging/logger.js';
import { LotseError } from '../../common/errors/lotse.error.js';
import { prepareDatabase } from '../../database/database-bootstrap.js';
import { ormConfig } from '../../database/orm-config.js';
import { CatalogStoreService } from '../../catalog/catalog-store.service.js';
import { FormsService } from '../../forms/forms.service.js';
import { SubmissionEntity } from '../../submissions/entities/submission.entity.js';
import { XoevService } from '../xoev.service.js';
import { ApplicationFiles } from '../../attachments/application-files.js';
import { PgAttachmentStorage } from '../../attachments/storage/pg-attachment-storage.js';

const { values } = parseArgs({ options: { reference: { type: 'string' }, metadata: { type: 'boolean' } } });
if (!values.reference) {
  console.error('Aufruf: npm run export -- --reference <Aktenzeichen> [--metadata]');
  process.exit(2);
}
const config = loadConfig();
const { url, embedded } = await prepareDatabase(config, createRootLogger({ logLevel: 'warn' }));
const orm = await MikroORM.init(ormConfig(url, config));
try {
  const em = orm.em.fork();
  const submission = await em.findOne(SubmissionEntity, { referenceNumber: values.reference.trim().toUpperCase() });
  if (!submission) {
    console.error(`Einen Antrag mit dem Aktenzeichen ${values.reference} gibt es nicht.`);
    process.exitCode = 1;
  } else {
    const exported = await new XoevService(new FormsService(new CatalogStoreService(em, config, '')), em, config, new ApplicationFiles(em, new PgAttachmentStorage(em, config))).export(submission);
    process.stdout.write(values.metadata ? JSON.stringify(exported.metadata, null, 2) + '\n' : exported.xml);
  }
} catch (error) {
  if (!(error instanceof LotseError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
} finally {
  await orm.close(true);
  await embedded?.stop();
}
