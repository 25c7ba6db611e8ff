import { Entity, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

/**
 * Where an organisation's submissions go over FIT-Connect: one destination per organisation and service (service
 * null: every service without its own). Secrets are never stored, only the names of the environment variables
 * that hold them.
 */
@Entity({ tableName: 'delivery_destination' })
@Unique({ properties: ['organisationId', 'serviceKey'] })
export class DeliveryDestinationEntity extends BaseEntity {
  @Index()
  @Property({ type: 'text' })
  organisationId!: string;

  /** The service id, or '*' for all services of the organisation. */
  @Property({ type: 'text' })
  serviceKey!: string;

  @Property({ type: 'text' })
  destinationId!: string;

  @Property({ type: 'text' })
  submissionApiUrl!: string;

  @Property({ type: 'text' })
  tokenUrl!: string;

  @Property({ type: 'text' })
  clientId!: string;

  @Property({ type: 'text' })
  clientSecretEnv!: string;

  @Property({ type: 'text' })
  callbackSecretEnv!: string;
}
