import type { EntityManager } from '@mikro-orm/postgresql';
import { canonicalJson, sha256Hex } from '../common/canonical-json.js';
import { QUEUE_SCHEMA } from '../delivery/queue.service.js';
import { DeletionRecordEntity, type DeletionReason } from './entities/deletion-record.entity.js';

type Row = Record<string, unknown>;

/**
 * One step of the erasure of a case: reads what it is about to remove (for the proof hash), then removes or
 * empties it. The documents issue adds its own steps (attachment rows and stored files) to {@link ERASURE_STEPS}.
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
export const ERASURE_STEPS: ErasureStep[] = [
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
