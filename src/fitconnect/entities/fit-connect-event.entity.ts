import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** A Security Event Token of the Zustelldienst, applied once: its `jti` is the key. */
@Entity({ tableName: 'fit_connect_event' })
export class FitConnectEventEntity {
  @PrimaryKey({ type: 'text' })
  jti!: string;

  @Index()
  @Property({ type: 'uuid' })
  deliveryId!: string;

  @Property({ type: 'text' })
  eventType!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  issuedAt!: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  appliedAt: Date = new Date();
}
