import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { canonicalJson, canonicalMembers, sha256Hex } from '../common/canonical-json.js';
import { assertJsonBounds } from '../common/json-bounds.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { badUserInput, LotseError } from '../common/errors/lotse.error.js';
import { RateLimiterService } from '../common/rate-limit/rate-limiter.service.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { CatalogQueryService } from '../catalog/catalog-query.service.js';
import { resolvePointer } from '../catalog/catalog.checker.js';
import { FormsService } from '../forms/forms.service.js';
import { liveServiceId, type FormVersionEntity } from '../forms/entities/form-version.entity.js';
import { deriveAccessCode, hashAccessCode, newSalt } from './access-code.js';
import { DraftsService } from './drafts.service.js';
import type { SubmitFormInput } from './dto/submit-form.input.js';
import { SubmissionEntity } from './entities/submission.entity.js';
import { SubmissionStatus, type SubmissionReceipt, type SubmissionValidationError } from './models/submission.model.js';
import { ReceiptAutomation } from './receipt-automation.js';
import { EventPublisher } from '../delivery/event-publisher.service.js';
import { EXPORT_QUEUE, QueueService, type JobInsert } from '../delivery/queue.service.js';
import { attachmentRefs } from '../attachments/attachment-rules.js';
import { addWorkingDays } from '../processing/workflow.js';
import { AttachmentBinder, AttachmentsInvalid } from '../attachments/attachment-binder.service.js';
import { toRjsfErrors } from '../forms/form-validator.js';
import type { CitizenPrincipal } from '../common/auth/access.guard.js';
import { CitizenAccounts } from '../auth/citizen-accounts.service.js';
import { reaches, AccountTrustLevel } from '../auth/trust-level.js';
import { executePrepared } from '../database/prepared-statements.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,200}$/;
const HOUR = 3600;
const BERLIN_YEAR = new Intl.DateTimeFormat('en', { timeZone: 'Europe/Berlin', year: 'numeric' });

/** Stands for the reference number in the receipt's notes until the statement has drawn it. */
const REFERENCE_MARKER = '{Aktenzeichen}';

/** Claims the idempotency key (new, or taking over an expired one); no row when the key is live. */
const CLAIM = `"claim" as (
    insert into "submission_idempotency_key" ("key", "request_hash", "submission_id", "created_at", "expires_at")
    values (?, ?, null, now(), now() + make_interval(hours => ?))
    on conflict ("key") do update set "request_hash" = excluded."request_hash", "submission_id" = null,
      "created_at" = excluded."created_at", "expires_at" = excluded."expires_at"
    where "submission_idempotency_key"."expires_at" < now()
    returning "key")`;

/**
 * The same claim for the single statement: the key points at the submission at once (the statement is atomic), and
 * nothing is claimed when the organisation has an active webhook (`guard`) or the rate limit is exceeded (`%LIMIT%`).
 */
const DIRECT_CLAIM = `"claim" as (
    insert into "submission_idempotency_key" ("key", "request_hash", "submission_id", "created_at", "expires_at")
    select ?, ?, ?::uuid, now(), now() + make_interval(hours => ?) where not (select "hooks" from "guard")%LIMIT%
    on conflict ("key") do update set "request_hash" = excluded."request_hash", "submission_id" = excluded."submission_id",
      "created_at" = excluded."created_at", "expires_at" = excluded."expires_at"
    where "submission_idempotency_key"."expires_at" < now()
    returning "key")`;

/** An idempotency key's live (unexpired) row: the hash of its payload and, once stored, its submission. */
const LIVE_KEY = `select "request_hash", "submission_id" from "submission_idempotency_key" where "key" = ? and "expires_at" > now()`;

/**
 * The condition for counting a submit hit (RateLimiterService.foldedHit): only for a new key, none for a replay (the
 * live key has its submission) or a conflict (another payload). `liveKey` is a relation of LIVE_KEY's row; the
 * condition's parameter is the request's hash.
 */
const newKey = (liveKey: string) => `not exists (select 1 from ${liveKey} k where k."request_hash" <> ? or k."submission_id" is not null)`;

/** Whether the organisation has an active webhook (then the receipt needs the transaction with its deliveries). */
const GUARD = `"guard" as materialized (select exists (select 1 from "webhook_subscription" where "organisation_id" = ? and "active") as "hooks")`;

/**
 * Draws the new submission's reference number once the key is claimed (lotse_reference_number: the same as
 * formatReferenceNumber) and stores the submission.
 */
const STORE = `"number" as materialized (select "lotse_reference_number"(?, ?, nextval('submission_reference_seq')) as "reference_number" from "claim"),
  "s" as (insert into "submission" ("id", "created_at", "updated_at", "reference_number", "access_code_salt", "access_code_hash",
      "form_id", "form_version", "service_id", "service_version", "organisation_id", "ags", "locale", "status", "version", "data",
      "canonical_json", "sha256", "submitted_at", "due_at", "requested_documents", "citizen_account_id", "trust_level")
    select ?::uuid, ?::timestamptz, ?::timestamptz, "reference_number", ?, ?, ?, ?, ?, ?::int, ?, ?, ?, ?, ?::int, ?::jsonb, ?, ?,
      ?::timestamptz, ?::timestamptz, ?::jsonb, ?::uuid, ? from "number" returning 1)`;

const INSERT_EVENTS = `insert into "submission_event" ("id", "created_at", "updated_at", "submission_id", "kind", "actor_type", "from_status",
    "to_status", "public_note_de", "public_note_en", "items")`;

const EVENT_ROW = `select ?::uuid, ?::timestamptz, ?::timestamptz, ?::uuid, ?, ?, ?, ?, replace(?, ?, "reference_number"), replace(?, ?, "reference_number"), ?::jsonb from "number"`;

/** The submission as stored by submitForm (what the receipt, the binder and the event need). */
interface StoredSubmission {
  id: string;
  referenceNumber: string;
  accessCodeSalt: string;
  /** derived from the salt when stored (spares the receipt a second HMAC) */
  accessCode?: string;
  formId: string;
  formVersion: string;
  serviceId: string;
  organisationId: string;
  locale: string;
  data: Record<string, unknown>;
  sha256: string;
  submittedAt: Date;
  status: string;
  version: number;
  requestedDocuments?: string[];
}

type SubmissionRoute = Awaited<ReturnType<CatalogQueryService['routeSubmission']>>;

interface StoreRequest {
  idempotencyKey: string;
  requestHash: string;
  locale: string;
  data: Record<string, unknown>;
  canonical: string;
  ags?: string;
  route: SubmissionRoute;
  accountId?: string;
  trustLevel?: string;
}

interface ReplayRow {
  /** null: no live key */
  request_hash: string | null;
  /** hits in the rate-limit window after this one was counted (null: not counted) */
  hits?: number | null;
  reference_number: string | null;
  access_code_salt: string;
  submitted_at: string | Date;
  status: string;
  form_id: string;
  form_version: string;
  organisation_id: string;
}

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
    private readonly queue: QueueService,
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
    const requestHash = sha256Hex(
      canonicalMembers({ formId: JSON.stringify(form.formId), version: JSON.stringify(form.version), locale: JSON.stringify(locale), data: canonical, ...(accountId ? { account: JSON.stringify(accountId) } : {}) }),
    );

    const rateKey = `submit:${clientAddress}`;
    const job = await this.direct(form, data as Record<string, unknown>);
    // The earlier receipt for this key, or IDEMPOTENCY_CONFLICT; for a new key, the hit is counted in the same
    // statement. Asked once: first of all without the single statement (which checks the key itself); with it, before
    // answering with validation or routing errors (a replay is answered even when its data would no longer validate
    // or route today) and before falling back to the transaction.
    let keyChecked = false;
    const earlierReceipt = async () => {
      if (keyChecked) return undefined;
      keyChecked = true;
      return this.replay(idempotencyKey, requestHash, rateKey);
    };
    if (!job) {
      const replay = await earlierReceipt();
      if (replay) return replay;
    }
    const outcome = this.forms.validate(form, data, locale);
    if (!outcome.valid) {
      const replay = await earlierReceipt();
      if (replay) return replay;
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
    const route = await this.catalog.routeSubmission(liveServiceId(form), ags, fixed).catch(async (error: unknown) => {
      const replay = await earlierReceipt();
      if (replay) return replay;
      throw error;
    });
    if ('referenceNumber' in route) return route;

    const request: StoreRequest = { idempotencyKey, requestHash, locale, data: data as Record<string, unknown>, canonical, ags, route, accountId, trustLevel: citizen?.trustLevel };
    let stored: StoredSubmission | undefined;
    try {
      const direct = job ? await this.storeDirect(form, request, job, rateKey) : 'HOOKS';
      if (direct === 'HOOKS') {
        // the organisation has webhooks (or the receipt needs more than the single statement): the transaction
        const replay = await earlierReceipt();
        if (replay) return replay;
        stored = await this.store(form, request);
      } else stored = direct;
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

  /**
   * What both ways of storing write: the submission with its status after receipt, the receipt's events and its
   * document request, as CTEs after `claim` and `number` (their SQL and parameters), and the stored submission.
   */
  private rowsOf(form: FormVersionEntity, request: StoreRequest): { id: string; ctes: string; params: unknown[]; submission: Omit<StoredSubmission, 'referenceNumber'> } {
    const { data, route } = request;
    const id = randomUUID();
    const salt = newSalt();
    const accessCode = deriveAccessCode(this.config.accessCodeSecret, salt);
    const accessCodeHash = hashAccessCode(accessCode);
    const sha256 = sha256Hex(request.canonical);
    const submittedAt = new Date();
    const year = Number(BERLIN_YEAR.format(submittedAt));
    // the events' notes name the reference number, which the statement draws: a marker stands for it
    const plan = this.automation.plan({ referenceNumber: REFERENCE_MARKER, data }, form);
    const serviceId = liveServiceId(form);
    const requestedDocuments = plan.missing.length > 0 ? plan.missing : undefined;
    const params: unknown[] = [
      this.config.referencePrefix, year,
      id, submittedAt, submittedAt, salt, accessCodeHash, form.formId, form.version, serviceId, route.serviceVersion ?? null, route.organisationId,
      request.ags ?? null, request.locale, plan.status, plan.version, JSON.stringify(data), request.canonical, sha256, submittedAt,
      route.processingDays !== undefined ? addWorkingDays(submittedAt, route.processingDays) : null, requestedDocuments ? JSON.stringify(requestedDocuments) : null,
      request.accountId ?? null, request.trustLevel ?? null,
    ];
    // one millisecond apart, so that the history lists them in this order (a loop, not a map callback: a closure made
    // per submission loses its optimised code at every full GC, see common/canonical-json.ts)
    const events: string[] = [];
    for (let i = 0; i < plan.events.length; i++) {
      const e = plan.events[i];
      const at = new Date(submittedAt.getTime() + i);
      params.push(randomUUID(), at, at, id, e.kind, e.actorType, e.fromStatus ?? null, e.toStatus ?? null, e.publicNoteDe ?? null, REFERENCE_MARKER, e.publicNoteEn ?? null, REFERENCE_MARKER, e.items ? JSON.stringify(e.items) : null);
      events.push(EVENT_ROW);
    }
    let documentRequest = '';
    if (requestedDocuments) {
      params.push(randomUUID(), submittedAt, submittedAt, id, JSON.stringify(requestedDocuments));
      documentRequest = `, "d" as (insert into "document_request" ("id", "created_at", "updated_at", "submission_id", "items", "status")
        select ?::uuid, ?::timestamptz, ?::timestamptz, ?::uuid, ?::jsonb, 'OPEN' from "number" returning 1)`;
    }
    return {
      id,
      ctes: `${STORE}, "e" as (${INSERT_EVENTS} ${events.join(' union all ')} returning 1)${documentRequest}`,
      params,
      submission: {
        id,
        accessCodeSalt: salt,
        accessCode,
        formId: form.formId,
        formVersion: form.version,
        serviceId,
        organisationId: route.organisationId,
        locale: request.locale,
        data,
        sha256,
        submittedAt,
        status: plan.status,
        version: plan.version,
        requestedDocuments,
      },
    };
  }

  /**
   * Whether a submission can be stored by the single statement (`storeDirect`): its receipt writes nothing but the
   * rows of that statement and the export job. Not when the data binds uploads, the applicant gets an e-mail, a receipt
   * hook is set (FIT-Connect), or the queue is off; an organisation's webhooks are checked in the statement itself.
   */
  private async direct(form: FormVersionEntity, data: Record<string, unknown>): Promise<JobInsert | undefined> {
    if (this.events.receiptHooked) return undefined;
    if (this.queue.mailEnabled && form.data.notify?.emailField) return undefined;
    if (attachmentRefs(form.publishedSchema, data).length > 0) return undefined;
    return this.queue.jobInsert(EXPORT_QUEUE);
  }

  /**
   * Stores a submission in one statement (atomic without BEGIN/COMMIT, one round trip, prepared): count the rate
   * limit's hit for a new key, claim the key pointing at the submission, draw the reference number, insert the
   * submission, its events and document request, and the export job with pg-boss's own INSERT. `HOOKS` (nothing
   * written, no hit counted) when the organisation has an active webhook: then the transaction of `store` runs, which
   * writes the deliveries with the receipt. Undefined when the key is live (nothing written).
   */
  private async storeDirect(form: FormVersionEntity, request: StoreRequest, job: JobInsert, rateKey: string): Promise<StoredSubmission | 'HOOKS' | undefined> {
    const limit = this.config.submitRateLimitPerHour;
    const { id, ctes, params, submission } = this.rowsOf(form, request);
    const head: unknown[] = [request.route.organisationId];
    let hit = '';
    if (limit > 0) {
      hit = `, "hit" as (${RateLimiterService.foldedHit(`where not (select "hooks" from "guard") and ${newKey(`(${LIVE_KEY})`)}`)})`;
      head.push(rateKey, HOUR, HOUR, request.idempotencyKey, request.requestHash);
    }
    head.push(request.idempotencyKey, request.requestHash, id, this.config.idempotencyTtlHours);
    if (limit > 0) head.push(limit);
    const claim = DIRECT_CLAIM.replace('%LIMIT%', limit > 0 ? ` and coalesce((select "count" from "hit"), 0) <= ?` : '');
    // pg-boss's INSERT, its JSON taken from "number": no row (nothing inserted) when the key was not claimed
    const jobCte = `"job" as (${job.text.replace(job.parameter, `(select ?::text from "number")::json`)})`;
    const sql = `with ${GUARD}${hit}, ${claim}, ${ctes}, ${jobCte}
      select (select "reference_number" from "number") as "reference_number", (select "hooks" from "guard") as "hooks"${limit > 0 ? `, (select "count" from "hit") as "hits"` : ''}`;
    const [row] = await executePrepared<{ reference_number: string | null; hooks: boolean; hits?: number | null }>(this.em, sql, [...head, ...params, job.payload(id)]);
    if (row.hooks) return 'HOOKS';
    if (limit > 0) await this.limiter.counted(row.hits ?? undefined, limit, HOUR);
    if (!row.reference_number) return undefined;
    return { ...submission, referenceNumber: row.reference_number };
  }

  /**
   * Stores a submission in one transaction of three statements: (1) claim the idempotency key, draw the reference
   * number, and store the submission with its status after receipt, the receipt's events and document request, reading
   * the organisation's webhooks on the way; (2) the export job (pg-boss, the outbox); (3) point the key at the
   * submission. Attachments, webhooks and the applicant's e-mail add their statements only when the form or the
   * organisation has them. Undefined when a live key of a concurrent request won (then nothing was written).
   */
  private async store(form: FormVersionEntity, request: StoreRequest): Promise<StoredSubmission | undefined> {
    const { data, route } = request;
    const { id, ctes, params, submission: rows } = this.rowsOf(form, request);
    const sql = `with ${CLAIM}, ${ctes}
      select n."reference_number", w."id", w."url", w."event_types" from "number" n
      left join "webhook_subscription" w on w."organisation_id" = ? and w."active"`;
    return this.em.fork().transactional(async (em) => {
      // a live key of a concurrent request makes this wait, then return no row
      const result = await executePrepared<{ reference_number: string; id: string | null; url: string; event_types: string[] | null }>(em, sql, [
        request.idempotencyKey, request.requestHash, this.config.idempotencyTtlHours, ...params, route.organisationId,
      ]);
      if (result.length === 0) return undefined;
      const submission: StoredSubmission = { ...rows, referenceNumber: result[0].reference_number };
      const attachments = await this.binder.bind(em, submission, form.publishedSchema, data, request.locale);
      const subscriptions = result.filter((r) => r.id !== null).map((r) => ({ id: r.id!, url: r.url, eventTypes: r.event_types }));
      await this.events.submissionEvent(
        em,
        'submission.received',
        submission as unknown as SubmissionEntity,
        { data, sha256: submission.sha256, submittedAt: submission.submittedAt.toISOString(), attachments },
        { subscriptions, formData: form.data },
      );
      // last: the key points at the submission once everything else is written
      await executePrepared(em, 'update "submission_idempotency_key" set "submission_id" = ? where "key" = ?', [id, request.idempotencyKey]);
      return submission;
    });
  }

  /**
   * The earlier receipt for this key, IDEMPOTENCY_CONFLICT for another payload, undefined for a new key. In the same
   * statement, with `rateKey` and a submit rate limit set, a new key counts one hit (a replay or a conflict counts none).
   */
  private async replay(key: string, requestHash: string, rateKey?: string): Promise<SubmissionReceipt | undefined> {
    const limit = this.config.submitRateLimitPerHour;
    const counting = rateKey !== undefined && limit > 0;
    const [existing] = await executePrepared<ReplayRow>(
      this.em,
      `with "k" as (${LIVE_KEY})
       ${counting ? `, "hit" as (${RateLimiterService.foldedHit(`where ${newKey('"k"')}`)})` : ''}
       select k."request_hash", s."reference_number", s."access_code_salt", s."submitted_at", s."status", s."form_id", s."form_version", s."organisation_id"
         ${counting ? `, (select "count" from "hit") as "hits"` : ''}
       from (select 1) as "one" left join "k" on true left join "submission" s on s."id" = k."submission_id"`,
      counting ? [key, rateKey, HOUR, HOUR, requestHash] : [key],
    );
    if (existing.request_hash === null) {
      await this.limiter.counted(existing.hits ?? undefined, limit, HOUR);
      return undefined;
    }
    if (existing.request_hash !== requestHash) throw new LotseError(ErrorCode.IDEMPOTENCY_CONFLICT);
    if (!existing.reference_number) {
      await this.limiter.counted(existing.hits ?? undefined, limit, HOUR);
      return undefined;
    }
    return this.receipt({
      referenceNumber: existing.reference_number,
      accessCodeSalt: existing.access_code_salt,
      submittedAt: new Date(existing.submitted_at),
      status: existing.status,
      formId: existing.form_id,
      formVersion: existing.form_version,
      organisationId: existing.organisation_id,
    });
  }

  private receipt(s: Pick<StoredSubmission, 'referenceNumber' | 'accessCodeSalt' | 'accessCode' | 'submittedAt' | 'status' | 'formId' | 'formVersion' | 'organisationId'>): SubmissionReceipt {
    return {
      referenceNumber: s.referenceNumber,
      accessCode: s.accessCode ?? deriveAccessCode(this.config.accessCodeSecret, s.accessCodeSalt),
      submittedAt: s.submittedAt,
      status: s.status as SubmissionStatus,
      formId: s.formId,
      formVersion: s.formVersion,
      organisationId: s.organisationId,
    };
  }
}
