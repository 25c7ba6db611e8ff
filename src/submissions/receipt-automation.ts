import { Injectable } from '@nestjs/common';
import { resolvePointer } from '../catalog/catalog.checker.js';
import type { FormVersionEntity } from '../forms/entities/form-version.entity.js';
import { fieldIndex } from '../forms/form-schema.js';
import type { ActorType, EventKind } from '../processing/entities/submission-event.entity.js';
import { SubmissionStatus } from './models/submission.model.js';

/** A row of `submission_event` written on receipt. */
export interface ReceiptEvent {
  kind: EventKind;
  actorType: ActorType;
  fromStatus?: string;
  toStatus?: string;
  publicNoteDe?: string;
  publicNoteEn?: string;
  items?: string[];
}

/** What receipt writes besides the submission: its status after receipt, the documents still missing, the events. */
export interface ReceiptPlan {
  status: SubmissionStatus;
  /** Version of the submission after receipt (RECEIVED was version 1, the move to `status` makes it 2). */
  version: number;
  /** Labels (German) of required attachments not given; a document request is opened for them when there are any. */
  missing: string[];
  events: ReceiptEvent[];
}

/** Field labels per published schema (published versions never change; the entities are cached). */
const labels = new WeakMap<object, ReturnType<typeof fieldIndex>>();

/**
 * What happens on receipt, in the same transaction as the submission: the receipt and the acknowledgement
 * are recorded, then the form's completeness rule moves the case to IN_REVIEW or DOCUMENTS_REQUESTED.
 * Computes the rows; the submission's transaction writes them with the submission.
 */
@Injectable()
export class ReceiptAutomation {
  plan(submission: { referenceNumber: string; data: Record<string, unknown> }, form: FormVersionEntity): ReceiptPlan {
    const required = form.data.completeness?.attachments ?? [];
    let fields = labels.get(form.publishedSchema);
    if (!fields) labels.set(form.publishedSchema, (fields = fieldIndex(form.publishedSchema)));
    const missing = required
      .filter((pointer) => {
        const value = resolvePointer(submission.data, pointer);
        return !value || (typeof value === 'object' && !('attachmentId' in (value as object)) && !Array.isArray(value)) || (Array.isArray(value) && value.length === 0);
      })
      .map((pointer) => fields.get(pointer)?.label?.de ?? pointer);
    const to = missing.length > 0 ? SubmissionStatus.DOCUMENTS_REQUESTED : SubmissionStatus.IN_REVIEW;
    return {
      status: to,
      version: 2,
      missing,
      events: [
        { kind: 'RECEIVED', actorType: 'APPLICANT', toStatus: SubmissionStatus.RECEIVED },
        {
          kind: 'ACKNOWLEDGED',
          actorType: 'SYSTEM',
          publicNoteDe: `Ihr Antrag ist eingegangen. Ihr Aktenzeichen: ${submission.referenceNumber}.`,
          publicNoteEn: `Your application has been received. Your reference number: ${submission.referenceNumber}.`,
        },
        {
          kind: missing.length > 0 ? 'DOCUMENTS_REQUESTED' : 'STATUS_CHANGED',
          actorType: 'SYSTEM',
          fromStatus: SubmissionStatus.RECEIVED,
          toStatus: to,
          publicNoteDe: missing.length > 0 ? 'Bitte reichen Sie die genannten Unterlagen nach.' : 'Ihr Antrag ist vollständig und wird geprüft.',
          publicNoteEn: missing.length > 0 ? 'Please provide the documents listed.' : 'Your application is complete and is being reviewed.',
          items: missing.length > 0 ? missing : undefined,
        },
      ],
    };
  }
}
