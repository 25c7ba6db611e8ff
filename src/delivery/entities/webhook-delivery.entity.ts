import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

export type WebhookDeliveryStateValue = 'PENDING' | 'RETRYING' | 'DELIVERED' | 'DEAD' | 'PAUSED';

/** The event as it is POSTed; its `id` is stable per event (retries and redeliveries reuse it). */
export interface WebhookEventPayload {
  id: string;
  type: string;
  occurredAt: string;
  organisationId: string;
  data: Record<string, unknown>;
}

/**
 * One event for one webhook, and where its delivery stands. Written in the transaction that caused the event (beside
 * the queue job), updated by the worker after each attempt; at most one per webhook and event id.
 */
@Entity({ tableName: 'webhook_delivery' })
@Unique({ properties: ['subscriptionId', 'eventId'] })
@Index({ properties: ['subscriptionId', 'createdAt'] })
export class WebhookDeliveryEntity extends BaseEntity {
  @Property({ type: 'uuid' })
  subscriptionId!: string;

  @Property({ type: 'uuid' })
  eventId!: string;

  @Property({ type: 'text' })
  eventType!: string;

  @Property({ type: 'json' })
  event!: WebhookEventPayload;

  @Index()
  @Property({ type: 'text' })
  state: Opt<WebhookDeliveryStateValue> = 'PENDING';

  @Property({ type: 'integer' })
  attempts: Opt<number> = 0;

  @Property({ type: 'integer', nullable: true })
  lastStatus?: number | null;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastAttemptAt?: Date | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  deliveredAt?: Date | null;
}
