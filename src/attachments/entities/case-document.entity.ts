import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

/** Who added a document to a case: the applicant (with the form or on request) or a caseworker. */
export type CaseDocumentSource = 'FORM' | 'APPLICANT' | 'STAFF';

/** A document of a case: an attachment with a title, and whether the applicant may see and download it. */
@Entity({ tableName: 'case_document' })
@Index({ properties: ['submissionId', 'createdAt'] })
export class CaseDocumentEntity extends BaseEntity {
  @Property({ type: 'uuid' })
  submissionId!: string;

  @Index()
  @Property({ type: 'uuid' })
  attachmentId!: string;

  @Property({ type: 'text' })
  title!: string;

  @Property({ type: 'text' })
  source!: CaseDocumentSource;

  @Property({ type: 'boolean' })
  visibleToApplicant: Opt<boolean> = false;

  @Property({ type: 'uuid', nullable: true })
  requestId?: string;

  /** The form field the document came with (FORM). */
  @Property({ type: 'text', nullable: true })
  pointer?: string;

  @Property({ type: 'text', nullable: true })
  addedBy?: string;
}
