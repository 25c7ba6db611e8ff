import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { resolvePointer } from '../catalog/catalog.checker.js';
import type { FormVersionEntity } from '../forms/entities/form-version.entity.js';
import { fieldIndex } from '../forms/form-schema.js';
import { SubmissionEventEntity } from '../processing/entities/submission-event.entity.js';
import type { SubmissionEntity } from './entities/submission.entity.js';
import { SubmissionStatus } from './models/submission.model.js';
import { DocumentRequestEntity } from '../attachments/entities/document-request.entity.js';

/**
 * What happens on receipt, in the same transaction as the submission: the receipt and the acknowledgement
 * are recorded, then the form's completeness rule moves the case to IN_REVIEW or DOCUMENTS_REQUESTED.
 */
@Injectable()
export class ReceiptAutomation {
  async onReceipt(em: EntityManager, submission: SubmissionEntity, form: FormVersionEntity): Promise<void> {
    em.create(SubmissionEventEntity, { submissionId: submission.id, kind: 'RECEIVED', actorType: 'APPLICANT', toStatus: SubmissionStatus.RECEIVED });
    em.create(SubmissionEventEntity, {
      submissionId: submission.id,
      kind: 'ACKNOWLEDGED',
      actorType: 'SYSTEM',
      publicNoteDe: `Ihr Antrag ist eingegangen. Ihr Aktenzeichen: ${submission.referenceNumber}.`,
      publicNoteEn: `Your application has been received. Your reference number: ${submission.referenceNumber}.`,
    });
    const required = form.data.completeness?.attachments ?? [];
    const fields = fieldIndex(form.publishedSchema);
    const missing = required
      .filter((pointer) => {
        const value = resolvePointer(submission.data, pointer);
        return !value || (typeof value === 'object' && !('attachmentId' in (value as object)) && !Array.isArray(value)) || (Array.isArray(value) && value.length === 0);
      })
      .map((pointer) => fields.get(pointer)?.label?.de ?? pointer);
    const to = missing.length > 0 ? SubmissionStatus.DOCUMENTS_REQUESTED : SubmissionStatus.IN_REVIEW;
    submission.status = to;
    submission.version = 2;
    if (missing.length > 0) {
      submission.requestedDocuments = missing;
      em.create(DocumentRequestEntity, { submissionId: submission.id, items: missing });
    }
    em.create(SubmissionEventEntity, {
      submissionId: submission.id,
      kind: missing.length > 0 ? 'DOCUMENTS_REQUESTED' : 'STATUS_CHANGED',
      actorType: 'SYSTEM',
      fromStatus: SubmissionStatus.RECEIVED,
      toStatus: to,
      publicNoteDe: missing.length > 0 ? 'Bitte reichen Sie die genannten Unterlagen nach.' : 'Ihr Antrag ist vollständig und wird geprüft.',
      publicNoteEn: missing.length > 0 ? 'Please provide the documents listed.' : 'Your application is complete and is being reviewed.',
      items: missing.length > 0 ? missing : undefined,
    });
    await em.flush();
  }
}
