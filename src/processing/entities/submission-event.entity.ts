import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

export type EventKind =
  | 'RECEIVED'
  | 'ACKNOWLEDGED'
  | 'STATUS_CHANGED'
  | 'ASSIGNED'
  | 'DOCUMENTS_REQUESTED'
  | 'DOCUMENTS_RECEIVED'
  | 'DOCUMENT_ADDED'
  | 'EXPORT_FAILED'
  // FIT-Connect delivery (src/fitconnect/)
  | 'DELIVERY_ACCEPTED'
  | 'DELIVERY_REJECTED'
  | 'DELIVERY_FAILED';
export type ActorType = 'SYSTEM' | 'STAFF' | 'APPLICANT';

/** Append-only history of a submission: who did what when, with a public and an internal note. */
@Entity({ tableName: 'submission_event' })
export class SubmissionEventEntity extends BaseEntity {
  @Index()
  @Property({ type: 'uuid' })
  submissionId!: string;

  @Property({ type: 'text' })
  kind!: EventKind;

  @Property({ type: 'text' })
  actorType!: ActorType;

  @Property({ type: 'text', nullable: true })
  actorId?: string;

  @Property({ type: 'text', nullable: true })
  fromStatus?: string;

  @Property({ type: 'text', nullable: true })
  toStatus?: string;

  @Property({ type: 'text', nullable: true })
  publicNoteDe?: string;

  @Property({ type: 'text', nullable: true })
  publicNoteEn?: string;

  /** Seen by staff only. */
  @Property({ type: 'text', nullable: true })
  internalNote?: string;

  @Property({ type: 'json', nullable: true })
  items?: string[];
}
