import { Injectable } from '@nestjs/common';
import { LockMode } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../common/auth/access.guard.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { badUserInput, LotseError } from '../common/errors/lotse.error.js';
import { EventPublisher } from '../delivery/event-publisher.service.js';
import { ApplicantStatusService } from '../processing/applicant-status.service.js';
import { CasesService } from '../processing/cases.service.js';
import { SubmissionEventEntity } from '../processing/entities/submission-event.entity.js';
import { FINAL } from '../processing/workflow.js';
import { SubmissionEntity } from '../submissions/entities/submission.entity.js';
import { SubmissionStatus } from '../submissions/models/submission.model.js';
import { DownloadLinks } from './download-links.js';
import { EXPORT_QUEUE, QueueService } from '../delivery/queue.service.js';
import { AttachmentEntity } from './entities/attachment.entity.js';
import { CaseDocumentEntity } from './entities/case-document.entity.js';
import { DocumentRequestEntity } from './entities/document-request.entity.js';
import type { ApplicantDocument, CaseDocument, DocumentRequest } from './models/document.model.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TITLE_MAX = 300;
const invalid = (message: string, en: string, details: Record<string, unknown>) => new LotseError(ErrorCode.ATTACHMENT_INVALID, message, details, en);

/**
 * Documents after submission: the applicant answers a document request, caseworkers add documents (the notice),
 * and both sides list them. Each change is one transaction with its case event and webhook.
 */
@Injectable()
export class DocumentsService {
  constructor(
    private readonly em: EntityManager,
    private readonly cases: CasesService,
    private readonly applicants: ApplicantStatusService,
    private readonly publisher: EventPublisher,
    private readonly links: DownloadLinks,
    private readonly queue: QueueService,
  ) {}

  /** The applicant sends the files uploaded for an open request; the completeness rule runs again. */
  async submitDocuments(referenceNumber: string, accessCode: string, requestId: string, attachmentIds: string[]): Promise<SubmissionEntity> {
    const submission = await this.applicants.authenticate(referenceNumber, accessCode);
    if (attachmentIds.length === 0 || attachmentIds.length > 20 || attachmentIds.some((id) => !UUID.test(id)) || new Set(attachmentIds).size !== attachmentIds.length) {
      throw invalid('Bitte 1 bis 20 verschiedene hochgeladene Dateien angeben.', 'Please name 1 to 20 different uploaded files.', { argument: 'attachmentIds' });
    }
    if (!UUID.test(requestId)) throw new LotseError(ErrorCode.NOT_FOUND, 'Diese Nachforderung gibt es zu diesem Antrag nicht.');
    await this.em.fork().transactional(async (em) => {
      const current = await em.findOneOrFail(SubmissionEntity, { id: submission.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const request = await em.findOne(DocumentRequestEntity, { id: requestId, submissionId: submission.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!request) throw new LotseError(ErrorCode.NOT_FOUND, 'Diese Nachforderung gibt es zu diesem Antrag nicht.', undefined, 'This document request does not exist for this submission.');
      if (request.status !== 'OPEN' || FINAL.has(current.status as SubmissionStatus)) {
        throw new LotseError(ErrorCode.INVALID_TRANSITION, 'Diese Nachforderung ist bereits erledigt.', undefined, 'This document request is already closed.');
      }
      const rows = await em.find(AttachmentEntity, { id: { $in: attachmentIds } }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      for (const id of attachmentIds) {
        const row = rows.find((r) => r.id === id);
        if (!row || row.purpose !== 'DOCUMENT_REQUEST' || row.requestId !== request.id || row.submissionId !== submission.id || row.boundAt) {
          throw invalid('Eine Datei gehört nicht zu dieser Nachforderung oder wurde schon übermittelt.', 'A file does not belong to this document request or was already sent.', { attachmentId: id });
        }
      }
      const now = new Date();
      const documents: CaseDocumentEntity[] = [];
      for (const row of rows) {
        row.boundAt = now;
        documents.push(em.create(CaseDocumentEntity, { submissionId: submission.id, attachmentId: row.id, title: `Nachgereicht: ${row.fileName}`, source: 'APPLICANT', visibleToApplicant: true, requestId: request.id }));
      }
      request.status = 'FULFILLED';
      request.fulfilledAt = now;
      em.create(SubmissionEventEntity, {
        submissionId: submission.id,
        kind: 'DOCUMENTS_RECEIVED',
        actorType: 'APPLICANT',
        publicNoteDe: `Unterlagen nachgereicht: ${rows.map((r) => r.fileName).join(', ')}.`,
        publicNoteEn: `Documents provided: ${rows.map((r) => r.fileName).join(', ')}.`,
        items: request.items,
      });
      await em.flush();
      // completeness again: with no request left open, the case goes back to review
      const open = await em.count(DocumentRequestEntity, { submissionId: submission.id, status: 'OPEN' });
      if (open === 0 && current.status === SubmissionStatus.DOCUMENTS_REQUESTED) {
        current.status = SubmissionStatus.IN_REVIEW;
        current.version += 1;
        current.requestedDocuments = [];
        em.create(SubmissionEventEntity, {
          submissionId: submission.id,
          kind: 'STATUS_CHANGED',
          actorType: 'SYSTEM',
          fromStatus: SubmissionStatus.DOCUMENTS_REQUESTED,
          toStatus: SubmissionStatus.IN_REVIEW,
          publicNoteDe: 'Ihre Unterlagen sind vollständig; der Antrag wird geprüft.',
          publicNoteEn: 'Your documents are complete; the application is being reviewed.',
        });
        await em.flush();
      }
      // the XÖV message lists the applicant's files: it is built anew, and delivered again (submission.exported)
      await em.execute('delete from "submission_export" where "submission_id" = ?', [submission.id]);
      await this.queue.enqueueInTransaction(em, EXPORT_QUEUE, { submissionId: submission.id });
      await this.publisher.submissionEvent(em, 'submission.documents_received', current, {
        requestId: request.id,
        items: request.items,
        documents: rows.map((row, i) => ({ documentId: documents[i].id, ...this.links.reference(row) })),
      });
    });
    return this.em.fork().findOneOrFail(SubmissionEntity, { id: submission.id });
  }

  /** A caseworker adds an uploaded file (purpose CASE, uploaded for this case) to the case. */
  async addCaseDocument(principal: Principal, caseId: string, attachmentId: string, title: string, visibleToApplicant: boolean): Promise<void> {
    const trimmed = title.trim();
    if (trimmed.length === 0 || trimmed.length > TITLE_MAX) throw badUserInput(`Der Titel braucht 1 bis ${TITLE_MAX} Zeichen.`, { argument: 'title' });
    const submission = await this.cases.entity(principal, caseId);
    if (!UUID.test(attachmentId)) throw invalid('Diese Datei gibt es nicht.', 'This file does not exist.', { attachmentId });
    await this.em.fork().transactional(async (em) => {
      const row = await em.findOne(AttachmentEntity, { id: attachmentId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!row || row.purpose !== 'CASE' || row.submissionId !== submission.id || row.boundAt) {
        throw invalid('Die Datei wurde nicht für diesen Vorgang hochgeladen oder ist schon zugeordnet.', 'The file was not uploaded for this case or is already attached.', { attachmentId });
      }
      row.boundAt = new Date();
      em.create(CaseDocumentEntity, { submissionId: submission.id, attachmentId, title: trimmed, source: 'STAFF', visibleToApplicant, addedBy: principal.subject });
      em.create(SubmissionEventEntity, {
        submissionId: submission.id,
        kind: 'DOCUMENT_ADDED',
        actorType: 'STAFF',
        actorId: principal.subject,
        publicNoteDe: visibleToApplicant ? `Ein Dokument steht für Sie bereit: ${trimmed}.` : undefined,
        publicNoteEn: visibleToApplicant ? `A document is available for you: ${trimmed}.` : undefined,
        internalNote: `Dokument hinzugefügt: ${trimmed}${visibleToApplicant ? ' (für Antragsteller sichtbar)' : ''}`,
      });
      await em.flush();
    });
  }

  async requestsOf(submissionId: string, onlyOpen = false): Promise<DocumentRequest[]> {
    const rows = await this.em.fork().find(DocumentRequestEntity, { submissionId, ...(onlyOpen ? { status: 'OPEN' as const } : {}) }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return rows.map((r) => ({ id: r.id, items: r.items, status: r.status, createdAt: r.createdAt, fulfilledAt: r.fulfilledAt }));
  }

  async caseDocuments(submissionId: string, onlyVisible = false): Promise<CaseDocument[]> {
    const em = this.em.fork();
    const docs = await em.find(CaseDocumentEntity, { submissionId, ...(onlyVisible ? { visibleToApplicant: true } : {}) }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    const files = new Map((await em.find(AttachmentEntity, { id: { $in: docs.map((d) => d.attachmentId) } })).map((a) => [a.id, a]));
    return docs.flatMap((d) => {
      const file = files.get(d.attachmentId);
      return file
        ? [{ id: d.id, attachmentId: d.attachmentId, title: d.title, fileName: file.fileName, mediaType: file.mediaType, size: file.size, sha256: file.sha256, source: d.source, visibleToApplicant: d.visibleToApplicant, requestId: d.requestId, pointer: d.pointer, createdAt: d.createdAt }]
        : [];
    });
  }

  async applicantDocuments(referenceNumber: string): Promise<ApplicantDocument[]> {
    const submission = await this.em.fork().findOneOrFail(SubmissionEntity, { referenceNumber });
    return (await this.caseDocuments(submission.id, true)).map(({ id, title, mediaType, size, sha256, createdAt }) => ({ id, title, mediaType, size, sha256, createdAt }));
  }

  async applicantRequests(referenceNumber: string): Promise<DocumentRequest[]> {
    const submission = await this.em.fork().findOneOrFail(SubmissionEntity, { referenceNumber });
    return this.requestsOf(submission.id, true);
  }

  /** A document the applicant may download (visible, of this submission), with its file. */
  async applicantDownload(submission: SubmissionEntity, documentId: string): Promise<AttachmentEntity> {
    const em = this.em.fork();
    const doc = UUID.test(documentId) ? await em.findOne(CaseDocumentEntity, { id: documentId, submissionId: submission.id, visibleToApplicant: true }) : null;
    const file = doc ? await em.findOne(AttachmentEntity, { id: doc.attachmentId }) : null;
    if (!file) throw new LotseError(ErrorCode.NOT_FOUND, 'Dieses Dokument gibt es zu diesem Antrag nicht.', undefined, 'This document does not exist for this submission.');
    return file;
  }

  /** An attachment of a case the caseworker may see (sent with the form, on request, or added by staff). */
  async caseworkerDownload(principal: Principal, caseId: string, attachmentId: string): Promise<AttachmentEntity> {
    const submission = await this.cases.entity(principal, caseId);
    const file = UUID.test(attachmentId) ? await this.em.fork().findOne(AttachmentEntity, { id: attachmentId, submissionId: submission.id }) : null;
    if (!file) throw new LotseError(ErrorCode.NOT_FOUND, 'Diese Datei gibt es in diesem Vorgang nicht.', undefined, 'This file does not exist in this case.');
    return file;
  }
}
