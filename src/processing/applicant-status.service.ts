import { Injectable } from '@nestjs/common';
import { recordRetentionTrigger } from '../archive/retention-rules.js';
import { eraseWithdrawnCase } from '../archive/erasure.js';
import { EntityManager, LockMode } from '@mikro-orm/postgresql';
import { ErrorCode } from '../common/errors/error-code.js';
import { badUserInput, LotseError } from '../common/errors/lotse.error.js';
import { RateLimiterService } from '../common/rate-limit/rate-limiter.service.js';
import { accessCodeMatches } from '../submissions/access-code.js';
import { SubmissionEntity } from '../submissions/entities/submission.entity.js';
import { isValidReferenceNumber } from '../submissions/reference-number.js';
import { SubmissionStatus } from '../submissions/models/submission.model.js';
import { SubmissionEventEntity } from './entities/submission-event.entity.js';
import type { ApplicantStatus } from './models/applicant-status.model.js';
import { STATUS_LABELS, WITHDRAWABLE } from './workflow.js';
import { EventPublisher } from '../delivery/event-publisher.service.js';

const FAILURES_PER_HOUR = 10;
const HOUR = 3600;
/** Unknown reference and wrong code look the same. */
const notFound = () => new LotseError(ErrorCode.NOT_FOUND, 'Zu diesem Aktenzeichen und Zugangscode gibt es keinen Antrag.');

/** The applicant's view by reference number and access code, with a limit on failed attempts per reference. */
@Injectable()
export class ApplicantStatusService {
  constructor(
    private readonly em: EntityManager,
    private readonly limiter: RateLimiterService,
    private readonly events: EventPublisher,
  ) {}

  async status(referenceNumber: string, accessCode: string, locale: string): Promise<ApplicantStatus> {
    const submission = await this.authenticate(referenceNumber, accessCode);
    return this.view(submission, locale);
  }

  async withdraw(referenceNumber: string, accessCode: string, locale: string, reason?: string, erase = false): Promise<ApplicantStatus> {
    if (reason && reason.length > 2000) throw badUserInput('Die Begründung darf höchstens 2000 Zeichen haben.', { argument: 'reason' });
    const authenticated = await this.authenticate(referenceNumber, accessCode);
    await this.em.fork().transactional(async (em) => {
      // the rule is checked on the locked row, so a decision that lands meanwhile gives INVALID_TRANSITION, never a
      // withdrawal of a decided case
      const submission = await em.findOneOrFail(SubmissionEntity, { id: authenticated.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const from = submission.status as SubmissionStatus;
      if (!WITHDRAWABLE.has(from)) {
        throw new LotseError(ErrorCode.INVALID_TRANSITION, 'Nach einer Entscheidung kann der Antrag nicht mehr zurückgezogen werden.', { from });
      }
      const updated = await em.nativeUpdate(SubmissionEntity, { id: submission.id, version: submission.version }, { status: SubmissionStatus.WITHDRAWN, version: submission.version + 1, updatedAt: new Date() });
      if (updated === 0) throw new LotseError(ErrorCode.CONFLICT);
      em.create(SubmissionEventEntity, {
        submissionId: submission.id,
        kind: 'STATUS_CHANGED',
        actorType: 'APPLICANT',
        fromStatus: from,
        toStatus: SubmissionStatus.WITHDRAWN,
        publicNoteDe: reason ? `Vom Antragsteller zurückgezogen: ${reason}` : 'Vom Antragsteller zurückgezogen.',
      });
      await em.flush();
      await recordRetentionTrigger(em, submission, SubmissionStatus.WITHDRAWN, new Date());
      await this.events.submissionEvent(em, 'submission.status_changed', { ...submission, status: SubmissionStatus.WITHDRAWN, version: submission.version + 1 } as SubmissionEntity, { from, to: SubmissionStatus.WITHDRAWN });
      // the applicant's right to erasure: in the same transaction, with a deletion record (archive/erasure.ts)
      if (erase) await eraseWithdrawnCase(em, submission.id);
    });
    return this.view(await this.em.fork().findOneOrFail(SubmissionEntity, { id: authenticated.id }), locale);
  }

  /** The submission for a reference number and access code; NOT_FOUND for either wrong, with a limit on failures per reference. */
  async authenticate(referenceNumber: string, accessCode: string): Promise<SubmissionEntity> {
    const reference = referenceNumber.trim().toUpperCase();
    if (!isValidReferenceNumber(reference)) {
      throw badUserInput('Das Aktenzeichen ist nicht vollständig oder enthält einen Tippfehler (Prüfziffer passt nicht).', { argument: 'referenceNumber' });
    }
    const key = `status-failures:${reference}`;
    await this.limiter.check(key, FAILURES_PER_HOUR, HOUR);
    const submission = await this.em.fork().findOne(SubmissionEntity, { referenceNumber: reference });
    if (!submission || accessCode.length > 40 || !accessCodeMatches(accessCode, submission.accessCodeHash)) {
      await this.limiter.hit(key, Number.MAX_SAFE_INTEGER, HOUR);
      throw notFound();
    }
    return submission;
  }

  /**
   * A failed attempt on a reference found by other means (e.g. linking a submission another account holds): counted
   * like a wrong code, answered with the same NOT_FOUND.
   */
  async refuse(referenceNumber: string): Promise<never> {
    await this.limiter.hit(`status-failures:${referenceNumber.trim().toUpperCase()}`, Number.MAX_SAFE_INTEGER, HOUR);
    throw notFound();
  }

  /** What the applicant may see of a submission (also the citizen account's view of it). */
  async view(submission: SubmissionEntity, locale: string): Promise<ApplicantStatus> {
    const en = locale === 'en';
    const status = submission.status as SubmissionStatus;
    const events = await this.em.fork().find(SubmissionEventEntity, { submissionId: submission.id }, { orderBy: { createdAt: 'asc' } });
    return {
      referenceNumber: submission.referenceNumber,
      status,
      statusLabel: STATUS_LABELS[status][en ? 'en' : 'de'],
      locale: en ? 'en' : 'de',
      submittedAt: submission.submittedAt,
      expectedCompletion: submission.dueAt,
      outstandingDocuments: status === SubmissionStatus.DOCUMENTS_REQUESTED ? (submission.requestedDocuments ?? []) : [],
      withdrawable: WITHDRAWABLE.has(status),
      timeline: events
        .filter((e) => e.toStatus || e.publicNoteDe)
        .map((e) => ({
          at: e.createdAt,
          status: e.toStatus as SubmissionStatus | undefined,
          statusLabel: e.toStatus ? STATUS_LABELS[e.toStatus as SubmissionStatus][en ? 'en' : 'de'] : undefined,
          note: (en ? (e.publicNoteEn ?? e.publicNoteDe) : e.publicNoteDe) ?? undefined,
        })),
    };
  }
}
