import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import type { MunicipalOverrideFile } from '../../generated/municipal-override.js';
import { CatalogEntity } from './catalog-entity.base.js';

/** id is `<ags>/<service id>`. */
@Entity({ tableName: 'municipal_override' })
@Index({ properties: ['ags', 'serviceId'] })
export class MunicipalOverrideEntity extends CatalogEntity {
  @Property({ type: 'text' })
  ags!: string;

  @Property({ type: 'text' })
  serviceId!: string;

  @Property({ type: 'json' })
  data!: MunicipalOverrideFile;
}
