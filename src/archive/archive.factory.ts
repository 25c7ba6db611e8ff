import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { CatalogStoreService } from '../catalog/catalog-store.service.js';
import { FormsService } from '../forms/forms.service.js';
import { XoevService } from '../xoev/xoev.service.js';
import { ApplicationFiles } from '../attachments/application-files.js';
import { ApplicationPdfService } from '../attachments/application-pdf.service.js';
import { PgAttachmentStorage } from '../attachments/storage/pg-attachment-storage.js';
import { ArchiveService } from './archive.service.js';
import { CaseFilesSource, XoevMessageSource } from './document-sources.js';

/**
 * The archive service with its document sources (the XÖV message; the application PDF, the applicant's files and the
 * case documents), for the CLI, the API and the deletion job.
 */
export function createArchiveService(em: EntityManager, config: AppConfig, logger?: Logger, xoev?: XoevService): ArchiveService {
  const storage = new PgAttachmentStorage(em, config);
  const exporter = xoev ?? new XoevService(new FormsService(new CatalogStoreService(em, config, '')), em, config, new ApplicationFiles(em, storage));
  return new ArchiveService(em, config, [new XoevMessageSource(exporter), new CaseFilesSource(em, new ApplicationPdfService(em), storage)], logger);
}
