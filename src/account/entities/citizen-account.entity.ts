import { Entity, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

/** A citizen account as Lotse knows it: the issuer and the subject of its tokens, nothing else about the person. */
@Entity({ tableName: 'citizen_account' })
@Unique({ properties: ['issuer', 'subject'] })
export class CitizenAccountEntity extends BaseEntity {
  @Property({ type: 'text' })
  issuer!: string;

  @Property({ type: 'text' })
  subject!: string;
}
