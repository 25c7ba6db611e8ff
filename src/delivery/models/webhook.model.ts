import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PageInfo } from '../../catalog/models/service.model.js';
import { DateTimeScalar } from '../../graphql/scalars/date-time.scalar.js';

export enum WebhookDeliveryState {
  PENDING = 'PENDING',
  RETRYING = 'RETRYING',
  DELIVERED = 'DELIVERED',
  DEAD = 'DEAD',
  PAUSED = 'PAUSED',
}
registerEnumType(WebhookDeliveryState, {
  name: 'WebhookDeliveryState',
  description: 'PENDING: queued; RETRYING: failed, will be tried again; DELIVERED: the receiver answered 2xx; DEAD: given up (redeliverable); PAUSED: held while the webhook is paused.',
});

@ObjectType()
export class Webhook {
  @Field(() => ID) id!: string;
  @Field() organisationId!: string;
  @Field() url!: string;
  @Field() active!: boolean;
  @Field(() => [String], { nullable: true, description: 'The event types delivered; null for all.' }) eventTypes!: string[] | null;
}

@ObjectType({ description: 'A new webhook; the signing secret is shown only here.' })
export class WebhookRegistration extends Webhook {
  @Field() secret!: string;
}

@ObjectType({ description: 'One event for one webhook and where its delivery stands.' })
export class WebhookDelivery {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: 'The event id (x-lotse-event-id), the same on every attempt and redelivery.' }) eventId!: string;
  @Field() eventType!: string;
  @Field(() => WebhookDeliveryState) state!: WebhookDeliveryState;
  @Field(() => Int) attempts!: number;
  @Field(() => Int, { nullable: true, description: 'HTTP status of the last attempt.' }) lastStatus?: number | null;
  @Field(() => String, { nullable: true, description: 'Why the last attempt failed.' }) lastError?: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastAttemptAt?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) deliveredAt?: Date | null;
  @Field(() => DateTimeScalar) createdAt!: Date;
}

@ObjectType()
export class WebhookDeliveryEdge {
  @Field() cursor!: string;
  @Field(() => WebhookDelivery) node!: WebhookDelivery;
}

@ObjectType()
export class WebhookDeliveryConnection {
  @Field(() => [WebhookDeliveryEdge]) edges!: WebhookDeliveryEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType({ description: 'How a webhook is doing.' })
export class WebhookHealth {
  @Field(() => DateTimeScalar, { nullable: true }) lastSuccessAt?: Date | null;
  @Field({ description: 'Whether every attempt since the last success has failed.' }) failing!: boolean;
  @Field(() => DateTimeScalar, { nullable: true }) failingSince?: Date | null;
  @Field(() => Int, { description: 'Deliveries given up (redeliverable with redeliverWebhookEvent).' }) deadCount!: number;
  @Field({ description: 'Paused after failing for WEBHOOK_DISABLE_AFTER; resumeWebhook starts it again.' }) paused!: boolean;
  @Field(() => DateTimeScalar, { nullable: true }) pausedAt?: Date | null;
}
