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

  /** When a delivery last succeeded. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastSuccessAt?: Date | null;

  /** Since when every attempt has failed (null while deliveries succeed). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  failingSince?: Date | null;

  /** Set when the receiver failed for WEBHOOK_DISABLE_AFTER; no attempts until an administrator resumes it. */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  pausedAt?: Date | null;
}
