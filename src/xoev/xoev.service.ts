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
import { OrganisationEntity } from '../catalog/entities/organisation.entity.js';
import { ServiceVersionEntity } from '../catalog/entities/service-version.entity.js';
import { FormVersionEntity } from '../forms/entities/form-version.entity.js';
import { FormsService } from '../forms/forms.service.js';
import type { SubmissionEntity } from '../submissions/entities/submission.entity.js';
import { formNamespace, formXsd } from './form-xsd.js';
import { buildMessage, type MessageAttachment } from './message.builder.js';
import { ApplicationFiles } from '../attachments/application-files.js';
import { messageSchemas } from './message-schemas.js';
import { validateAgainstXsd } from './xml-validator.js';
import { SubmissionExportEntity } from './entities/submission-export.entity.js';

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

/** XÖV artefacts: the XSD of each form version and the message of each submission, validated before it leaves. */
@Injectable()
export class XoevService {
  private readonly logger = new Logger(XoevService.name);
  private readonly xsdCache = new Map<string, string>();

  constructor(
    private readonly forms: FormsService,
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly files: ApplicationFiles,
  ) {}

  /** The files of a submission for its message: content base64-encoded (ATTACHMENT_XOEV_CONTENT=embed) or referenced. */
  private async messageAttachments(submission: SubmissionEntity): Promise<MessageAttachment[]> {
    const files = await this.files.list(submission.id);
    const base = (this.config.publicBaseUrl ?? '').replace(/\/$/, '');
    const out: MessageAttachment[] = [];
    for (const f of files) {
      const item: MessageAttachment = { ...f };
      if (this.config.attachmentXoevContent === 'embed') {
        item.content = await this.files.bytes(f.sha256);
      } else item.reference = `${base}/submissions/${submission.id}/attachments/${f.id}`;
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
  async export(submission: SubmissionEntity): Promise<XoevExport> {
    // the applicant's files changed while the message was being built (documents sent on request): build it again
    for (let attempt = 0; attempt < 5; attempt++) {
      const exported = await this.exportOnce(submission);
      if (exported) return exported;
    }
    throw new LotseError(ErrorCode.CONFLICT, 'Die Unterlagen des Vorgangs ändern sich gerade; bitte erneut versuchen.', { submissionId: submission.id });
  }

  private async exportOnce(submission: SubmissionEntity): Promise<XoevExport | undefined> {
    const em = this.em.fork();
    const attachments = await this.messageAttachments(submission);
    const stored = await em.findOne(SubmissionExportEntity, { submissionId: submission.id });
    if (stored) return exportOf(stored, submission.referenceNumber, attachments);
    const form = await em.findOneOrFail(FormVersionEntity, { id: `${submission.formId}@${submission.formVersion}` });
    const [organisation, serviceVersion] = await Promise.all([
      em.findOne(OrganisationEntity, { id: submission.organisationId }),
      submission.serviceVersion ? em.findOne(ServiceVersionEntity, { serviceId: submission.serviceId, version: submission.serviceVersion }) : null,
    ]);
    const directory = { verzeichnisdienst: this.config.xoevDirectoryCode, verzeichnisdienstVersion: this.config.xoevDirectoryListVersion };
    const messageId = randomUUID();
    const xml = buildMessage({
      uuid: messageId,
      createdAt: new Date(),
      product: { name: 'Lotse', vendor: 'Lotse-Projekt', version: VERSION },
      test: this.config.xoevTest,
      leser: { kennung: submission.organisationId, name: organisation?.data.name.de ?? submission.organisationId, ...directory },
      autor: { kennung: this.config.xoevAuthorId, name: this.config.xoevAuthorName, ...directory },
      referenceNumber: submission.referenceNumber,
      formId: submission.formId,
      formVersion: submission.formVersion,
      serviceId: submission.serviceId,
      leikaKey: serviceVersion?.data.leikaKey,
      submittedAt: submission.submittedAt,
      language: submission.locale,
      sha256: submission.sha256,
      published: form.publishedSchema,
      data: submission.data,
      attachments,
    });
    const validation = await validateAgainstXsd(xml, messageSchemas(form.formId, form.version, form.publishedSchema));
    if (!validation.valid) {
      this.logger.error({ msg: 'XÖV export does not validate; not delivered', referenceNumber: submission.referenceNumber, errors: validation.errors.slice(0, 20) });
      throw new LotseError(ErrorCode.EXPORT_INVALID);
    }
    // two concurrent first exports: the first insert wins, and both hand out the winner. The submission row is
    // locked first (a change of the case commits before, or waits) and the rest checked in later statements (fresh
    // snapshots): a message built from data that an erasure (archive deletion, withdrawal with erasure) removed
    // meanwhile is never stored, nor one whose list of files is no longer current (it is built again).
    const fingerprint = (files: Array<{ id: string; sha256: string }>) => files.map((f) => `${f.id}:${f.sha256}`).join(',');
    const outcome = await em.fork().transactional(async (tx) => {
      await tx.execute('select 1 from submission where id = ? for share', [submission.id]);
      const [deleted] = await tx.execute<Array<{ n: number }>>('select count(*)::int as n from deletion_record where submission_id = ?', [submission.id]);
      if (deleted.n > 0) return 'ERASED' as const;
      // the same list as ApplicationFiles.list, read on this transaction's connection (a second pooled connection per
      // export could exhaust the pool while every export holds its row lock)
      const current = await tx.execute<Array<{ id: string; sha256: string }>>(
        `select a.id, a.sha256 from case_document d join attachment a on a.id = d.attachment_id
          where d.submission_id = ? and d.source in ('FORM', 'APPLICANT') order by d.created_at asc, d.id asc`,
        [submission.id],
      );
      if (fingerprint(current) !== fingerprint(attachments)) return 'STALE' as const;
      await tx.execute(
        'insert into submission_export (submission_id, message_id, xml, sha512, schema_uri, created_at) values (?, ?, ?, ?, ?, now()) on conflict (submission_id) do nothing',
        [submission.id, messageId, xml, createHash('sha512').update(xml, 'utf8').digest('hex'), formNamespace(form.formId, form.version)],
      );
      return 'STORED' as const;
    });
    if (outcome === 'STALE') return undefined;
    if (outcome === 'ERASED') throw new LotseError(ErrorCode.NOT_FOUND, 'Die Daten dieses Vorgangs sind gelöscht.', { submissionId: submission.id }, 'The data of this case has been erased.');
    return exportOf(await this.em.fork().findOneOrFail(SubmissionExportEntity, { submissionId: submission.id }), submission.referenceNumber, attachments);
  }
}

function exportOf(stored: SubmissionExportEntity, referenceNumber: string, attachments: MessageAttachment[]): XoevExport {
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
