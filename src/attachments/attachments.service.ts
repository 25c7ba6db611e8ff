import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { ErrorCode } from '../common/errors/error-code.js';
import { badUserInput, LotseError } from '../common/errors/lotse.error.js';
import { RateLimiterService } from '../common/rate-limit/rate-limiter.service.js';
import type { Principal } from '../common/auth/access.guard.js';
import { Permission } from '../common/auth/permission.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { FormsService } from '../forms/forms.service.js';
import { ApplicantStatusService } from '../processing/applicant-status.service.js';
import { CasesService } from '../processing/cases.service.js';
import { attachmentFieldKey, attachmentFields, DEFAULT_MAX_BYTES, DEFAULT_MEDIA_TYPES, FIELD_POINTER, type AttachmentRules } from './attachment-rules.js';
import { refusal } from './attachment.errors.js';
import { AttachmentEntity, type AttachmentPurpose } from './entities/attachment.entity.js';
import { DocumentRequestEntity } from './entities/document-request.entity.js';
import { checkFileName, FileInspector } from './file-inspector.js';
import { VirusScanner } from './virus-scanner.js';
import { ATTACHMENT_STORAGE, type AttachmentStorage } from './storage/attachment-storage.js';

const HOUR = 3600;
/** Files one document request takes. */
export const REQUEST_MAX_FILES = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What the upload is for, from the text fields before the file. */
export interface UploadTarget {
  formId?: string;
  version?: string;
  field?: string;
  referenceNumber?: string;
  requestId?: string;
  caseId?: string;
}

/** The answer to an accepted upload; the first four are the attachment object of the form data. */
export interface UploadReceipt {
  attachmentId: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
}

/** Where an accepted upload goes, with the limits that apply to it. */
interface ResolvedTarget {
  purpose: AttachmentPurpose;
  rules: AttachmentRules;
  formId?: string;
  formVersion?: string;
  field?: string;
  pointer?: string;
  submissionId?: string;
  requestId?: string;
  uploadedBy?: string;
}

/**
 * Uploads: the target and its limits are settled before the file is read; the file then streams through the
 * inspector (and the virus scanner, when configured) into the storage, inside one transaction that a refusal
 * rolls back, so a refused upload leaves nothing behind.
 */
@Injectable()
export class AttachmentsService {
  private readonly logger = new Logger(AttachmentsService.name);

  constructor(
    private readonly em: EntityManager,
    private readonly forms: FormsService,
    private readonly cases: CasesService,
    private readonly applicants: ApplicantStatusService,
    private readonly limiter: RateLimiterService,
    private readonly scanner: VirusScanner,
    @Inject(ATTACHMENT_STORAGE) private readonly storage: AttachmentStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Counts the upload against the client's hourly limit (RATE_LIMITED past it). */
  async countUpload(clientAddress: string): Promise<void> {
    await this.limiter.hit(`upload:${clientAddress}`, this.config.attachmentRateLimitPerHour, HOUR);
  }

  /** Checks the text fields and finds the target (its form field, document request or case) and its limits. */
  async resolveTarget(target: UploadTarget, accessCode: string | undefined, principal: Principal | undefined): Promise<ResolvedTarget> {
    const cap = this.config.attachmentMaxBytes;
    if (target.caseId !== undefined) {
      if (!principal) throw new LotseError(ErrorCode.UNAUTHENTICATED);
      if (!principal.permissions.has(Permission.SUBMISSION_PROCESS)) throw new LotseError(ErrorCode.FORBIDDEN);
      const submission = await this.cases.entity(principal, target.caseId);
      return { purpose: 'CASE', rules: { mediaTypes: [...DEFAULT_MEDIA_TYPES], maxBytes: cap, maxFiles: 1 }, submissionId: submission.id, uploadedBy: principal.subject };
    }
    if (target.referenceNumber !== undefined || target.requestId !== undefined) {
      if (!target.referenceNumber || !target.requestId) throw badUserInput('Für eine Nachforderung bitte referenceNumber und requestId angeben.', { argument: 'requestId' });
      const submission = await this.applicants.authenticate(target.referenceNumber, accessCode ?? '');
      const request = UUID.test(target.requestId) ? await this.em.fork().findOne(DocumentRequestEntity, { id: target.requestId, submissionId: submission.id }) : null;
      if (!request) throw new LotseError(ErrorCode.NOT_FOUND, 'Diese Nachforderung gibt es zu diesem Antrag nicht.', undefined, 'This document request does not exist for this submission.');
      if (request.status !== 'OPEN') throw new LotseError(ErrorCode.INVALID_TRANSITION, 'Diese Nachforderung ist bereits erledigt.', undefined, 'This document request is already closed.');
      const uploaded = await this.em.fork().count(AttachmentEntity, { requestId: request.id });
      if (uploaded >= REQUEST_MAX_FILES) throw refusal(ErrorCode.TOO_MANY_FILES, { maxFiles: REQUEST_MAX_FILES });
      return {
        purpose: 'DOCUMENT_REQUEST',
        rules: { mediaTypes: [...DEFAULT_MEDIA_TYPES], maxBytes: Math.min(DEFAULT_MAX_BYTES, cap), maxFiles: REQUEST_MAX_FILES },
        submissionId: submission.id,
        requestId: request.id,
      };
    }
    if (!target.formId || !target.version || !target.field) {
      throw new LotseError(ErrorCode.UPLOAD_MALFORMED, 'Bitte formId, version und field (oder referenceNumber und requestId, oder caseId) vor der Datei senden.', undefined, 'Please send formId, version and field (or referenceNumber and requestId, or caseId) before the file.');
    }
    const form = await this.forms.submittable(target.formId, target.version);
    if (!FIELD_POINTER.test(target.field)) throw new LotseError(ErrorCode.FIELD_NOT_ATTACHMENT);
    const field = attachmentFields(form.publishedSchema).get(attachmentFieldKey(target.field));
    if (!field) throw new LotseError(ErrorCode.FIELD_NOT_ATTACHMENT);
    if (field.repeated) {
      const index = Number(target.field.split('/').pop());
      if (index >= field.rules.maxFiles) throw refusal(ErrorCode.TOO_MANY_FILES, { maxFiles: field.rules.maxFiles });
    }
    return {
      purpose: 'FORM_FIELD',
      rules: { ...field.rules, maxBytes: Math.min(field.rules.maxBytes, cap) },
      formId: form.formId,
      formVersion: form.version,
      field: field.key,
      pointer: target.field,
    };
  }

  /** Streams the file through the checks into the storage; stores the attachment, or nothing at all. */
  async accept(target: ResolvedTarget, file: AsyncIterable<Buffer>, rawFileName: string | undefined, declaredType: string | undefined, clientAddress: string): Promise<UploadReceipt> {
    const fileName = checkFileName(rawFileName);
    const inspector = new FileInspector(target.rules, fileName, declaredType);
    const scan = this.scanner.session();
    const stored = await this.em.fork().transactional(async (tx) => {
      const content = await this.storage.write(tx, scan.tee(inspector.inspect(file)));
      await scan.verdict();
      const attachment = tx.create(AttachmentEntity, {
        sha256: content.sha256,
        fileName,
        mediaType: inspector.result!.mediaType,
        size: content.size,
        purpose: target.purpose,
        formId: target.formId,
        formVersion: target.formVersion,
        field: target.field,
        pointer: target.pointer,
        submissionId: target.submissionId,
        requestId: target.requestId,
        uploadedBy: target.uploadedBy,
        clientAddress,
        scanned: scan.enabled,
      });
      await tx.flush();
      return attachment;
    }).finally(() => scan.close());
    this.logger.log({ msg: 'attachment stored', attachmentId: stored.id, purpose: stored.purpose, size: stored.size, mediaType: stored.mediaType });
    return { attachmentId: stored.id, fileName: stored.fileName, mediaType: stored.mediaType, size: stored.size, sha256: stored.sha256 };
  }

  /** The TTL job: deletes uploads nothing took within ATTACHMENT_TTL_HOURS, then contents nobody refers to. */
  async sweep(now = new Date()): Promise<{ attachments: number; contents: number }> {
    const cutoff = new Date(now.getTime() - this.config.attachmentTtlHours * 3600_000);
    const attachments = await this.em.fork().nativeDelete(AttachmentEntity, { boundAt: null, createdAt: { $lt: cutoff } });
    const contents = await this.storage.removeUnreferenced();
    if (attachments || contents) this.logger.log({ msg: 'expired uploads deleted', attachments, contents });
    return { attachments, contents };
  }
}
