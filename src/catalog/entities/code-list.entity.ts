import { Entity, Property } from '@mikro-orm/decorators/legacy';
import type { CodeListFile } from '../../generated/code-list.js';
import { CatalogEntity } from './catalog-entity.base.js';

@Entity({ tableName: 'code_list' })
export class CodeListEntity extends CatalogEntity {
  @Property({ type: 'text' })
  version!: string;

  @Property({ type: 'json' })
  data!: CodeListFile;
}
