import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

/** For what an upload was made: a form field, an open document request of a submission, or a case (staff). */
export type AttachmentPurpose = 'FORM_FIELD' | 'DOCUMENT_REQUEST' | 'CASE';

/**
 * One upload: the name and type it was accepted with and the content it points to (by SHA-256; the bytes are
 * stored once per content). Unbound uploads (`boundAt` empty) are deleted after ATTACHMENT_TTL_HOURS.
 */
@Entity({ tableName: 'attachment' })
@Index({ properties: ['boundAt', 'createdAt'] })
export class AttachmentEntity extends BaseEntity {
  @Index()
  @Property({ type: 'text' })
  sha256!: string;

  @Property({ type: 'text' })
  fileName!: string;

  @Property({ type: 'text' })
  mediaType!: string;

  @Property({ type: 'integer' })
  size!: number;

  @Property({ type: 'text' })
  purpose!: AttachmentPurpose;

  @Property({ type: 'text', nullable: true })
  formId?: string;

  @Property({ type: 'text', nullable: true })
  formVersion?: string;

  /** The field key (`/fotos/*`) for FORM_FIELD uploads. */
  @Property({ type: 'text', nullable: true })
  field?: string;

  /** The pointer the upload was made for (`/fotos/2`). */
  @Property({ type: 'text', nullable: true })
  pointer?: string;

  /** The submission it belongs to: set on binding (FORM_FIELD) or at upload (DOCUMENT_REQUEST, CASE). */
  @Index()
  @Property({ type: 'uuid', nullable: true })
  submissionId?: string;

  @Property({ type: 'uuid', nullable: true })
  requestId?: string;

  /** The caseworker who uploaded it (CASE). */
  @Property({ type: 'text', nullable: true })
  uploadedBy?: string;

  /** When a submission, an answered document request or a case document took it; unbound uploads expire. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  boundAt?: Date;

  @Property({ type: 'text', nullable: true })
  clientAddress?: string;

  @Property({ type: 'boolean' })
  scanned: Opt<boolean> = false;
}
