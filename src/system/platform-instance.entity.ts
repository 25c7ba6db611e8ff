import { Entity, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../database/base.entity.js';

/**
 * The identity of this Lotse installation: created once by the first migration and kept for the
 * lifetime of the database. Exports and logs name it so that messages can be traced to their source.
 */
@Entity({ tableName: 'platform_instance' })
export class PlatformInstance extends BaseEntity {
  @Property({ type: 'text' })
  label!: string;
}
