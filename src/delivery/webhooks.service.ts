import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../common/auth/access.guard.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { badUserInput, LotseError, notFound } from '../common/errors/lotse.error.js';
import { assertPageSize, decodeCursor, encodeCursor } from '../common/pagination/cursor.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { WebhookDeliveryEntity } from './entities/webhook-delivery.entity.js';
import { WebhookSubscriptionEntity } from './entities/webhook-subscription.entity.js';
import { SUBMISSION_EVENT_TYPES } from './event-publisher.service.js';
import type { Webhook, WebhookDelivery, WebhookDeliveryConnection, WebhookDeliveryState, WebhookHealth, WebhookRegistration } from './models/webhook.model.js';
import { QueueService, receiverGroup, WEBHOOK_QUEUE, type WebhookJob } from './queue.service.js';
import { checkWebhookUrl } from './url-policy.js';

const webhookNotFound = () => notFound('Diesen Webhook gibt es nicht oder er gehört nicht zu Ihrer Organisation.');

/** Webhooks of an organisation: registration (with the address policy), delivery state, health, redelivery. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly em: EntityManager,
    private readonly queue: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(principal: Principal): Promise<Webhook[]> {
    const rows = await this.em.find(WebhookSubscriptionEntity, { organisationId: principal.organisationId! }, { orderBy: { createdAt: 'asc' } });
    return rows.map(toWebhook);
  }

  async register(principal: Principal, url: string, eventTypes?: string[] | null): Promise<WebhookRegistration> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badUserInput('Die Adresse des Webhooks ist keine gültige URL.', { argument: 'url' });
    }
    if (!['https:', 'http:'].includes(parsed.protocol) || url.length > 2000) throw badUserInput('Webhooks brauchen eine http(s)-Adresse.', { argument: 'url' });
    if (parsed.username || parsed.password) throw badUserInput('Webhook-Adressen dürfen keine Zugangsdaten enthalten.', { argument: 'url' });
    const unknown = (eventTypes ?? []).filter((t) => !(SUBMISSION_EVENT_TYPES as readonly string[]).includes(t));
    if (unknown.length > 0) throw badUserInput(`Unbekannte Ereignisart: ${unknown.join(', ')}. Erlaubt sind ${SUBMISSION_EVENT_TYPES.join(', ')}.`, { argument: 'eventTypes' });
    if (eventTypes && eventTypes.length === 0) throw badUserInput('Ein Webhook braucht mindestens eine Ereignisart (oder keine Angabe für alle).', { argument: 'eventTypes' });
    let verdict;
    try {
      verdict = await checkWebhookUrl(parsed, { allowedHosts: this.config.webhookAllowedHosts });
    } catch {
      throw badUserInput(`Der Name „${parsed.hostname}“ lässt sich nicht auflösen.`, { argument: 'url' });
    }
    if (!verdict.allowed) {
      throw new LotseError(
        ErrorCode.WEBHOOK_URL_FORBIDDEN,
        `Webhooks an ${parsed.hostname} sind nicht erlaubt: ${verdict.reason} (${verdict.address}). Empfänger im eigenen Netz trägt der Betrieb in WEBHOOK_ALLOWED_HOSTS ein.`,
        { argument: 'url' },
      );
    }
    const types = eventTypes ? [...new Set(eventTypes)].sort() : null;
    const secret = randomBytes(32).toString('base64url');
    const em = this.em.fork();
    const row = em.create(WebhookSubscriptionEntity, { organisationId: principal.organisationId!, url, secret, eventTypes: types });
    await em.flush();
    return { ...toWebhook(row), secret };
  }

  async deliveries(webhookId: string, first: number | undefined, after: string | undefined, state: WebhookDeliveryState | undefined): Promise<WebhookDeliveryConnection> {
    const size = assertPageSize(first);
    const where: Record<string, unknown> = { subscriptionId: webhookId, ...(state ? { state } : {}) };
    const position = after ? decodeCursor(after) : undefined;
    const page = position
      ? { ...where, $or: [{ createdAt: { $lt: new Date(position[0]) } }, { createdAt: new Date(position[0]), id: { $gt: position[2] } }] }
      : where;
    const rows = await this.em.fork().find(WebhookDeliveryEntity, page, { orderBy: { createdAt: 'desc', id: 'asc' }, limit: size + 1, exclude: ['event'] as never });
    const edges = rows.slice(0, size).map((row) => ({ cursor: encodeCursor([row.createdAt.getTime(), '', row.id]), node: toDelivery(row) }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > size, hasPreviousPage: !!position, startCursor: edges[0]?.cursor, endCursor: edges[edges.length - 1]?.cursor },
    };
  }

  async health(webhookId: string): Promise<WebhookHealth> {
    const em = this.em.fork();
    const row = await em.findOneOrFail(WebhookSubscriptionEntity, { id: webhookId });
    const deadCount = await em.count(WebhookDeliveryEntity, { subscriptionId: webhookId, state: 'DEAD' });
    return { lastSuccessAt: row.lastSuccessAt, failing: !!row.failingSince, failingSince: row.failingSince, deadCount, paused: !!row.pausedAt, pausedAt: row.pausedAt };
  }

  /** Sends one delivery again, with the same event id (a receiver that has it already can drop it). */
  async redeliver(principal: Principal, deliveryId: string): Promise<WebhookDelivery> {
    if (!/^[0-9a-f-]{36}$/.test(deliveryId)) throw notFound('Diese Zustellung gibt es nicht.');
    return this.em.fork().transactional(async (em) => {
      const delivery = await em.findOne(WebhookDeliveryEntity, { id: deliveryId });
      const subscription = delivery && (await em.findOne(WebhookSubscriptionEntity, { id: delivery.subscriptionId, organisationId: principal.organisationId! }));
      if (!delivery || !subscription) throw notFound('Diese Zustellung gibt es nicht.');
      if (delivery.state === 'PENDING' || delivery.state === 'RETRYING') {
        throw new LotseError(ErrorCode.CONFLICT, 'Diese Zustellung ist noch unterwegs und wird ohnehin wiederholt.', { state: delivery.state });
      }
      delivery.state = 'PENDING';
      delivery.lastError = null;
      await em.flush();
      await this.queue.enqueueInTransaction(em, WEBHOOK_QUEUE, { subscriptionId: subscription.id, deliveryId: delivery.id, event: delivery.event } satisfies WebhookJob, { group: receiverGroup(subscription.url) });
      return toDelivery(delivery);
    });
  }

  /** Starts a paused webhook again and sends what was held while it was paused. */
  async resume(principal: Principal, webhookId: string): Promise<Webhook> {
    return this.em.fork().transactional(async (em) => {
      const subscription = await em.findOne(WebhookSubscriptionEntity, { id: webhookId, organisationId: principal.organisationId! });
      if (!subscription) throw webhookNotFound();
      subscription.pausedAt = null;
      subscription.failingSince = null;
      const held = await em.find(WebhookDeliveryEntity, { subscriptionId: webhookId, state: 'PAUSED' });
      for (const delivery of held) {
        delivery.state = 'PENDING';
        await this.queue.enqueueInTransaction(em, WEBHOOK_QUEUE, { subscriptionId: subscription.id, deliveryId: delivery.id, event: delivery.event } satisfies WebhookJob, { group: receiverGroup(subscription.url) });
      }
      await em.flush();
      return toWebhook(subscription);
    });
  }
}

const toWebhook = (r: WebhookSubscriptionEntity): Webhook => ({ id: r.id, organisationId: r.organisationId, url: r.url, active: r.active, eventTypes: r.eventTypes ?? null });

const toDelivery = (r: WebhookDeliveryEntity): WebhookDelivery => ({
  id: r.id,
  eventId: r.eventId,
  eventType: r.eventType,
  state: r.state as WebhookDeliveryState,
  attempts: r.attempts,
  lastStatus: r.lastStatus,
  lastError: r.lastError,
  lastAttemptAt: r.lastAttemptAt,
  deliveredAt: r.deliveredAt,
  createdAt: r.createdAt,
});
