import { Readable } from 'node:stream';
import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, RequirePermission } from '../common/auth/access.decorators.js';
import type { AuthState, Principal } from '../common/auth/access.guard.js';
import { Permission } from '../common/auth/permission.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { LotseError } from '../common/errors/lotse.error.js';
import { EntityManager } from '@mikro-orm/postgresql';
import { ApplicantStatusService } from '../processing/applicant-status.service.js';
import { DocumentsService } from './documents.service.js';
import { ApplicationPdfService } from './application-pdf.service.js';
import { CasesService } from '../processing/cases.service.js';
import { createHash } from 'node:crypto';
import { DownloadLinks } from './download-links.js';
import { AttachmentEntity } from './entities/attachment.entity.js';
import { ATTACHMENT_STORAGE, type AttachmentStorage } from './storage/attachment-storage.js';

/** `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266), the ASCII fallback without quotes or non-ASCII. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '_') || 'datei';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** Sends a stored file: as a download, with its stored type, never sniffed, never cached by shared caches. */
export function sendFile(reply: FastifyReply, file: { fileName: string; mediaType: string; size: number; sha256: string }, body: Readable | Buffer): FastifyReply {
  return reply
    .header('content-type', file.mediaType)
    .header('content-disposition', contentDisposition(file.fileName))
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .header('content-length', String(file.size))
    .header('x-lotse-sha256', file.sha256)
    .send(body);
}

/**
 * Downloads, never with a secret in the URL: applicants with `X-Access-Code` (same throttling and NOT_FOUND as
 * submissionStatus), caseworkers with their bearer token (another organisation's case: NOT_FOUND), webhook
 * receivers with a signed, expiring link.
 */
@Controller()
export class DownloadsController {
  constructor(
    private readonly documents: DocumentsService,
    private readonly applicants: ApplicantStatusService,
    private readonly links: DownloadLinks,
    private readonly em: EntityManager,
    private readonly pdf: ApplicationPdfService,
    private readonly cases: CasesService,
    @Inject(ATTACHMENT_STORAGE) private readonly storage: AttachmentStorage,
  ) {}

  @Public()
  @Get('applicant/submissions/:referenceNumber/documents/:documentId')
  async applicantDocument(@Param('referenceNumber') reference: string, @Param('documentId') documentId: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const code = request.headers['x-access-code'];
    const submission = await this.applicants.authenticate(reference, typeof code === 'string' ? code : '');
    const file = await this.documents.applicantDownload(submission, documentId);
    return sendFile(reply, file, Readable.from(this.storage.read(file.sha256)));
  }

  @Public()
  @Get('applicant/submissions/:referenceNumber/application.pdf')
  async applicantPdf(@Param('referenceNumber') reference: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const code = request.headers['x-access-code'];
    const submission = await this.applicants.authenticate(reference, typeof code === 'string' ? code : '');
    return this.sendPdf(reply, submission);
  }

  @RequirePermission(Permission.SUBMISSION_READ)
  @Get('submissions/:id/application.pdf')
  async caseworkerPdf(@Param('id') id: string, @Req() request: FastifyRequest & AuthState, @Res() reply: FastifyReply): Promise<FastifyReply> {
    return this.sendPdf(reply, await this.cases.entity(request.principal as Principal, id));
  }

  private async sendPdf(reply: FastifyReply, submission: Parameters<ApplicationPdfService['render']>[0]): Promise<FastifyReply> {
    const bytes = await this.pdf.render(submission);
    return sendFile(reply, { fileName: `Antrag-${submission.referenceNumber}.pdf`, mediaType: 'application/pdf', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }, bytes);
  }

  @RequirePermission(Permission.SUBMISSION_READ)
  @Get('submissions/:id/attachments/:attachmentId')
  async caseworkerAttachment(@Param('id') id: string, @Param('attachmentId') attachmentId: string, @Req() request: FastifyRequest & AuthState, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const file = await this.documents.caseworkerDownload(request.principal as Principal, id, attachmentId);
    return sendFile(reply, file, Readable.from(this.storage.read(file.sha256)));
  }

  @Public()
  @Get('downloads/:attachmentId')
  async signed(@Param('attachmentId') attachmentId: string, @Query('expires') expires: string | undefined, @Query('signature') signature: string | undefined, @Res() reply: FastifyReply): Promise<FastifyReply> {
    const file = /^[0-9a-f-]{36}$/.test(attachmentId) && this.links.verify(attachmentId, expires, signature) ? await this.em.fork().findOne(AttachmentEntity, { id: attachmentId, boundAt: { $ne: null } }) : null;
    if (!file) throw new LotseError(ErrorCode.NOT_FOUND, 'Dieser Link ist ungültig oder abgelaufen.', undefined, 'This link is invalid or has expired.');
    return sendFile(reply, file, Readable.from(this.storage.read(file.sha256)));
  }
}
