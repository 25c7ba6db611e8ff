import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SubmissionEntity } from '../submissions/entities/submission.entity.js';
import { WebhookSubscriptionEntity } from './entities/webhook-subscription.entity.js';
import { EXPORT_QUEUE, MAIL_QUEUE, QueueService, receiverGroup, WEBHOOK_QUEUE, type WebhookJob } from './queue.service.js';
import { statusMail, type MailJob } from './mail.js';
import { FormVersionEntity } from '../forms/entities/form-version.entity.js';
import { resolvePointer } from '../catalog/catalog.checker.js';
import type { SubmissionStatus } from '../submissions/models/submission.model.js';

export const SUBMISSION_EVENT_TYPES = ['submission.received', 'submission.status_changed', 'submission.exported', 'submission.documents_received', 'submission.delivery_changed'] as const;
export type SubmissionEventType = (typeof SUBMISSION_EVENT_TYPES)[number];

/**
 * The id of an event, derived from what it is about (a UUID in the form of version 5): the same change gives the same
 * id however often it is published, so an export that runs again after a crash sends the same `submission.exported`
 * id and a receiver can drop the repeat.
 */
export function stableEventId(...parts: Array<string | number>): string {
  const hex = createHash('sha256').update(`lotse-event:${parts.join(':')}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** What every event says of its submission (`submission.exported` needs no more; the export job reads only this). */
export type EventSubject = Pick<SubmissionEntity, 'id' | 'organisationId' | 'referenceNumber' | 'formId' | 'formVersion' | 'serviceId' | 'status' | 'version'>;

interface KnownForEvent {
  subscriptions?: Array<Pick<WebhookSubscriptionEntity, 'id' | 'url' | 'eventTypes'>>;
  formData?: FormVersionEntity['data'];
}

/** Publishes an event to every webhook of the submission's organisation, in the caller's transaction. */
@Injectable()
export class EventPublisher {
  /** Queues the FIT-Connect delivery of a new submission (set by the FIT-Connect module when it is switched on). */
  private fitConnect?: (em: EntityManager, submission: SubmissionEntity) => Promise<void>;

  constructor(private readonly queue: QueueService) {}

  onReceipt(hook: (em: EntityManager, submission: SubmissionEntity) => Promise<void>): void {
    this.fitConnect = hook;
  }

  /** Whether a receipt does more than what submitForm's single statement writes (a hook is set). */
  get receiptHooked(): boolean {
    return this.fitConnect !== undefined;
  }

  /**
   * `known` spares the look-ups the caller has already made in its own statements: the organisation's active
   * subscriptions, and the form's settings (for the applicant's e-mail).
   */
  async submissionEvent(em: EntityManager, type: 'submission.exported', submission: EventSubject, extra: Record<string, unknown>, known: KnownForEvent): Promise<void>;
  async submissionEvent(em: EntityManager, type: SubmissionEventType, submission: SubmissionEntity, extra?: Record<string, unknown>, known?: KnownForEvent): Promise<void>;
  async submissionEvent(em: EntityManager, type: SubmissionEventType, subject: SubmissionEntity | EventSubject, extra: Record<string, unknown> = {}, known: KnownForEvent = {}): Promise<void> {
    // only the events of a new submission and of a status change need more than the subject (the applicant's e-mail)
    const submission = subject as SubmissionEntity;
    // one id per event, the same however often it is published: received once per submission, a status change once
    // per version, documents once per request, an export once per message (a rerun after a crash hands out the same
    // kept message; a message rebuilt after later documents is a new event)
    const discriminator =
      type === 'submission.status_changed' ? submission.version
      : type === 'submission.documents_received' ? String(extra.requestId)
      : type === 'submission.exported' ? createHash('sha256').update(String(extra.xml)).digest('hex')
      : type === 'submission.delivery_changed' ? `${String((extra.delivery as { id?: string } | undefined)?.id)}:${String((extra.delivery as { state?: string } | undefined)?.state)}`
      : 0;
    const eventId = stableEventId(submission.id, type, discriminator);
    if (type === 'submission.received' || type === 'submission.status_changed') await this.notifyApplicant(em, submission, eventId, typeof extra.publicNote === 'string' ? extra.publicNote : undefined, known.formData);
    if (type === 'submission.received') await this.queue.enqueueInTransaction(em, EXPORT_QUEUE, { submissionId: submission.id });
    if (type === 'submission.received') await this.fitConnect?.(em, submission);
    const subscriptions = (known.subscriptions ?? (await em.find(WebhookSubscriptionEntity, { organisationId: submission.organisationId, active: true }))).filter(
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
      // one delivery per webhook and event: a second publication of the same event (an export run again) adds nothing
      const inserted = await em.getConnection().execute<Array<{ id: string }>>(
        `insert into webhook_delivery (id, created_at, updated_at, subscription_id, event_id, event_type, event, state)
         values (?, now(), now(), ?, ?, ?, ?::jsonb, 'PENDING') on conflict (subscription_id, event_id) do nothing returning id`,
        [randomUUID(), subscription.id, eventId, type, JSON.stringify(event)],
        'all',
        em.getTransactionContext(),
      );
      const deliveryId = inserted[0]?.id;
      if (!deliveryId) continue;
      await this.queue.enqueueInTransaction(em, WEBHOOK_QUEUE, { subscriptionId: subscription.id, deliveryId, event } satisfies WebhookJob, { group: receiverGroup(subscription.url) });
    }
  }

  /** An e-mail to the applicant, when the form names an address field, it is filled in and SMTP is configured. */
  private async notifyApplicant(em: EntityManager, submission: SubmissionEntity, eventId: string, note?: string, formData?: FormVersionEntity['data']): Promise<void> {
    if (!this.queue.mailEnabled) return;
    const data = formData ?? (await em.findOne(FormVersionEntity, { id: `${submission.formId}@${submission.formVersion}` }, { fields: ['data'] }))?.data;
    const field = data?.notify?.emailField;
    const to = field ? resolvePointer(submission.data, field) : undefined;
    if (typeof to !== 'string' || !to.includes('@')) return;
    const mail = statusMail(submission.locale, submission.referenceNumber, submission.status as SubmissionStatus, note, submission.requestedDocuments ?? []);
    await this.queue.enqueueInTransaction(em, MAIL_QUEUE, { ...mail, to, eventId } satisfies MailJob);
  }
}
