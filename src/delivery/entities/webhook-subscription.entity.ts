import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

/** Where an organisation wants its events delivered, with the secret that signs them. */
@Entity({ tableName: 'webhook_subscription' })
export class WebhookSubscriptionEntity extends BaseEntity {
  @Index()
  @Property({ type: 'text' })
  organisationId!: string;

  @Property({ type: 'text' })
  url!: string;

  @Property({ type: 'text', hidden: true })
  secret!: string;

  @Property({ type: 'boolean' })
  active: Opt<boolean> = true;

  /** The event types delivered to this URL; null for all. */
  @Property({ type: 'text[]', nullable: true })
  eventTypes?: string[] | null;
}
