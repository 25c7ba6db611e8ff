import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** Fixed-window counters shared by every instance (keyed e.g. `submit:<client address>`). */
@Entity({ tableName: 'rate_limit_bucket' })
export class RateLimitBucketEntity {
  @PrimaryKey({ type: 'text' })
  key!: string;

  @PrimaryKey({ type: 'datetime', columnType: 'timestamptz' })
  windowStart!: Date;

  @Property({ type: 'integer' })
  count!: number;
}
