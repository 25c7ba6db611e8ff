import { randomBytes } from 'node:crypto';
import { Args, Context, Field, ID, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { EntityManager } from '@mikro-orm/postgresql';
import { RequirePermission } from '../common/auth/access.decorators.js';
import { Permission } from '../common/auth/permission.js';
import { badUserInput } from '../common/errors/lotse.error.js';
import type { GraphQLContext } from '../graphql/graphql.module.js';
import { WebhookSubscriptionEntity } from './entities/webhook-subscription.entity.js';
import { SUBMISSION_EVENT_TYPES } from './event-publisher.service.js';

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

/** Administrators register where their organisation's events go. */
@Resolver(() => Webhook)
export class WebhooksResolver {
  constructor(private readonly em: EntityManager) {}

  @RequirePermission(Permission.ADMINISTER)
  @Query(() => [Webhook])
  async webhooks(@Context() ctx: GraphQLContext): Promise<Webhook[]> {
    const rows = await this.em.find(WebhookSubscriptionEntity, { organisationId: ctx.principal!.organisationId! }, { orderBy: { createdAt: 'asc' } });
    return rows.map((r) => ({ id: r.id, organisationId: r.organisationId, url: r.url, active: r.active, eventTypes: r.eventTypes ?? null }));
  }

  @RequirePermission(Permission.ADMINISTER)
  @Mutation(() => WebhookRegistration, { description: 'Events of your organisation will be POSTed to this URL, signed (x-lotse-signature: t=…,v1=HMAC-SHA256(secret, "t.body")).' })
  async registerWebhook(
    @Context() ctx: GraphQLContext,
    @Args('url', { type: () => String }) url: string,
    @Args('eventTypes', { type: () => [String], nullable: true, description: `Only these event types (${SUBMISSION_EVENT_TYPES.join(', ')}); all when omitted.` })
    eventTypes?: string[] | null,
  ): Promise<WebhookRegistration> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badUserInput('Die Adresse des Webhooks ist keine gültige URL.', { argument: 'url' });
    }
    if (!['https:', 'http:'].includes(parsed.protocol) || url.length > 2000) throw badUserInput('Webhooks brauchen eine http(s)-Adresse.', { argument: 'url' });
    const unknown = (eventTypes ?? []).filter((t) => !(SUBMISSION_EVENT_TYPES as readonly string[]).includes(t));
    if (unknown.length > 0) throw badUserInput(`Unbekannte Ereignisart: ${unknown.join(', ')}. Erlaubt sind ${SUBMISSION_EVENT_TYPES.join(', ')}.`, { argument: 'eventTypes' });
    if (eventTypes && eventTypes.length === 0) throw badUserInput('Ein Webhook braucht mindestens eine Ereignisart (oder keine Angabe für alle).', { argument: 'eventTypes' });
    const types = eventTypes ? [...new Set(eventTypes)].sort() : null;
    const secret = randomBytes(32).toString('base64url');
    const row = this.em.create(WebhookSubscriptionEntity, { organisationId: ctx.principal!.organisationId!, url, secret, eventTypes: types });
    await this.em.flush();
    return { id: row.id, organisationId: row.organisationId, url: row.url, active: row.active, eventTypes: types, secret };
  }
}
