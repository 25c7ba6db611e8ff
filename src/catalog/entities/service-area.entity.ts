import { Entity, Property } from '@mikro-orm/decorators/legacy';
import type { ServiceAreaFile } from '../../generated/service-area.js';
import { CatalogEntity } from './catalog-entity.base.js';

@Entity({ tableName: 'service_area' })
export class ServiceAreaEntity extends CatalogEntity {
  @Property({ type: 'integer' })
  position!: number;

  @Property({ type: 'json' })
  data!: ServiceAreaFile;
}
