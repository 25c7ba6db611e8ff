import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { RequirePermission } from '../common/auth/access.decorators.js';
import type { Principal } from '../common/auth/access.guard.js';
import { Permission } from '../common/auth/permission.js';
import type { GraphQLContext } from '../graphql/graphql.module.js';
import { SUBMISSION_EVENT_TYPES } from './event-publisher.service.js';
import { Webhook, WebhookDelivery, WebhookDeliveryConnection, WebhookDeliveryState, WebhookHealth, WebhookRegistration } from './models/webhook.model.js';
import { WebhooksService } from './webhooks.service.js';

export { Webhook, WebhookRegistration };

const principal = (ctx: GraphQLContext): Principal => ctx.principal as Principal;

/** Administrators register where their organisation's events go, and see how the deliveries are doing. */
@Resolver(() => Webhook)
export class WebhooksResolver {
  constructor(private readonly service: WebhooksService) {}

  @RequirePermission(Permission.ADMINISTER)
  @Query(() => [Webhook])
  webhooks(@Context() ctx: GraphQLContext): Promise<Webhook[]> {
    return this.service.list(principal(ctx));
  }

  @RequirePermission(Permission.ADMINISTER)
  @Mutation(() => WebhookRegistration, {
    description:
      'Events of your organisation will be POSTed to this URL, signed (x-lotse-signature: t=…,v1=HMAC-SHA256(secret, "t.body")). Addresses in loopback, private or link-local networks or of this server are refused (WEBHOOK_URL_FORBIDDEN) unless the operator lists host:port in WEBHOOK_ALLOWED_HOSTS.',
  })
  registerWebhook(
    @Context() ctx: GraphQLContext,
    @Args('url', { type: () => String }) url: string,
    @Args('eventTypes', { type: () => [String], nullable: true, description: `Only these event types (${SUBMISSION_EVENT_TYPES.join(', ')}); all when omitted.` })
    eventTypes?: string[] | null,
  ): Promise<WebhookRegistration> {
    return this.service.register(principal(ctx), url, eventTypes);
  }

  @RequirePermission(Permission.ADMINISTER)
  @Mutation(() => WebhookDelivery, { description: 'Sends a delivery (a WebhookDelivery id) again, with the same event id; for DEAD, PAUSED or DELIVERED ones.' })
  redeliverWebhookEvent(@Context() ctx: GraphQLContext, @Args('id', { type: () => ID }) id: string): Promise<WebhookDelivery> {
    return this.service.redeliver(principal(ctx), id);
  }

  @RequirePermission(Permission.ADMINISTER)
  @Mutation(() => Webhook, { description: 'Starts a paused webhook again and sends the deliveries held meanwhile.' })
  resumeWebhook(@Context() ctx: GraphQLContext, @Args('id', { type: () => ID }) id: string): Promise<Webhook> {
    return this.service.resume(principal(ctx), id);
  }

  @ResolveField(() => WebhookDeliveryConnection, { description: 'Deliveries of this webhook, newest first (Relay, first at most 100).' })
  deliveries(
    @Parent() webhook: Webhook,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('state', { type: () => WebhookDeliveryState, nullable: true }) state?: WebhookDeliveryState,
  ): Promise<WebhookDeliveryConnection> {
    return this.service.deliveries(webhook.id, first ?? undefined, after ?? undefined, state ?? undefined);
  }

  @ResolveField(() => WebhookHealth)
  health(@Parent() webhook: Webhook): Promise<WebhookHealth> {
    return this.service.health(webhook.id);
  }
}
