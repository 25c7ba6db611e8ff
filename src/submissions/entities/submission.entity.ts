import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

/**
 * A submitted form: the data as received, its canonical JSON (RFC 8785) and SHA-256, the form version it
 * was made with, and the organisation responsible for it. The access code is kept only as a hash.
 */
@Entity({ tableName: 'submission' })
export class SubmissionEntity extends BaseEntity {
  @Unique()
  @Property({ type: 'text' })
  referenceNumber!: string;

  /** Random salt from which the access code is derived (HMAC with the server's secret). */
  @Property({ type: 'text', hidden: true })
  accessCodeSalt!: string;

  @Property({ type: 'text', hidden: true })
  accessCodeHash!: string;

  @Index()
  @Property({ type: 'text' })
  formId!: string;

  @Property({ type: 'text' })
  formVersion!: string;

  @Property({ type: 'text' })
  serviceId!: string;

  @Property({ type: 'integer', nullable: true })
  serviceVersion?: number;

  @Index()
  @Property({ type: 'text' })
  organisationId!: string;

  @Property({ type: 'text', nullable: true })
  ags?: string;

  @Property({ type: 'text' })
  locale!: string;

  @Property({ type: 'text' })
  status: Opt<string> = 'RECEIVED';

  /** Optimistic lock for later changes (processing). */
  @Property({ type: 'integer' })
  version: Opt<number> = 1;

  @Property({ type: 'json' })
  data!: Record<string, unknown>;

  @Property({ type: 'text' })
  canonicalJson!: string;

  @Property({ type: 'text' })
  sha256!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  submittedAt!: Date;

  /** When processing should be finished (from the service's processing time). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  dueAt?: Date;

  @Property({ type: 'text', nullable: true })
  assigneeId?: string;

  /** The citizen account the submission belongs to (submitted signed in, or linked later with the access code). */
  @Index()
  @Property({ type: 'uuid', nullable: true })
  citizenAccountId?: string;

  /** The trust level of the sign-in it was submitted with (null: submitted without an account). */
  @Property({ type: 'text', nullable: true })
  trustLevel?: string;

  /** What the applicant still has to provide (German texts). */
  @Property({ type: 'json', nullable: true })
  requestedDocuments?: string[];
}
