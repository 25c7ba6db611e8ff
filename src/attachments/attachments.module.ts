import { Module } from '@nestjs/common';
import { RateLimiterService } from '../common/rate-limit/rate-limiter.service.js';
import { FormsModule } from '../forms/forms.module.js';
import { ProcessingModule } from '../processing/processing.module.js';
import { AttachmentSweeper } from './attachment-sweeper.js';
import { AttachmentsController } from './attachments.controller.js';
import { AttachmentsService } from './attachments.service.js';
import { AttachmentBinder } from './attachment-binder.service.js';
import { ATTACHMENT_STORAGE } from './storage/attachment-storage.js';
import { PgAttachmentStorage } from './storage/pg-attachment-storage.js';
import { VirusScanner } from './virus-scanner.js';
import { DocumentsService } from './documents.service.js';
import { DownloadLinks } from './download-links.js';
import { ApplicationPdfService } from './application-pdf.service.js';
import { ApplicationFiles } from './application-files.js';
import { DownloadsController } from './downloads.controller.js';
import { ApplicantDocumentsResolver, CaseDocumentsResolver } from './documents.resolver.js';

@Module({
  imports: [FormsModule, ProcessingModule],
  controllers: [AttachmentsController, DownloadsController],
  providers: [
    AttachmentsService,
    AttachmentBinder,
    AttachmentSweeper,
    VirusScanner,
    DocumentsService,
    DownloadLinks,
    ApplicationPdfService,
    ApplicationFiles,
    CaseDocumentsResolver,
    ApplicantDocumentsResolver,
    RateLimiterService,
    { provide: ATTACHMENT_STORAGE, useClass: PgAttachmentStorage },
  ],
  exports: [ApplicationFiles, ApplicationPdfService, AttachmentsService, AttachmentBinder, DocumentsService, DownloadLinks, ATTACHMENT_STORAGE],
})
export class AttachmentsModule {}
