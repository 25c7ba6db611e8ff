import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';
import type { Retention } from '../../generated/catalog-common.js';
import type { ArchiveDecision } from '../retention.js';

/**
 * A case's place in records management: when its period started, until when it is kept, under which rule, and how
 * far the Aussonderung has come. One row per submission, created when the case reaches its trigger state.
 */
@Entity({ tableName: 'case_retention' })
export class CaseRetentionEntity extends BaseEntity {
  @Unique()
  @Property({ type: 'uuid' })
  submissionId!: string;

  @Index()
  @Property({ type: 'text' })
  organisationId!: string;

  @Property({ type: 'text' })
  serviceId!: string;

  /** The status that started the period (CLOSED, APPROVED, REJECTED, WITHDRAWN) and when. */
  @Property({ type: 'text' })
  triggerStatus!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  triggerAt!: Date;

  @Index()
  @Property({ type: 'date' })
  retainUntil!: string;

  /** The rule applied (copied, so that a later catalog change is visible as a change). */
  @Property({ type: 'json' })
  rule!: Retention;

  @Index()
  @Property({ type: 'text' })
  state: Opt<string> = 'RETAINED';

  @Property({ type: 'text', nullable: true })
  decision?: ArchiveDecision;

  /** The offer (xdomea ProzessID) the case was listed in. */
  @Index()
  @Property({ type: 'uuid', nullable: true })
  offerId?: string;

  /** xdomea object id of the record (Vorgang) in the messages. */
  @Property({ type: 'uuid' })
  recordId!: string;

  @Property({ type: 'boolean' })
  legalHold: Opt<boolean> = false;

  @Property({ type: 'text', nullable: true })
  legalHoldReason?: string;

  @Property({ type: 'text', nullable: true })
  legalHoldBy?: string;
}
