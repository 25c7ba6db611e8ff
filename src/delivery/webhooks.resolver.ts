import { randomBytes } from 'node:crypto';
import { Args, Context, Field, ID, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { EntityManager } from '@mikro-orm/postgresql';
import { RequirePermission } from '../common/auth/access.decorators.js';
import { Permission } from '../common/auth/permission.js';
import { badUserInput } from '../common/errors/lotse.error.js';
import type { GraphQLContext } from '../graphql/graphql.module.js';
import { WebhookSubscriptionEntity } from './entities/webhook-subscription.entity.js';

@ObjectType()
export class Webhook {
  @Field(() => ID) id!: string;
  @Field() organisationId!: string;
  @Field() url!: string;
  @Field() active!: boolean;
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
    return rows.map((r) => ({ id: r.id, organisationId: r.organisationId, url: r.url, active: r.active }));
  }

  @RequirePermission(Permission.ADMINISTER)
  @Mutation(() => WebhookRegistration, { description: 'Events of your organisation will be POSTed to this URL, signed (x-lotse-signature: t=…,v1=HMAC-SHA256(secret, "t.body")).' })
  async registerWebhook(@Context() ctx: GraphQLContext, @Args('url', { type: () => String }) url: string): Promise<WebhookRegistration> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badUserInput('Die Adresse des Webhooks ist keine gültige URL.', { argument: 'url' });
    }
    if (!['https:', 'http:'].includes(parsed.protocol) || url.length > 2000) throw badUserInput('Webhooks brauchen eine http(s)-Adresse.', { argument: 'url' });
    const secret = randomBytes(32).toString('base64url');
    const row = this.em.create(WebhookSubscriptionEntity, { organisationId: ctx.principal!.organisationId!, url, secret });
    await this.em.flush();
    return { id: row.id, organisationId: row.organisationId, url: row.url, active: row.active, secret };
  }
}
