import type { Opt } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** The content hash of each catalog file at the last successful sync, so unchanged files are skipped. */
@Entity({ tableName: 'catalog_file' })
export class CatalogFile {
  @PrimaryKey({ type: 'text' })
  path!: string;

  @Property({ type: 'text' })
  kind!: string;

  @Property({ type: 'text' })
  contentHash!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  syncedAt: Opt<Date> = new Date();
}
