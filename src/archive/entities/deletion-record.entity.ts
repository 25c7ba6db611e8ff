import { Entity, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

export type DeletionReason = 'DESTROYED_AFTER_RETENTION' | 'HANDED_OVER_TO_ARCHIVE' | 'ERASURE_ON_WITHDRAWAL';

/**
 * The proof that a case's personal data was deleted: what, when, why, after which handover, and the SHA-256 of
 * the canonical JSON of everything that was removed (so that an auditor holding a copy can match it). Holds no
 * personal data itself.
 */
@Entity({ tableName: 'deletion_record' })
export class DeletionRecordEntity extends BaseEntity {
  @Unique()
  @Property({ type: 'uuid' })
  submissionId!: string;

  @Property({ type: 'text' })
  referenceNumber!: string;

  @Index()
  @Property({ type: 'text' })
  organisationId!: string;

  @Property({ type: 'text' })
  serviceId!: string;

  @Property({ type: 'text' })
  status!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  submittedAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  triggerAt?: Date;

  @Property({ type: 'date', nullable: true })
  retainUntil?: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  deletedAt!: Date;

  @Property({ type: 'text' })
  reason!: DeletionReason;

  @Property({ type: 'uuid', nullable: true })
  offerId?: string;

  @Property({ type: 'text' })
  deletedSha256!: string;

  /** Rows removed or emptied per table, e.g. `{ "submission_export": 1 }`. */
  @Property({ type: 'json' })
  counts!: Record<string, number>;
}
