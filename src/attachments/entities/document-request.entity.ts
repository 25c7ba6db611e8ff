import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

export type DocumentRequestStatus = 'OPEN' | 'FULFILLED' | 'CANCELLED';

/** Documents a caseworker asked the applicant for (`requestDocuments`), answered by `submitDocuments`. */
@Entity({ tableName: 'document_request' })
export class DocumentRequestEntity extends BaseEntity {
  @Index()
  @Property({ type: 'uuid' })
  submissionId!: string;

  @Property({ type: 'json' })
  items!: string[];

  @Property({ type: 'text' })
  status: Opt<DocumentRequestStatus> = 'OPEN';

  @Property({ type: 'text', nullable: true })
  requestedBy?: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  fulfilledAt?: Date;
}
