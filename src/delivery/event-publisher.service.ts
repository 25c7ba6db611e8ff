import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SubmissionEntity } from '../submissions/entities/submission.entity.js';
import { WebhookSubscriptionEntity } from './entities/webhook-subscription.entity.js';
import { EXPORT_QUEUE, MAIL_QUEUE, QueueService, WEBHOOK_QUEUE, type WebhookJob } from './queue.service.js';
import { statusMail, type MailJob } from './mail.js';
import { FormVersionEntity } from '../forms/entities/form-version.entity.js';
import { resolvePointer } from '../catalog/catalog.checker.js';
import type { SubmissionStatus } from '../submissions/models/submission.model.js';

export const SUBMISSION_EVENT_TYPES = ['submission.received', 'submission.status_changed', 'submission.exported', 'submission.documents_received'] as const;
export type SubmissionEventType = (typeof SUBMISSION_EVENT_TYPES)[number];

/** Publishes an event to every webhook of the submission's organisation, in the caller's transaction. */
@Injectable()
export class EventPublisher {
  constructor(private readonly queue: QueueService) {}

  async submissionEvent(em: EntityManager, type: SubmissionEventType, submission: SubmissionEntity, extra: Record<string, unknown> = {}): Promise<void> {
    const eventId = randomUUID();
    if (type === 'submission.received' || type === 'submission.status_changed') await this.notifyApplicant(em, submission, eventId, typeof extra.publicNote === 'string' ? extra.publicNote : undefined);
    if (type === 'submission.received') await this.queue.enqueueInTransaction(em, EXPORT_QUEUE, { submissionId: submission.id });
    const subscriptions = (await em.find(WebhookSubscriptionEntity, { organisationId: submission.organisationId, active: true })).filter(
      (s) => !s.eventTypes || s.eventTypes.includes(type),
    );
    if (subscriptions.length === 0) return;
    const event: WebhookJob['event'] = {
      id: eventId,
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

  /** An e-mail to the applicant, when the form names an address field, it is filled in and SMTP is configured. */
  private async notifyApplicant(em: EntityManager, submission: SubmissionEntity, eventId: string, note?: string): Promise<void> {
    if (!this.queue.mailEnabled) return;
    const form = await em.findOne(FormVersionEntity, { id: `${submission.formId}@${submission.formVersion}` }, { fields: ['data'] });
    const field = form?.data.notify?.emailField;
    const to = field ? resolvePointer(submission.data, field) : undefined;
    if (typeof to !== 'string' || !to.includes('@')) return;
    const mail = statusMail(submission.locale, submission.referenceNumber, submission.status as SubmissionStatus, note, submission.requestedDocuments ?? []);
    await this.queue.enqueueInTransaction(em, MAIL_QUEUE, { ...mail, to, eventId } satisfies MailJob);
  }
}
