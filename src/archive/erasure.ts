import type { EntityManager } from '@mikro-orm/postgresql';
import { canonicalJson, sha256Hex } from '../common/canonical-json.js';
import { pgTextArray } from '../attachments/storage/pg-attachment-storage.js';
import { QUEUE_SCHEMA } from '../delivery/queue.service.js';
import { DeletionRecordEntity, type DeletionReason } from './entities/deletion-record.entity.js';

type Row = Record<string, unknown>;

/**
 * One step of the erasure of a case: reads what it is about to remove (for the proof hash), then removes or
 * empties it.
 */
export interface ErasureStep {
  table: string;
  run(em: EntityManager, submissionId: string): Promise<{ removed: unknown; count: number }>;
}

const exec = (em: EntityManager, sql: string, params: unknown[]) => em.getConnection().execute<Row[]>(sql, params, 'all', em.getTransactionContext());

/**
 * What the law lets us keep of a case after its period (and what Kennzahlen need): the submission row with its
 * reference number, form, service, organisation, municipality, status, dates and version; the events with their
 * kinds, statuses, actors and times. Everything the applicant wrote or that names them goes.
 */
/** The ids of every upload of a case: bound to it, sent for one of its requests or added as a case document. */
const CASE_ATTACHMENTS = 'select id from attachment where submission_id = ? union select attachment_id from case_document where submission_id = ?';

export const ERASURE_STEPS: ErasureStep[] = [
  {
    // stored contents (content-addressed, each once): only those no upload of another case refers to. Runs first,
    // while the case's attachment rows still say which contents are its own. Contents an upload in progress holds
    // (it locked the row to reuse it) are skipped: that upload refers to them; the sweeper removes leftovers.
    table: 'attachment_blob',
    async run(em, id) {
      const candidates = await exec(
        em,
        `select b.sha256 from attachment_blob b
          where b.sha256 in (select a.sha256 from attachment a where a.id in (${CASE_ATTACHMENTS}))
            and not exists (select 1 from attachment o where o.sha256 = b.sha256 and o.id not in (${CASE_ATTACHMENTS}))
          order by b.sha256 for update of b skip locked`,
        [id, id, id, id],
      );
      if (candidates.length === 0) return { removed: [], count: 0 };
      // checked again in a fresh statement: an upload of the same content that committed meanwhile keeps it
      const gone = await exec(
        em,
        `delete from attachment_blob b where b.sha256 = any(?::text[])
            and not exists (select 1 from attachment o where o.sha256 = b.sha256 and o.id not in (${CASE_ATTACHMENTS}))
          returning sha256, size, chunks`,
        [pgTextArray(candidates.map((c) => c.sha256 as string)), id, id],
      );
      if (gone.length > 0) await exec(em, 'delete from attachment_chunk where blob_key = any(?::text[])', [pgTextArray(gone.map((g) => g.sha256 as string))]);
      gone.sort((a, b) => String(a.sha256).localeCompare(String(b.sha256)));
      return { removed: gone, count: gone.length };
    },
  },
  {
    // every upload of the case: names, types, sizes, hashes, uploader and client address
    table: 'attachment',
    async run(em, id) {
      const rows = await exec(
        em,
        `delete from attachment where id in (${CASE_ATTACHMENTS})
          returning id, sha256, file_name, media_type, size, purpose, field, pointer, request_id, uploaded_by, client_address, created_at`,
        [id, id],
      );
      rows.sort((a, b) => String(a.id).localeCompare(String(b.id)));
      return { removed: rows, count: rows.length };
    },
  },
  {
    table: 'case_document',
    async run(em, id) {
      const rows = await exec(em, 'delete from case_document where submission_id = ? returning id, attachment_id, title, source, visible_to_applicant, request_id, pointer, added_by, created_at', [id]);
      rows.sort((a, b) => String(a.id).localeCompare(String(b.id)));
      return { removed: rows, count: rows.length };
    },
  },
  {
    table: 'document_request',
    async run(em, id) {
      const rows = await exec(em, 'delete from document_request where submission_id = ? returning id, items, status, requested_by, fulfilled_at, created_at', [id]);
      rows.sort((a, b) => String(a.id).localeCompare(String(b.id)));
      return { removed: rows, count: rows.length };
    },
  },
  {
    table: 'submission',
    async run(em, id) {
      const rows = await exec(em, 'select data, canonical_json, sha256, access_code_salt, access_code_hash, requested_documents from submission where id = ?', [id]);
      await exec(
        em,
        `update submission set data = '{}'::jsonb, canonical_json = '{}', sha256 = '', access_code_salt = '', access_code_hash = '', requested_documents = null, updated_at = now() where id = ?`,
        [id],
      );
      return { removed: rows, count: rows.length };
    },
  },
  {
    table: 'submission_event',
    async run(em, id) {
      const rows = await exec(
        em,
        'select id, public_note_de, public_note_en, internal_note, items from submission_event where submission_id = ? and (public_note_de is not null or public_note_en is not null or internal_note is not null or items is not null) order by id',
        [id],
      );
      await exec(em, 'update submission_event set public_note_de = null, public_note_en = null, internal_note = null, items = null where submission_id = ?', [id]);
      return { removed: rows, count: rows.length };
    },
  },
  {
    table: 'submission_export',
    async run(em, id) {
      const rows = await exec(em, 'delete from submission_export where submission_id = ? returning message_id, xml', [id]);
      return { removed: rows, count: rows.length };
    },
  },
  {
    table: 'submission_idempotency_key',
    async run(em, id) {
      const rows = await exec(em, 'delete from submission_idempotency_key where submission_id = ? returning key, request_hash', [id]);
      return { removed: rows, count: rows.length };
    },
  },
  {
    // the outbox's record of each webhook delivery keeps the event it sent (with the form data): it goes with the case
    table: 'webhook_delivery',
    async run(em, id) {
      const rows = await exec(em, 'delete from webhook_delivery where event::text like ? returning id, event_id, event_type, state', [`%${id}%`]);
      return { removed: rows, count: rows.length };
    },
  },
  {
    // queued webhook deliveries and e-mails carry the data and the applicant's address
    table: `${QUEUE_SCHEMA}.job`,
    async run(em, id) {
      const exists = await exec(em, `select 1 from information_schema.tables where table_schema = ? and table_name = 'job'`, [QUEUE_SCHEMA]);
      if (exists.length === 0) return { removed: [], count: 0 };
      const rows = await exec(em, `delete from ${QUEUE_SCHEMA}.job where data::text like ? returning id, data`, [`%${id}%`]);
      return { removed: rows.map((r) => r.id), count: rows.length };
    },
  },
];

export interface ErasureContext {
  reason: DeletionReason;
  offerId?: string;
  triggerAt?: Date;
  retainUntil?: string;
}

/**
 * Erases a case's personal data inside the caller's transaction and writes the deletion record: case id, reference
 * number, service, dates, reason, handover and the SHA-256 of the canonical JSON of everything removed. The unique
 * submission id of the record makes a second erasure of the same case fail instead of counting twice.
 */
export async function eraseCase(em: EntityManager, submissionId: string, context: ErasureContext): Promise<DeletionRecordEntity> {
  const [submission] = await exec(em, 'select id, reference_number, organisation_id, service_id, status, submitted_at from submission where id = ? for update', [submissionId]);
  if (!submission) throw new Error(`submission ${submissionId} not found`);
  const removed: Record<string, unknown> = {};
  const counts: Record<string, number> = {};
  for (const step of ERASURE_STEPS) {
    const result = await step.run(em, submissionId);
    removed[step.table] = result.removed;
    counts[step.table] = result.count;
  }
  const record = em.create(DeletionRecordEntity, {
    submissionId,
    referenceNumber: submission.reference_number as string,
    organisationId: submission.organisation_id as string,
    serviceId: submission.service_id as string,
    status: submission.status as string,
    submittedAt: new Date(submission.submitted_at as string),
    triggerAt: context.triggerAt,
    retainUntil: context.retainUntil,
    deletedAt: new Date(),
    reason: context.reason,
    offerId: context.offerId,
    deletedSha256: sha256Hex(canonicalJson(JSON.parse(JSON.stringify(removed)))),
    counts,
  });
  await em.flush();
  return record;
}

/**
 * Erasure on withdrawal before a decision (the applicant's right to erasure): the same erasure and deletion record
 * as after the retention period; the case's retention row (written by the withdrawal) is marked DELETED so that it
 * is never offered.
 */
export async function eraseWithdrawnCase(em: EntityManager, submissionId: string): Promise<DeletionRecordEntity> {
  const record = await eraseCase(em, submissionId, { reason: 'ERASURE_ON_WITHDRAWAL' });
  await exec(em, `update case_retention set state = 'DELETED', updated_at = now() where submission_id = ?`, [submissionId]);
  return record;
}
