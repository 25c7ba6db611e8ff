import { Injectable } from '@nestjs/common';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FieldError } from '../forms/form-validator.js';
import type { LocalizedText } from '../forms/form.types.js';
import { attachmentRefs, type AttachmentField } from './attachment-rules.js';
import { AttachmentEntity } from './entities/attachment.entity.js';
import { CaseDocumentEntity } from './entities/case-document.entity.js';
import { DownloadLinks, type AttachmentReference } from './download-links.js';

/** Why an attachment reference was refused (in `params.reason` of the ATTACHMENT_INVALID error). */
export type AttachmentProblem = 'NOT_FOUND' | 'OTHER_FIELD' | 'ALREADY_BOUND' | 'DIFFERENT_FILE' | 'OUTSIDE_LIMITS' | 'DUPLICATE' | 'TOO_MANY_FILES';

const MESSAGES: Record<AttachmentProblem, { de: string; en: string }> = {
  NOT_FOUND: { de: 'Die Datei gibt es nicht (mehr). Bitte laden Sie sie erneut hoch.', en: 'The file does not exist (any more). Please upload it again.' },
  OTHER_FIELD: { de: 'Die Datei wurde für ein anderes Feld oder Formular hochgeladen.', en: 'The file was uploaded for another field or form.' },
  ALREADY_BOUND: { de: 'Die Datei gehört schon zu einem anderen Antrag.', en: 'The file already belongs to another submission.' },
  DIFFERENT_FILE: { de: 'Name, Typ oder Größe passen nicht zur hochgeladenen Datei.', en: 'Name, type or size do not match the uploaded file.' },
  OUTSIDE_LIMITS: { de: 'Die Datei passt nicht zu den Vorgaben des Feldes (Typ oder Größe).', en: 'The file does not meet the limits of the field (type or size).' },
  DUPLICATE: { de: 'Dieselbe Datei steht mehrfach im Antrag.', en: 'The same file appears more than once in the submission.' },
  TOO_MANY_FILES: { de: 'Das Feld enthält mehr Dateien als erlaubt.', en: 'The field holds more files than allowed.' },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The form's attachments were refused: the errors name the fields (ATTACHMENT_INVALID). */
export class AttachmentsInvalid extends Error {
  constructor(readonly errors: FieldError[]) {
    super('attachments invalid');
  }
}

const labelOf = (text: LocalizedText | undefined, locale: string, fallback: string) =>
  (text && ((text as Record<string, string | undefined>)[locale] ?? text.de)) ?? fallback;

/**
 * Binds the attachments a submission references, in the submission's transaction: each must exist, have been
 * uploaded for this form version and field, belong to no other submission, and meet the field's limits.
 */
@Injectable()
export class AttachmentBinder {
  constructor(private readonly links: DownloadLinks) {}

  /** Binds or throws {@link AttachmentsInvalid}; returns references to what it bound (with signed download links, for webhooks). */
  async bind(em: EntityManager, submission: { id: string; formId: string; formVersion: string }, schema: Parameters<typeof attachmentRefs>[0], data: unknown, locale: string): Promise<AttachmentReference[]> {
    const refs = attachmentRefs(schema, data);
    if (refs.length === 0) return [];
    const ids = refs.map((r) => (r.value as { attachmentId?: unknown }).attachmentId).filter((id): id is string => typeof id === 'string' && UUID.test(id));
    const rows = ids.length ? await em.find(AttachmentEntity, { id: { $in: ids } }, { lockMode: LockMode.PESSIMISTIC_WRITE }) : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    const perField = new Map<string, number>();
    const fail = (pointer: string, field: AttachmentField, reason: AttachmentProblem) => {
      const label = labelOf(field.node['x-label'], locale, pointer);
      const text = MESSAGES[reason][locale === 'en' ? 'en' : 'de'];
      errors.push({ instancePath: pointer, schemaPath: '#/x-attachment', keyword: 'x-attachment', params: { code: 'ATTACHMENT_INVALID', reason }, message: `„${label}“: ${text}`, field: pointer, label });
    };
    for (const { pointer, field, value } of refs) {
      const ref = value as { attachmentId?: unknown; fileName?: unknown; mediaType?: unknown; size?: unknown };
      const row = typeof ref.attachmentId === 'string' ? byId.get(ref.attachmentId) : undefined;
      const count = (perField.get(field.key) ?? 0) + 1;
      perField.set(field.key, count);
      if (!row) fail(pointer, field, 'NOT_FOUND');
      else if (seen.has(row.id)) fail(pointer, field, 'DUPLICATE');
      else if (row.purpose !== 'FORM_FIELD' || row.formId !== submission.formId || row.formVersion !== submission.formVersion || row.field !== field.key) fail(pointer, field, 'OTHER_FIELD');
      else if (row.boundAt || row.submissionId) fail(pointer, field, 'ALREADY_BOUND');
      else if ((ref.fileName !== undefined && ref.fileName !== row.fileName) || (ref.mediaType !== undefined && ref.mediaType !== row.mediaType) || (ref.size !== undefined && ref.size !== row.size)) fail(pointer, field, 'DIFFERENT_FILE');
      else if (!field.rules.mediaTypes.includes(row.mediaType) || row.size > field.rules.maxBytes) fail(pointer, field, 'OUTSIDE_LIMITS');
      else if (count > field.rules.maxFiles) fail(pointer, field, 'TOO_MANY_FILES');
      if (row) seen.add(row.id);
    }
    if (errors.length > 0) throw new AttachmentsInvalid(errors);
    const now = new Date();
    // one millisecond apart, so that the case lists them in the order of the form
    for (const [i, { pointer, field }] of refs.entries()) {
      const row = byId.get((refs.find((r) => r.pointer === pointer)!.value as { attachmentId: string }).attachmentId)!;
      row.submissionId = submission.id;
      row.boundAt = now;
      em.create(CaseDocumentEntity, {
        submissionId: submission.id,
        attachmentId: row.id,
        title: `${labelOf(field.node['x-label'], 'de', pointer)}: ${row.fileName}`,
        source: 'FORM',
        visibleToApplicant: true,
        pointer,
        createdAt: new Date(now.getTime() + i),
      });
    }
    await em.flush();
    return refs.map(({ value }) => this.links.reference(byId.get((value as { attachmentId: string }).attachmentId)!));
  }
}
