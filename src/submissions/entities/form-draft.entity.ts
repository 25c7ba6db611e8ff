import { Entity, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

/** A saved, unfinished form; found again by its resume token (stored only as a hash). */
@Entity({ tableName: 'form_draft' })
export class FormDraftEntity extends BaseEntity {
  @Unique()
  @Property({ type: 'text', hidden: true })
  tokenHash!: string;

  @Property({ type: 'text' })
  formId!: string;

  @Property({ type: 'text' })
  formVersion!: string;

  @Property({ type: 'json' })
  data!: Record<string, unknown>;

  @Index()
  @Property({ type: 'datetime', columnType: 'timestamptz' })
  expiresAt!: Date;

  /** The citizen account that saved it (found also by id through myDraft), or null for an anonymous draft. */
  @Index()
  @Property({ type: 'uuid', nullable: true })
  citizenAccountId?: string;
}
