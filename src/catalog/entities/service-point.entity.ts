import { Entity, Property } from '@mikro-orm/decorators/legacy';
import type { ServicePointFile } from '../../generated/service-point.js';
import { CatalogEntity } from './catalog-entity.base.js';

@Entity({ tableName: 'service_point' })
export class ServicePointEntity extends CatalogEntity {
  @Property({ type: 'text' })
  kind!: ServicePointFile['kind'];

  @Property({ type: 'json' })
  data!: ServicePointFile;
}
