import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequireCitizen } from '../common/auth/access.decorators.js';
import type { AuthState, CitizenPrincipal } from '../common/auth/access.guard.js';
import { ApplicationPdfService } from '../attachments/application-pdf.service.js';
import { DocumentsService } from '../attachments/documents.service.js';
import { sendFile } from '../attachments/downloads.controller.js';
import { ATTACHMENT_STORAGE, type AttachmentStorage } from '../attachments/storage/attachment-storage.js';
import { MyApplicationsService } from './my-applications.service.js';

/** Downloads of the signed-in citizen, with the bearer token: the same rules as myApplication (NOT_FOUND, locked). */
@Controller('me/submissions')
export class MyDownloadsController {
  constructor(
    private readonly mine: MyApplicationsService,
    private readonly documents: DocumentsService,
    private readonly pdf: ApplicationPdfService,
    @Inject(ATTACHMENT_STORAGE) private readonly storage: AttachmentStorage,
  ) {}

  @RequireCitizen()
  @Get(':referenceNumber/documents/:documentId')
  async document(@Param('referenceNumber') reference: string, @Param('documentId') documentId: string, @Req() request: FastifyRequest & AuthState, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const submission = await this.mine.openable(request.citizen as CitizenPrincipal, reference);
    const file = await this.documents.applicantDownload(submission, documentId);
    return sendFile(reply, file, Readable.from(this.storage.read(file.sha256)));
  }

  @RequireCitizen()
  @Get(':referenceNumber/application.pdf')
  async applicationPdf(@Param('referenceNumber') reference: string, @Req() request: FastifyRequest & AuthState, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const submission = await this.mine.openable(request.citizen as CitizenPrincipal, reference);
    const bytes = await this.pdf.render(submission);
    return sendFile(reply, { fileName: `Antrag-${submission.referenceNumber}.pdf`, mediaType: 'application/pdf', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }, bytes);
  }
}
