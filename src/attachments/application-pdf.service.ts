import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { FormVersionEntity } from '../forms/entities/form-version.entity.js';
import type { SubmissionEntity } from '../submissions/entities/submission.entity.js';
import { buildApplicationPdf } from './application-pdf.js';
import { AttachmentEntity } from './entities/attachment.entity.js';
import { CaseDocumentEntity } from './entities/case-document.entity.js';

/** The PDF of a submission as received (the form's attachments only, so later documents do not change it). */
@Injectable()
export class ApplicationPdfService {
  constructor(private readonly em: EntityManager) {}

  async render(submission: SubmissionEntity): Promise<Buffer> {
    const em = this.em.fork();
    const form = await em.findOneOrFail(FormVersionEntity, { id: `${submission.formId}@${submission.formVersion}` });
    const docs = await em.find(CaseDocumentEntity, { submissionId: submission.id, source: 'FORM' }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    const files = new Map((await em.find(AttachmentEntity, { id: { $in: docs.map((d) => d.attachmentId) } })).map((a) => [a.id, a]));
    return buildApplicationPdf({
      form: form.data,
      schema: form.publishedSchema,
      data: submission.data,
      referenceNumber: submission.referenceNumber,
      submittedAt: submission.submittedAt,
      sha256: submission.sha256,
      attachments: docs.flatMap((d) => {
        const f = files.get(d.attachmentId);
        return f ? [{ fileName: f.fileName, mediaType: f.mediaType, size: f.size, sha256: f.sha256 }] : [];
      }),
    });
  }
}
