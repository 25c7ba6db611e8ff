import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Transaction } from 'kysely';
import { fromKysely, PgBoss, type Job } from 'pg-boss';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { DATABASE_URL } from '../database/database.module.js';
import { WebhookSubscriptionEntity } from './entities/webhook-subscription.entity.js';
import { signWebhook } from './signature.js';
import { createTransport } from 'nodemailer';
import type { MailJob } from './mail.js';

export const WEBHOOK_QUEUE = 'lotse-webhook';
export const WEBHOOK_DEAD_QUEUE = 'lotse-webhook-dead';
export const QUEUE_SCHEMA = 'pgboss';
export const MAIL_QUEUE = 'lotse-mail';
export const EXPORT_QUEUE = 'lotse-export';

export interface WebhookJob {
  subscriptionId: string;
  /** The event as delivered; its `id` stays the same on every attempt, so receivers can deduplicate. */
  event: { id: string; type: string; occurredAt: string; organisationId: string; data: Record<string, unknown> };
}

/**
 * The job queue (pg-boss on the same PostgreSQL). Events are enqueued inside the transaction of the change
 * that caused them (the queue's table is the outbox); the worker delivers them, retrying with exponential
 * back-off and parking them in the dead-letter queue after WEBHOOK_MAX_ATTEMPTS.
 */
@Injectable()
export class QueueService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(QueueService.name);
  private boss?: PgBoss;
  private working = false;
  private active = 0;
  private readonly extraWorkers = new Map<string, (data: unknown) => Promise<void>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    private readonly em: EntityManager,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.queueEnabled) return;
    this.boss = createBoss(this.databaseUrl, this.config);
    this.boss.on('error', (error: Error) => this.logger.warn({ msg: 'job queue error', err: error.message }));
    await this.boss.start();
    await ensureQueues(this.boss, this.config);
    if (this.config.workerEnabled) await this.startWorker();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.boss?.stop({ graceful: true, timeout: 5000, close: true });
  }

  /** Jobs this process is working on now (for the log of a shutdown that missed its deadline). */
  activeJobs(): number {
    return this.active;
  }

  get mailEnabled(): boolean {
    return !!this.config.smtpUrl;
  }

  /** Enqueues a job in the transaction `em` runs in (call inside `em.transactional`). */
  async enqueueInTransaction(em: EntityManager, name: string, data: object): Promise<void> {
    const trx = em.getTransactionContext<Transaction<unknown>>();
    if (!trx) throw new Error('enqueueInTransaction needs a transaction');
    if (!this.boss) throw new Error('the job queue is switched off (QUEUE_ENABLED=false)');
    await this.boss!.send(name, data, { db: fromKysely(trx as never) });
  }

  /** Adds a worker for another queue (started with the others, and at once when they already run). */
  async addWorker<T>(name: string, handler: (data: T) => Promise<void>): Promise<void> {
    this.extraWorkers.set(name, handler as (data: unknown) => Promise<void>);
    if (this.working) await this.boss!.work(name, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => handler(job.data as T));
  }

  /** Enqueues a job outside any transaction. */
  async enqueue(name: string, data: object): Promise<void> {
    if (!this.boss) throw new Error('the job queue is switched off (QUEUE_ENABLED=false)');
    await this.boss.send(name, data);
  }

  async startWorker(): Promise<void> {
    if (this.working || !this.boss) return;
    this.working = true;
    for (const [name, handler] of this.extraWorkers) {
      await this.boss.work(name, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => handler(job.data));
    }
    await this.boss!.work<WebhookJob>(WEBHOOK_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => this.deliver(job));
    if (this.config.smtpUrl) {
      const transport = createTransport(this.config.smtpUrl);
      await this.boss!.work<MailJob>(MAIL_QUEUE, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
        await transport.sendMail({ from: this.config.mailFrom, to: job.data.to, subject: job.data.subject, text: job.data.text, messageId: `<${job.data.eventId}@lotse>` });
      });
    }
  }

  /** Stops taking jobs; with `abandon`, jobs in flight are left to expire and be retried (as after a crash). */
  async stopWorker(abandon = false): Promise<void> {
    this.working = false;
    await this.boss!.offWork(WEBHOOK_QUEUE, { wait: !abandon });
    for (const name of this.extraWorkers.keys()) await this.boss!.offWork(name, { wait: !abandon });
    if (this.config.smtpUrl) await this.boss!.offWork(MAIL_QUEUE, { wait: !abandon });
  }

  private async deliver(job: Job<WebhookJob>): Promise<void> {
    const subscription = await this.em.fork().findOne(WebhookSubscriptionEntity, { id: job.data.subscriptionId, active: true });
    if (!subscription) return; // unsubscribed meanwhile: nothing to deliver
    const body = JSON.stringify(job.data.event);
    const response = await fetch(subscription.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Lotse-Webhooks/1',
        'x-lotse-event-id': job.data.event.id,
        'x-lotse-event-type': job.data.event.type,
        'x-lotse-signature': signWebhook(subscription.secret, body),
      },
      body,
      signal: AbortSignal.timeout(this.config.webhookTimeoutMs),
      redirect: 'manual',
    });
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`webhook ${subscription.id} answered ${response.status}`);
    }
  }
}

export function createBoss(databaseUrl: string, config: Pick<AppConfig, 'queueSuperviseSeconds'>): PgBoss {
  return new PgBoss({ connectionString: databaseUrl, schema: QUEUE_SCHEMA, max: 4, superviseIntervalSeconds: config.queueSuperviseSeconds, schedule: false });
}

export async function ensureQueues(boss: PgBoss, config: Pick<AppConfig, 'webhookMaxAttempts' | 'webhookRetryDelaySeconds' | 'queueExpireSeconds'>): Promise<void> {
  await boss.createQueue(WEBHOOK_DEAD_QUEUE, { retentionSeconds: 30 * 86400 } as never).catch(() => undefined);
  const options = {
    retryLimit: config.webhookMaxAttempts - 1,
    retryDelay: config.webhookRetryDelaySeconds,
    retryBackoff: true,
    retryDelayMax: 6 * 3600,
    expireInSeconds: config.queueExpireSeconds,
    deadLetter: WEBHOOK_DEAD_QUEUE,
  };
  if (await boss.getQueue(WEBHOOK_QUEUE)) await boss.updateQueue(WEBHOOK_QUEUE, options as never);
  else await boss.createQueue(WEBHOOK_QUEUE, options as never);
  if (!(await boss.getQueue(EXPORT_QUEUE))) {
    await boss.createQueue(EXPORT_QUEUE, { retryLimit: 3, retryDelay: config.webhookRetryDelaySeconds, retryBackoff: true, expireInSeconds: config.queueExpireSeconds } as never);
  }
  if (!(await boss.getQueue(MAIL_QUEUE))) {
    await boss.createQueue(MAIL_QUEUE, { retryLimit: 5, retryDelay: config.webhookRetryDelaySeconds, retryBackoff: true, expireInSeconds: config.queueExpireSeconds } as never);
  }
}
