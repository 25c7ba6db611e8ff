import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** The last reference number given out per year. */
@Entity({ tableName: 'reference_counter' })
export class ReferenceCounterEntity {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  year!: number;

  @Property({ type: 'integer' })
  value!: number;
}
