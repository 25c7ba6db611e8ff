import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { CitizenAccounts } from '../auth/citizen-accounts.service.js';
import { reaches, AccountTrustLevel } from '../auth/trust-level.js';
import type { CitizenPrincipal } from '../common/auth/access.guard.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { LotseError } from '../common/errors/lotse.error.js';
import { assertPageSize, decodeCursor, encodeCursor } from '../common/pagination/cursor.js';
import { RateLimiterService } from '../common/rate-limit/rate-limiter.service.js';
import { FitConnectDeliveryEntity } from '../fitconnect/entities/fit-connect-delivery.entity.js';
import { DeliveryState } from '../fitconnect/models.js';
import { FormVersionEntity } from '../forms/entities/form-version.entity.js';
import { ApplicantStatusService } from '../processing/applicant-status.service.js';
import { STATUS_LABELS } from '../processing/workflow.js';
import { SubmissionEntity } from '../submissions/entities/submission.entity.js';
import { SubmissionStatus } from '../submissions/models/submission.model.js';
import type { MyApplication, MyApplicationConnection, MyApplicationDelivery, MyApplicationFilter } from './models/my-application.model.js';

const HOUR = 3600;
export const LINK_FAILURES_PER_ACCOUNT_AND_HOUR = 20;
const REFERENCE = /^[A-Z0-9-]{5,40}$/;

/** An unknown reference and another account's reference give exactly this (never a hint that it exists). */
export const notInAccount = () =>
  new LotseError(ErrorCode.NOT_FOUND, 'Zu diesem Aktenzeichen gibt es in Ihrem Nutzerkonto keinen Antrag.', undefined, 'There is no application with this reference number in your account.');

/**
 * The citizen's own applications: submitted signed in, or linked with reference number and access code. A submission
 * of a higher trust level than the current sign-in is listed as locked and cannot be opened.
 */
@Injectable()
export class MyApplicationsService {
  constructor(
    private readonly em: EntityManager,
    private readonly accounts: CitizenAccounts,
    private readonly applicants: ApplicantStatusService,
    private readonly limiter: RateLimiterService,
  ) {}

  async list(citizen: CitizenPrincipal, filter: MyApplicationFilter | undefined, first: number | undefined, after: string | undefined, locale: string): Promise<MyApplicationConnection> {
    const size = assertPageSize(first);
    const position = after ? decodeCursor(after) : undefined;
    const accountId = await this.accounts.find(citizen);
    if (!accountId) return { edges: [], totalCount: 0, pageInfo: { hasNextPage: false, hasPreviousPage: !!position } };
    const em = this.em.fork();
    const where: Record<string, unknown> = { citizenAccountId: accountId, ...(filter?.status ? { status: filter.status } : {}) };
    const totalCount = await em.count(SubmissionEntity, where);
    const page = position ? { ...where, $or: [{ submittedAt: { $lt: new Date(position[0]) } }, { submittedAt: new Date(position[0]), id: { $gt: position[2] } }] } : where;
    const rows = await em.find(SubmissionEntity, page, { orderBy: { submittedAt: 'desc', id: 'asc' }, limit: size + 1 });
    const nodes = await this.toApplications(em, rows.slice(0, size), citizen, locale);
    const edges = nodes.map((node) => ({ cursor: encodeCursor([node.submittedAt.getTime(), '', node.submissionId]), node }));
    return { edges, totalCount, pageInfo: { hasNextPage: rows.length > size, hasPreviousPage: !!position, startCursor: edges[0]?.cursor, endCursor: edges.at(-1)?.cursor } };
  }

  async get(citizen: CitizenPrincipal, referenceNumber: string, locale: string): Promise<MyApplication> {
    const submission = await this.openable(citizen, referenceNumber);
    return (await this.toApplications(this.em.fork(), [submission], citizen, locale))[0];
  }

  /** The account's submission for this reference, readable at this sign-in's level (TRUST_LEVEL_INSUFFICIENT otherwise). */
  async openable(citizen: CitizenPrincipal, referenceNumber: string): Promise<SubmissionEntity> {
    const submission = await this.owned(citizen, referenceNumber);
    const required = (submission.trustLevel ?? AccountTrustLevel.BASIS) as AccountTrustLevel;
    if (!reaches(citizen.trustLevel, required)) throw new LotseError(ErrorCode.TRUST_LEVEL_INSUFFICIENT, undefined, { required, actual: citizen.trustLevel });
    return submission;
  }

  /** The account's submission for this reference; anything else (unknown, malformed, another account's): notInAccount. */
  private async owned(citizen: CitizenPrincipal, referenceNumber: string): Promise<SubmissionEntity> {
    const reference = referenceNumber.trim().toUpperCase();
    const accountId = REFERENCE.test(reference) ? await this.accounts.find(citizen) : undefined;
    const submission = accountId ? await this.em.fork().findOne(SubmissionEntity, { referenceNumber: reference, citizenAccountId: accountId }) : null;
    if (!submission) throw notInAccount();
    return submission;
  }

  /**
   * Links a submission made without an account: idempotent for the same account; a wrong code, an unknown reference
   * and a submission linked to another account all give the same NOT_FOUND as submissionStatus, and count as failures
   * for the reference (10 per hour, shared with submissionStatus) and for the account (20 per hour).
   */
  async link(citizen: CitizenPrincipal, referenceNumber: string, accessCode: string, locale: string): Promise<MyApplication> {
    const accountId = await this.accounts.ensure(citizen);
    const failures = `link-failures:${accountId}`;
    await this.limiter.check(failures, LINK_FAILURES_PER_ACCOUNT_AND_HOUR, HOUR);
    let submission: SubmissionEntity;
    try {
      submission = await this.applicants.authenticate(referenceNumber, accessCode);
    } catch (error) {
      if (error instanceof LotseError && error.code === ErrorCode.NOT_FOUND) await this.limiter.hit(failures, Number.MAX_SAFE_INTEGER, HOUR);
      throw error;
    }
    const em = this.em.fork();
    const bound = await em.getConnection().execute<Array<{ id: string }>>(
      `update "submission" set "citizen_account_id" = ?, "updated_at" = now() where "id" = ? and ("citizen_account_id" is null or "citizen_account_id" = ?) returning "id"`,
      [accountId, submission.id, accountId],
    );
    if (bound.length === 0) {
      await this.limiter.hit(failures, Number.MAX_SAFE_INTEGER, HOUR);
      return this.applicants.refuse(submission.referenceNumber);
    }
    const linked = await em.findOneOrFail(SubmissionEntity, { id: submission.id });
    return (await this.toApplications(em, [linked], citizen, locale))[0];
  }

  /** Removes a submission from the account (the access code keeps working); needs the submission's trust level. */
  async unlink(citizen: CitizenPrincipal, referenceNumber: string): Promise<boolean> {
    const submission = await this.openable(citizen, referenceNumber);
    await this.em.fork().nativeUpdate(SubmissionEntity, { id: submission.id, citizenAccountId: submission.citizenAccountId }, { citizenAccountId: null, updatedAt: new Date() });
    return true;
  }

  /** The submission behind a list entry, for the field resolvers (timeline, documents). */
  entity(application: MyApplication): Promise<SubmissionEntity> {
    return this.em.fork().findOneOrFail(SubmissionEntity, { id: application.submissionId });
  }

  /**
   * Where the FIT-Connect delivery of the submission stands; null while the submission is not delivered that way.
   * The most recently changed delivery (state and time of its last change).
   */
  async deliveryOf(submissionId: string): Promise<MyApplicationDelivery | null> {
    const [latest] = await this.em.fork().find(FitConnectDeliveryEntity, { submissionId }, { orderBy: { updatedAt: 'desc' }, limit: 1 });
    return latest ? { state: latest.state as DeliveryState, updatedAt: latest.updatedAt } : null;
  }

  private async toApplications(em: EntityManager, rows: SubmissionEntity[], citizen: CitizenPrincipal, locale: string): Promise<MyApplication[]> {
    const en = locale === 'en';
    const forms = new Map((await em.find(FormVersionEntity, { id: { $in: [...new Set(rows.map((r) => `${r.formId}@${r.formVersion}`))] } })).map((f) => [f.id, f]));
    return rows.map((row) => {
      const status = row.status as SubmissionStatus;
      const title = forms.get(`${row.formId}@${row.formVersion}`)?.data.title;
      return {
        submissionId: row.id,
        referenceNumber: row.referenceNumber,
        formId: row.formId,
        title: (title && (title[locale] ?? title.de)) ?? row.formId,
        submittedAt: row.submittedAt,
        status,
        statusLabel: STATUS_LABELS[status][en ? 'en' : 'de'],
        trustLevel: (row.trustLevel as AccountTrustLevel | undefined) ?? undefined,
        locked: !reaches(citizen.trustLevel, (row.trustLevel ?? AccountTrustLevel.BASIS) as AccountTrustLevel),
        locale: en ? 'en' : 'de',
      };
    });
  }
}
