import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * The number of the published catalog (one row, id 1). Every change to the catalog (sync, import, publishForm)
 * raises it in the transaction of the change and notifies `lotse_catalog`; every instance rebuilds its in-memory
 * snapshot when it sees a higher number (src/catalog/catalog-store.service.ts).
 */
@Entity({ tableName: 'catalog_generation' })
export class CatalogGenerationEntity {
  @PrimaryKey({ type: 'smallint', autoincrement: false })
  id!: number;

  @Property({ type: 'bigint' })
  generation!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  changedAt!: Date;
}
