import { Entity, Property, Unique } from '@mikro-orm/decorators/legacy';
import type { ServiceFile } from '../../generated/service.js';
import { BaseEntity } from '../../database/base.entity.js';

/** Every version a service has had; submissions point at the one they were made with. */
@Entity({ tableName: 'service_version' })
@Unique({ properties: ['serviceId', 'version'] })
export class ServiceVersionEntity extends BaseEntity {
  @Property({ type: 'text' })
  serviceId!: string;

  @Property({ type: 'integer' })
  version!: number;

  @Property({ type: 'text' })
  contentHash!: string;

  @Property({ type: 'text' })
  status!: ServiceFile['status'];

  @Property({ type: 'json' })
  data!: ServiceFile;
}
