import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import type { FormVersionFile } from '../../generated/form.js';
import { CatalogEntity } from '../../catalog/entities/catalog-entity.base.js';
import type { FormSchemaNode } from '../form.types.js';
import type { FormProvenance } from '../../interop/import.types.js';

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

  /** Set for every published version; a draft imported from FIM may lack it until `publishForm`. */
  @Index()
  @Property({ type: 'text', nullable: true })
  serviceId?: string;

  @Property({ type: 'text' })
  owner!: string;

  /**
   * Stored as `json`, not `jsonb`: jsonb reorders object keys, and the order of properties is the order of the
   * fields on screen. Content hashes are over canonical JSON, so they do not depend on it.
   */
  @Property({ type: 'json', columnType: 'json' })
  data!: FormVersionFile;

  @Property({ type: 'json', columnType: 'json' })
  publishedSchema!: FormSchemaNode;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  publishedAt?: Date;

  @Property({ type: 'boolean' })
  removed: Opt<boolean> = false;

  /** Set when the version came from an import (FIM XDatenfelder or a bundle), not from the catalog in git. */
  @Property({ type: 'json', nullable: true })
  provenance?: FormProvenance;
}

/** The service of a version that is or was published (`publishForm` refuses a version without one). */
export function liveServiceId(form: FormVersionEntity): string {
  if (!form.serviceId) throw new Error(`Form version ${form.id} (${form.status}) has no service`);
  return form.serviceId;
}
