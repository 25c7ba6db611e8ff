import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { FormsService } from '../forms/forms.service.js';
import { XoevService } from '../xoev/xoev.service.js';
import { ApplicationFiles } from '../attachments/application-files.js';
import { PgAttachmentStorage } from '../attachments/storage/pg-attachment-storage.js';
import { ArchiveService } from './archive.service.js';
import { XoevMessageSource } from './document-sources.js';

/** The archive service with its document sources, for the CLI (the Nest module wires the same). */
export function createArchiveService(em: EntityManager, config: AppConfig, logger?: Logger, xoev?: XoevService): ArchiveService {
  const exporter = xoev ?? new XoevService(new FormsService(em), em, config, new ApplicationFiles(em, new PgAttachmentStorage(em, config)));
  return new ArchiveService(em, config, [new XoevMessageSource(exporter)], logger);
}
