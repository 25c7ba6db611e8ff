import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

export type CatalogSyncOutcome = 'APPLIED' | 'UNCHANGED' | 'REJECTED';

/** One attempt to sync the catalog: what changed, or why it was refused. */
@Entity({ tableName: 'catalog_sync_run' })
export class CatalogSyncRun extends BaseEntity {
  @Enum({ items: ['APPLIED', 'UNCHANGED', 'REJECTED'], nativeEnumName: 'catalog_sync_outcome' })
  outcome!: CatalogSyncOutcome;

  @Property({ type: 'integer' })
  filesChanged: Opt<number> = 0;

  @Property({ type: 'integer' })
  filesRemoved: Opt<number> = 0;

  @Property({ type: 'integer' })
  newServiceVersions: Opt<number> = 0;

  /** The checker's problems when the catalog was refused (`file:pointer: message`). */
  @Property({ type: 'json', nullable: true })
  problems?: string[];
}
