import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SubmissionEntity } from '../submissions/entities/submission.entity.js';
import { WebhookSubscriptionEntity } from './entities/webhook-subscription.entity.js';
import { QueueService, WEBHOOK_QUEUE, type WebhookJob } from './queue.service.js';

export type SubmissionEventType = 'submission.received' | 'submission.status_changed';

/** Publishes an event to every webhook of the submission's organisation, in the caller's transaction. */
@Injectable()
export class EventPublisher {
  constructor(private readonly queue: QueueService) {}

  async submissionEvent(em: EntityManager, type: SubmissionEventType, submission: SubmissionEntity, extra: Record<string, unknown> = {}): Promise<void> {
    const subscriptions = await em.find(WebhookSubscriptionEntity, { organisationId: submission.organisationId, active: true });
    if (subscriptions.length === 0) return;
    const event: WebhookJob['event'] = {
      id: randomUUID(),
      type,
      occurredAt: new Date().toISOString(),
      organisationId: submission.organisationId,
      data: {
        submissionId: submission.id,
        referenceNumber: submission.referenceNumber,
        formId: submission.formId,
        formVersion: submission.formVersion,
        serviceId: submission.serviceId,
        status: submission.status,
        version: submission.version,
        ...extra,
      },
    };
    for (const subscription of subscriptions) {
      await this.queue.enqueueInTransaction(em, WEBHOOK_QUEUE, { subscriptionId: subscription.id, event } satisfies WebhookJob);
    }
  }
}
