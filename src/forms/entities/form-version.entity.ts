import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import type { FormVersionFile } from '../../generated/form.js';
import { CatalogEntity } from '../../catalog/entities/catalog-entity.base.js';
import type { FormSchemaNode } from '../form.types.js';

/**
 * One version of a form, id `<form id>@<version>`. `publishedSchema` is frozen at publication: code lists
 * resolved, so a published version never changes.
 */
@Entity({ tableName: 'form_version' })
export class FormVersionEntity extends CatalogEntity {
  @Index()
  @Property({ type: 'text' })
  formId!: string;

  @Property({ type: 'text' })
  version!: string;

  @Property({ type: 'text' })
  status!: FormVersionFile['status'];

  @Index()
  @Property({ type: 'text' })
  serviceId!: string;

  @Property({ type: 'text' })
  owner!: string;

  @Property({ type: 'json' })
  data!: FormVersionFile;

  @Property({ type: 'json' })
  publishedSchema!: FormSchemaNode;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  publishedAt?: Date;

  @Property({ type: 'boolean' })
  removed: Opt<boolean> = false;
}
