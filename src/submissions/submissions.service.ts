import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { canonicalJson, sha256Hex } from '../common/canonical-json.js';
import { assertJsonBounds } from '../common/json-bounds.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { badUserInput, LotseError } from '../common/errors/lotse.error.js';
import { RateLimiterService } from '../common/rate-limit/rate-limiter.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { CatalogQueryService } from '../catalog/catalog-query.service.js';
import { resolvePointer } from '../catalog/catalog.checker.js';
import { FormsService } from '../forms/forms.service.js';
import { liveServiceId } from '../forms/entities/form-version.entity.js';
import { deriveAccessCode, hashAccessCode, newSalt } from './access-code.js';
import { DraftsService } from './drafts.service.js';
import type { SubmitFormInput } from './dto/submit-form.input.js';
import { IdempotencyKeyEntity } from './entities/idempotency-key.entity.js';
import { SubmissionEntity } from './entities/submission.entity.js';
import { SubmissionStatus, type SubmissionReceipt, type SubmissionValidationError } from './models/submission.model.js';
import { formatReferenceNumber } from './reference-number.js';
import { ReceiptAutomation } from './receipt-automation.js';
import { EventPublisher } from '../delivery/event-publisher.service.js';
import { addWorkingDays } from '../processing/workflow.js';
import { AttachmentBinder, AttachmentsInvalid } from '../attachments/attachment-binder.service.js';
import { toRjsfErrors } from '../forms/form-validator.js';
import type { CitizenPrincipal } from '../common/auth/access.guard.js';
import { CitizenAccounts } from '../auth/citizen-accounts.service.js';
import { reaches, AccountTrustLevel } from '../auth/trust-level.js';
import type { FormVersionEntity } from '../forms/entities/form-version.entity.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,200}$/;
const HOUR = 3600;

/** Submitting a form: validated, routed, stored exactly once per idempotency key. */
@Injectable()
export class SubmissionsService {
  private readonly logger = new Logger(SubmissionsService.name);

  constructor(
    private readonly em: EntityManager,
    private readonly forms: FormsService,
    private readonly drafts: DraftsService,
    private readonly catalog: CatalogQueryService,
    private readonly limiter: RateLimiterService,
    private readonly automation: ReceiptAutomation,
    private readonly events: EventPublisher,
    private readonly binder: AttachmentBinder,
    private readonly accounts: CitizenAccounts,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * The form's access rule against the caller: ACCOUNT_REQUIRED or TRUST_LEVEL_INSUFFICIENT (before anything is
   * read, counted or stored). Returns the citizen the submission is bound to (none for `account: none`).
   */
  static admit(form: FormVersionEntity, citizen: CitizenPrincipal | undefined): CitizenPrincipal | undefined {
    const access = form.data.access ?? { account: 'optional' as const };
    if (access.account === 'required') {
      if (!citizen) throw new LotseError(ErrorCode.ACCOUNT_REQUIRED, undefined, { required: access.minTrustLevel ?? AccountTrustLevel.BASIS });
      const required = (access.minTrustLevel ?? AccountTrustLevel.BASIS) as AccountTrustLevel;
      if (!reaches(citizen.trustLevel, required)) throw new LotseError(ErrorCode.TRUST_LEVEL_INSUFFICIENT, undefined, { required, actual: citizen.trustLevel });
    }
    return access.account === 'none' ? undefined : citizen;
  }

  async submit(input: SubmitFormInput, idempotencyKey: string, clientAddress: string, caller?: CitizenPrincipal): Promise<SubmissionReceipt | SubmissionValidationError> {
    if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw badUserInput('Der Idempotenzschlüssel muss 8 bis 200 Zeichen aus Buchstaben, Ziffern und _.:- haben (z. B. eine UUID).', { argument: 'idempotencyKey' });
    }
    const locale = input.locale ?? 'de';
    if (!/^[a-z]{2}$/.test(locale)) throw badUserInput('Die Sprache muss ein Kürzel wie de oder en sein.', { argument: 'locale' });
    const form = await this.forms.submittable(input.formId, input.version);
    const citizen = SubmissionsService.admit(form, caller);
    let data = input.data;
    if (data === undefined || data === null) {
      if (!input.resumeToken) throw badUserInput('Bitte Formulardaten oder einen Entwurf (resumeToken) angeben.', { argument: 'data' });
      // a citizen's draft is theirs: another account (or anonymous) cannot submit it even with its token
      data = await this.drafts.dataFor(input.resumeToken, input.formId, input.version, caller ? await this.accounts.find(caller) : undefined);
    }
    if (typeof data !== 'object' || Array.isArray(data)) throw new LotseError(ErrorCode.FORM_DATA_NOT_OBJECT);
    assertJsonBounds(data); // also when called without the JSON scalar (drafts, scripts)
    const canonical = canonicalJson(data);
    const accountId = citizen ? await this.accounts.ensure(citizen) : undefined;
    // the account is part of the request: another account's key gives IDEMPOTENCY_CONFLICT, never the first receipt
    const requestHash = sha256Hex(canonicalJson({ formId: form.formId, version: form.version, locale, data, ...(accountId ? { account: accountId } : {}) }));

    const replay = await this.replay(idempotencyKey, requestHash);
    if (replay) return replay;

    await this.limiter.hit(`submit:${clientAddress}`, this.config.submitRateLimitPerHour, HOUR);
    const outcome = this.forms.validate(form, data, locale);
    if (!outcome.valid) {
      return {
        message: locale === 'en' ? 'The form has errors; nothing was submitted.' : 'Das Formular enthält Fehler; es wurde nichts übermittelt.',
        errors: outcome.errors,
        rjsfErrors: outcome.rjsfErrors,
        truncated: outcome.truncated,
      };
    }

    const agsField = form.data.routing?.agsField;
    const ags = agsField ? (resolvePointer(data, agsField) as string | undefined) : undefined;
    const fixed = form.data.routing?.organisation;
    const route = await this.catalog.routeSubmission(liveServiceId(form), ags, fixed);

    let stored: SubmissionEntity | undefined;
    try {
      stored = await this.em.fork().transactional(async (em) => {
        // claims the key, or takes over an expired one; a live key of a concurrent request makes this wait, then return nothing
        const claimed = await em.execute<Array<{ key: string }>>(
          `insert into "submission_idempotency_key" ("key", "request_hash", "created_at", "expires_at")
           values (?, ?, now(), now() + make_interval(hours => ?))
           on conflict ("key") do update set "request_hash" = excluded."request_hash", "created_at" = excluded."created_at",
             "expires_at" = excluded."expires_at", "submission_id" = null
           where "submission_idempotency_key"."expires_at" < now()
           returning "key"`,
          [idempotencyKey, requestHash, this.config.idempotencyTtlHours],
        );
        if (claimed.length === 0) return undefined; // a concurrent request with the same key won
        const submittedAt = new Date();
        const year = Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Berlin', year: 'numeric' }).format(submittedAt));
        const [{ value }] = await em.execute<Array<{ value: string }>>(`select nextval('submission_reference_seq') as "value"`);
        const salt = newSalt();
        const submission = em.create(SubmissionEntity, {
          referenceNumber: formatReferenceNumber(this.config.referencePrefix, year, Number(value)),
          accessCodeSalt: salt,
          accessCodeHash: hashAccessCode(deriveAccessCode(this.config.accessCodeSecret, salt)),
          formId: form.formId,
          formVersion: form.version,
          serviceId: liveServiceId(form),
          serviceVersion: route.serviceVersion,
          organisationId: route.organisationId,
          ags,
          locale,
          data: data as Record<string, unknown>,
          canonicalJson: canonical,
          sha256: sha256Hex(canonical),
          submittedAt,
          dueAt: route.processingDays !== undefined ? addWorkingDays(submittedAt, route.processingDays) : undefined,
          citizenAccountId: accountId,
          trustLevel: citizen?.trustLevel,
        });
        await em.flush();
        const attachments = await this.binder.bind(em, submission, form.publishedSchema, data, locale);
        await this.automation.onReceipt(em, submission, form);
        await this.events.submissionEvent(em, 'submission.received', submission, { data: submission.data, sha256: submission.sha256, submittedAt: submission.submittedAt.toISOString(), attachments });
        await em.execute('update "submission_idempotency_key" set "submission_id" = ? where "key" = ?', [submission.id, idempotencyKey]);
        return submission;
      });
    } catch (error) {
      if (!(error instanceof AttachmentsInvalid)) throw error;
      return {
        message: locale === 'en' ? 'Some attachments were refused; nothing was submitted.' : 'Einige Anhänge wurden nicht angenommen; es wurde nichts übermittelt.',
        errors: error.errors,
        rjsfErrors: toRjsfErrors(error.errors),
        truncated: false,
      };
    }
    if (!stored) {
      const again = await this.replay(idempotencyKey, requestHash);
      if (again) return again;
      throw new LotseError(ErrorCode.CONFLICT);
    }
    if (input.resumeToken) await this.drafts.discard(input.resumeToken);
    this.logger.log({ msg: 'submission received', referenceNumber: stored.referenceNumber, formId: stored.formId, organisationId: stored.organisationId });
    return this.receipt(stored);
  }

  /** The earlier receipt for this key, IDEMPOTENCY_CONFLICT for another payload, undefined for a new key. */
  private async replay(key: string, requestHash: string): Promise<SubmissionReceipt | undefined> {
    const em = this.em.fork();
    const existing = await em.findOne(IdempotencyKeyEntity, { key, expiresAt: { $gt: new Date() } });
    if (!existing) return undefined;
    if (existing.requestHash !== requestHash) throw new LotseError(ErrorCode.IDEMPOTENCY_CONFLICT);
    if (!existing.submissionId) return undefined;
    const submission = await em.findOneOrFail(SubmissionEntity, { id: existing.submissionId });
    return this.receipt(submission);
  }

  private receipt(s: SubmissionEntity): SubmissionReceipt {
    return {
      referenceNumber: s.referenceNumber,
      accessCode: deriveAccessCode(this.config.accessCodeSecret, s.accessCodeSalt),
      submittedAt: s.submittedAt,
      status: s.status as SubmissionStatus,
      formId: s.formId,
      formVersion: s.formVersion,
      organisationId: s.organisationId,
    };
  }
}
