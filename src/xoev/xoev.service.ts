import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { ErrorCode } from '../common/errors/error-code.js';
import { LotseError } from '../common/errors/lotse.error.js';
import { projectRoot } from '../common/project-root.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import type { FormVersionEntity } from '../forms/entities/form-version.entity.js';
import type { FormSchemaNode } from '../forms/form.types.js';
import { FormsService } from '../forms/forms.service.js';
import type { SubmissionEntity } from '../submissions/entities/submission.entity.js';
import { formNamespace, formXsd } from './form-xsd.js';
import { buildMessage, type MessageAttachment } from './message.builder.js';
import { ApplicationFiles, applicationFilesSql, type ApplicationFile } from '../attachments/application-files.js';
import type { WebhookSubscriptionEntity } from '../delivery/entities/webhook-subscription.entity.js';
import { MessageFormCache, type MessageForm } from './message-schemas.js';
import { validateAgainstXsd } from './xml-validator.js';
import { executePrepared, preparedTransaction } from '../database/prepared-statements.js';
import type { SubmissionExportEntity } from './entities/submission-export.entity.js';

const VERSION: string = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')).version;

export interface XoevExport {
  xml: string;
  /** FIT-Connect-style metadata: which schema the data follows, its MIME type and the hash of the XML. */
  metadata: {
    submissionSchema: { schemaUri: string; mimeType: 'application/xml' };
    hash: { type: 'sha512'; content: string };
    messageId: string;
    referenceNumber: string;
    /** The application's files as the message lists them, each with its SHA-256. */
    attachments: Array<{ attachmentId: string; fileName: string; mimeType: string; size: number; hash: { type: 'sha256'; content: string }; field?: string }>;
  };
}

/** What a message needs of its submission (a SubmissionEntity has it all). */
export type ExportSubmission = Pick<
  SubmissionEntity,
  'id' | 'referenceNumber' | 'formId' | 'formVersion' | 'serviceId' | 'serviceVersion' | 'organisationId' | 'locale' | 'sha256' | 'submittedAt' | 'data'
>;

/** A submission as the export job reads it: what its message and its `submission.exported` event need. */
export type ExportedSubmission = ExportSubmission & Pick<SubmissionEntity, 'status' | 'version'>;

/** A webhook of the submission's organisation, read with the case for the `submission.exported` event. */
export type ExportTarget = Pick<WebhookSubscriptionEntity, 'id' | 'url' | 'eventTypes'>;

type StoredExport = Pick<SubmissionExportEntity, 'messageId' | 'xml' | 'sha512' | 'schemaUri'>;

/** What one attempt reads of a case in one statement. */
interface CaseState {
  stored?: StoredExport;
  files: ApplicationFile[];
  /** The row version (xmin) of the submission's form version; null when there is no such row. */
  formStamp: string | null;
  organisationName: unknown;
  leikaKey: unknown;
  submission?: ExportedSubmission;
  targets?: ExportTarget[];
}

interface CaseRow {
  message_id: string | null;
  xml: string | null;
  sha512: string | null;
  schema_uri: string | null;
  files: ApplicationFile[];
  form_stamp: string | null;
  organisation_name: unknown;
  leika_key: unknown;
  reference_number?: string;
  form_id?: string;
  form_version?: string;
  service_id?: string;
  service_version?: number | null;
  organisation_id?: string;
  locale?: string;
  sha256?: string;
  submitted_at?: string | Date;
  data?: Record<string, unknown>;
  status?: string;
  version?: number;
  targets?: ExportTarget[];
}

/**
 * The applicant's files as ApplicationFiles.list gives them (documents from the form and on request, oldest first,
 * each with its upload), the kept message, the stamp of the form version, the authority's name and the service's
 * Leistungsschlüssel: all a message needs besides the submission, in one statement instead of one per entity. The
 * export's statements run prepared (parsed and planned once per connection, values as parameters).
 */
const CASE_STATE = `select e.message_id, e.xml, e.sha512, e.schema_uri,
  (select coalesce(json_agg(json_build_object('id', a.id, 'fileName', a.file_name, 'mediaType', a.media_type, 'size', a.size, 'sha256', a.sha256, 'field', d.pointer)
            ${applicationFilesSql('s.id').orderBy}), '[]'::json)
     ${applicationFilesSql('s.id').from}) as files,
  (select f.xmin::text from form_version f where f.id = s.form_id || '@' || s.form_version) as form_stamp,
  (select o.data->'name'->'de' from organisation o where o.id = s.organisation_id) as organisation_name,
  (select v.data->'leikaKey' from service_version v where v.service_id = s.service_id and v.version = s.service_version) as leika_key`;

/** The same for the export job, which has only the submission's id: its columns and its organisation's active webhooks. */
const JOB_STATE = `${CASE_STATE},
  s.reference_number, s.form_id, s.form_version, s.service_id, s.service_version, s.organisation_id, s.locale, s.sha256, s.submitted_at, s.data, s.status, s.version,
  (select coalesce(json_agg(json_build_object('id', w.id, 'url', w.url, 'eventTypes', w.event_types)), '[]'::json)
     from webhook_subscription w where w.organisation_id = s.organisation_id and w.active = true) as targets`;

const FROM_CASE = 'from submission s left join submission_export e on e.submission_id = s.id where s.id = ?';
const CASE_STATE_OF_CASE = `${CASE_STATE} ${FROM_CASE}`;
const JOB_STATE_OF_CASE = `${JOB_STATE} ${FROM_CASE}`;

/**
 * Run after the case's row is locked, in one fresh snapshot: is the case erased, is the list of files the message was
 * built with still current, and if both allow it, the message stored (unless a concurrent export stored one first).
 */
const STORE = `with files as (
    select coalesce(string_agg(a.id::text || ':' || a.sha256, ',' ${applicationFilesSql('?').orderBy}), '') as fingerprint
      ${applicationFilesSql('?').from}
  ), checked as (
    select exists (select 1 from deletion_record where submission_id = ?) as erased, (select fingerprint from files) = ? as current
  ), stored as (
    insert into submission_export (submission_id, message_id, xml, sha512, schema_uri, created_at)
      select ?::uuid, ?::uuid, ?::text, ?::text, ?::text, now() from checked where not erased and current
      on conflict (submission_id) do nothing returning submission_id
  )
  select erased, current, exists (select 1 from stored) as stored from checked`;

const fingerprint = (files: Array<{ id: string; sha256: string }>) => files.map((f) => `${f.id}:${f.sha256}`).join(',');

/** XÖV artefacts: the XSD of each form version and the message of each submission, validated before it leaves. */
@Injectable()
export class XoevService {
  private readonly logger = new Logger(XoevService.name);
  private readonly xsdCache = new Map<string, string>();
  /** The form versions of recent messages with their generated schemas (one XSD per version, not per message). */
  readonly messageForms = new MessageFormCache();

  constructor(
    private readonly forms: FormsService,
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly files: ApplicationFiles,
  ) {}

  /** The files of a submission for its message: content base64-encoded (ATTACHMENT_XOEV_CONTENT=embed) or referenced. */
  private async messageAttachments(submissionId: string, files: ApplicationFile[]): Promise<MessageAttachment[]> {
    const base = (this.config.publicBaseUrl ?? '').replace(/\/$/, '');
    const out: MessageAttachment[] = [];
    for (const f of files) {
      const item: MessageAttachment = { ...f };
      if (this.config.attachmentXoevContent === 'embed') {
        item.content = await this.files.bytes(f.sha256);
      } else item.reference = `${base}/submissions/${submissionId}/attachments/${f.id}`;
      out.push(item);
    }
    return out;
  }

  /** The XSD of a published (or retired) form version; deterministic, so cached by version. */
  async formXsd(formId: string, version: string): Promise<string> {
    return this.xsdOf(await this.forms.viewable(formId, version));
  }

  private xsdOf(form: FormVersionEntity): string {
    let xsd = this.xsdCache.get(form.id);
    if (!xsd) {
      xsd = formXsd(form.formId, form.version, form.publishedSchema);
      this.xsdCache.set(form.id, xsd);
    }
    return xsd;
  }

  /**
   * The message of a submission, checked against the message XSD and the form XSD. One that does not
   * validate is never handed out: the failure is logged with the schema errors and EXPORT_INVALID raised.
   * The first valid message is kept, and every later call returns it, so XML and metadata always match.
   */
  async export(submission: ExportSubmission): Promise<XoevExport> {
    return this.retried(submission.id, async () => {
      const state = await this.caseState(submission.id, false);
      if (!state) throw new Error(`submission ${submission.id} not found`);
      return this.exportOnce(submission, state);
    });
  }

  /**
   * The same for the export job, which has only the id: the submission is read with the rest of the case, and the
   * organisation's active webhooks with it. Undefined when there is no such submission.
   */
  async exportById(submissionId: string): Promise<{ submission: ExportedSubmission; exported: XoevExport; targets: ExportTarget[] } | undefined> {
    const result = await this.retried(submissionId, async () => {
      const state = await this.caseState(submissionId, true);
      if (!state) return null;
      const exported = await this.exportOnce(state.submission!, state);
      return exported && { submission: state.submission!, exported, targets: state.targets! };
    });
    return result ?? undefined;
  }

  /** Runs an attempt until it gives a result (undefined: the files changed meanwhile), at most five times. */
  private async retried<T>(submissionId: string, attempt: () => Promise<T | undefined>): Promise<T> {
    // the applicant's files changed while the message was being built (documents sent on request): build it again
    for (let i = 0; i < 5; i++) {
      const result = await attempt();
      if (result !== undefined) return result;
    }
    throw new LotseError(ErrorCode.CONFLICT, 'Die Unterlagen des Vorgangs ändern sich gerade; bitte erneut versuchen.', { submissionId });
  }

  private async caseState(submissionId: string, forJob: boolean): Promise<CaseState | undefined> {
    const [row] = await executePrepared<CaseRow>(this.em, forJob ? JOB_STATE_OF_CASE : CASE_STATE_OF_CASE, [submissionId]);
    if (!row) return undefined;
    const state: CaseState = {
      stored: row.message_id ? { messageId: row.message_id, xml: row.xml!, sha512: row.sha512!, schemaUri: row.schema_uri! } : undefined,
      files: row.files,
      formStamp: row.form_stamp,
      organisationName: row.organisation_name,
      leikaKey: row.leika_key ?? undefined,
    };
    if (forJob) {
      state.submission = {
        id: submissionId,
        referenceNumber: row.reference_number!,
        formId: row.form_id!,
        formVersion: row.form_version!,
        serviceId: row.service_id!,
        serviceVersion: row.service_version ?? undefined,
        organisationId: row.organisation_id!,
        locale: row.locale!,
        sha256: row.sha256!,
        // as the ORM maps a timestamptz
        submittedAt: this.em.getPlatform().parseDate(row.submitted_at as string) as Date,
        data: row.data!,
        status: row.status!,
        version: row.version!,
      };
      state.targets = row.targets;
    }
    return state;
  }

  /** The stored form version of a message, its schemas generated once per row version. */
  private messageForm(submission: ExportSubmission, stamp: string | null): Promise<MessageForm> {
    const id = `${submission.formId}@${submission.formVersion}`;
    return this.messageForms.get(id, stamp ?? '', async () => {
      const [row] = await executePrepared<{ form_id: string; version: string; published_schema: FormSchemaNode; stamp: string }>(
        this.em,
        'select form_id, version, published_schema, xmin::text as stamp from form_version where id = ?',
        [id],
      );
      if (!row) throw new Error(`form version ${id} not found`);
      return { formId: row.form_id, version: row.version, published: row.published_schema, stamp: row.stamp };
    });
  }

  private async exportOnce(submission: ExportSubmission, state: CaseState): Promise<XoevExport | undefined> {
    const attachments = await this.messageAttachments(submission.id, state.files);
    if (state.stored) return exportOf(state.stored, submission.referenceNumber, attachments);
    const form = await this.messageForm(submission, state.formStamp);
    const directory = { verzeichnisdienst: this.config.xoevDirectoryCode, verzeichnisdienstVersion: this.config.xoevDirectoryListVersion };
    const messageId = randomUUID();
    const xml = buildMessage({
      uuid: messageId,
      createdAt: new Date(),
      product: { name: 'Lotse', vendor: 'Lotse-Projekt', version: VERSION },
      test: this.config.xoevTest,
      leser: { kennung: submission.organisationId, name: (state.organisationName as string | null) ?? submission.organisationId, ...directory },
      autor: { kennung: this.config.xoevAuthorId, name: this.config.xoevAuthorName, ...directory },
      referenceNumber: submission.referenceNumber,
      formId: submission.formId,
      formVersion: submission.formVersion,
      serviceId: submission.serviceId,
      leikaKey: state.leikaKey as string | undefined,
      submittedAt: submission.submittedAt,
      language: submission.locale,
      sha256: submission.sha256,
      published: form.published,
      data: submission.data,
      attachments,
    });
    const validation = await validateAgainstXsd(xml, form.schemas);
    if (!validation.valid) {
      this.logger.error({ msg: 'XÖV export does not validate; not delivered', referenceNumber: submission.referenceNumber, errors: validation.errors.slice(0, 20) });
      throw new LotseError(ErrorCode.EXPORT_INVALID);
    }
    // two concurrent first exports: the first insert wins, and both hand out the winner. The submission row is
    // locked first (a change of the case commits before, or waits) and the rest checked in a later statement (a fresh
    // snapshot): a message built from data that an erasure (archive deletion, withdrawal with erasure) removed
    // meanwhile is never stored, nor one whose list of files is no longer current (it is built again). The check
    // reads the same list as the case state, on this transaction's connection (a second pooled connection per export
    // could exhaust the pool while every export holds its row lock).
    const message: StoredExport = { messageId, xml, sha512: createHash('sha512').update(xml, 'utf8').digest('hex'), schemaUri: formNamespace(form.formId, form.version) };
    // a plain transaction on a pooled connection: it writes no entity, so no EntityManager is forked for it
    const outcome = await preparedTransaction(this.em, async (trx) => {
      await executePrepared(this.em, 'select 1 from submission where id = ? for share', [submission.id], trx);
      const [checked] = await executePrepared<{ erased: boolean; current: boolean; stored: boolean }>(this.em, STORE, [
        submission.id, submission.id, fingerprint(attachments), submission.id, message.messageId, message.xml, message.sha512, message.schemaUri,
      ], trx);
      return checked.erased ? ('ERASED' as const) : !checked.current ? ('STALE' as const) : checked.stored ? ('STORED' as const) : ('LOST' as const);
    });
    if (outcome === 'STALE') return undefined;
    if (outcome === 'ERASED') throw new LotseError(ErrorCode.NOT_FOUND, 'Die Daten dieses Vorgangs sind gelöscht.', { submissionId: submission.id }, 'The data of this case has been erased.');
    if (outcome === 'STORED') return exportOf(message, submission.referenceNumber, attachments);
    // a concurrent export stored its message first: hand out that one
    const [winner] = await executePrepared<{ message_id: string; xml: string; sha512: string; schema_uri: string }>(
      this.em,
      'select message_id, xml, sha512, schema_uri from submission_export where submission_id = ?',
      [submission.id],
    );
    if (!winner) throw new Error(`submission_export ${submission.id} not found`);
    return exportOf({ messageId: winner.message_id, xml: winner.xml, sha512: winner.sha512, schemaUri: winner.schema_uri }, submission.referenceNumber, attachments);
  }
}

function exportOf(stored: StoredExport, referenceNumber: string, attachments: MessageAttachment[]): XoevExport {
  return {
    xml: stored.xml,
    metadata: {
      submissionSchema: { schemaUri: stored.schemaUri, mimeType: 'application/xml' },
      hash: { type: 'sha512', content: stored.sha512 },
      messageId: stored.messageId,
      referenceNumber,
      attachments: attachments.map((a) => ({ attachmentId: a.id, fileName: a.fileName, mimeType: a.mediaType, size: a.size, hash: { type: 'sha256' as const, content: a.sha256 }, field: a.field })),
    },
  };
}
