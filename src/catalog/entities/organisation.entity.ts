import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import type { OrganisationFile } from '../../generated/organisation.js';
import { CatalogEntity } from './catalog-entity.base.js';

@Entity({ tableName: 'organisation' })
export class OrganisationEntity extends CatalogEntity {
  @Property({ type: 'text' })
  kind!: OrganisationFile['kind'];

  @Index()
  @Property({ type: 'text', nullable: true })
  ags?: string;

  @Index()
  @Property({ type: 'text', nullable: true })
  parentId?: string;

  @Property({ type: 'json' })
  data!: OrganisationFile;
}
