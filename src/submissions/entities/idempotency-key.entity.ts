import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** A client's idempotency key for submitForm: the same key and payload give the same receipt. */
@Entity({ tableName: 'submission_idempotency_key' })
export class IdempotencyKeyEntity {
  @PrimaryKey({ type: 'text' })
  key!: string;

  /** SHA-256 of the canonical request (form, version, locale, data). */
  @Property({ type: 'text' })
  requestHash!: string;

  @Property({ type: 'uuid', nullable: true })
  submissionId?: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt!: Date;

  @Index()
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  expiresAt!: Date;
}
