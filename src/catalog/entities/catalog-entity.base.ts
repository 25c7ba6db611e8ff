import type { Opt } from '@mikro-orm/core';
import { PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** Catalog entities keep the catalog's own ids (slugs, AGS) as primary keys. */
export abstract class CatalogEntity {
  @PrimaryKey({ type: 'text' })
  id!: string;

  /** SHA-256 of the source file. */
  @Property({ type: 'text' })
  contentHash!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Opt<Date> = new Date();
}
