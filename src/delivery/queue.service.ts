import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Transaction } from 'kysely';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { fromKysely, PgBoss, type JobWithMetadata } from 'pg-boss';
import { preparedText } from '../database/prepared-statements.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { DATABASE_URL } from '../database/database.module.js';
import type { WebhookDeliveryStateValue, WebhookEventPayload } from './entities/webhook-delivery.entity.js';
import { WebhookSubscriptionEntity } from './entities/webhook-subscription.entity.js';
import { forbiddenAddress, guardedLookup, hostKey, isAllowedHost, type UrlPolicy } from './url-policy.js';
import { signWebhook } from './signature.js';
import { createTransport } from 'nodemailer';
import type { MailJob } from './mail.js';

export const WEBHOOK_QUEUE = 'lotse-webhook';
export const WEBHOOK_DEAD_QUEUE = 'lotse-webhook-dead';
export const QUEUE_SCHEMA = 'pgboss';
export const MAIL_QUEUE = 'lotse-mail';
export const EXPORT_QUEUE = 'lotse-export';
/** Deletion with proof of cases past their period (archive/); one run at a time, retried after a crash. */
export const ARCHIVE_DELETE_QUEUE = 'lotse-archive-delete';
/** FIT-Connect deliveries (src/fitconnect/); jobs that used up FITCONNECT_MAX_ATTEMPTS go to the dead queue. */
export const FITCONNECT_QUEUE = 'lotse-fitconnect';
export const FITCONNECT_DEAD_QUEUE = 'lotse-fitconnect-dead';

export interface WebhookJob {
  subscriptionId: string;
  /** The delivery row this job works for (jobs enqueued before deliveries were recorded have none). */
  deliveryId?: string;
  /** The event as delivered; its `id` stays the same on every attempt, so receivers can deduplicate. */
  event: WebhookEventPayload;
}

/** pg-boss's statement that inserts a job, for a caller's own statement (see QueueService.jobInsert). */
export interface JobInsert {
  /** pg-boss's INSERT … RETURNING id */
  text: string;
  /** its only parameter, as it appears in `text` */
  parameter: string;
  /** the parameter's value for a submission's job */
  payload(submissionId: string): string;
}

/** A worker of another queue (addWorker): its handler and how many jobs it fetches at once. */
interface ExtraWorker {
  handler: (data: unknown) => Promise<void>;
  batchSize: number;
}

/** At most this many deliveries to one receiver (host:port) at once, across all instances. */
export const PER_RECEIVER = 2;

/** pg-boss group of a receiver: its host and port, so that one slow receiver holds at most PER_RECEIVER workers. */
export const receiverGroup = (url: string) => {
  try {
    return hostKey(new URL(url));
  } catch {
    return 'invalid';
  }
};

/**
 * Jobs of a batched worker (addWorker with batchSize, the XÖV export) in flight at once in this process: a quarter of
 * the ORM pool (at least 1, at most WEBHOOK_CONCURRENCY). Such a job holds at most one pooled connection at a time, so
 * with the default DB_POOL_MAX of 10 two exports leave eight connections to requests, and their synchronous work (the
 * message's schema validation) delays the requests' I/O on the event loop by at most two jobs' worth.
 */
export function batchedJobLimit(config: Pick<AppConfig, 'dbPoolMax' | 'webhookConcurrency'>): number {
  return Math.max(1, Math.min(config.webhookConcurrency, Math.floor(config.dbPoolMax / 4)));
}

/** Runs the functions given to it at most `limit` at a time, the others waiting in order. */
function limiter(limit: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (fn) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await fn();
    } finally {
      // the slot passes straight to the next in line
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

const DURATION = /^(\d+)(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** WEBHOOK_DISABLE_AFTER (`24h`, `90m`, …) in milliseconds. */
export function durationMs(text: string): number {
  const match = DURATION.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/**
 * The job queue (pg-boss on the same PostgreSQL). Events are enqueued inside the transaction of the change
 * that caused them (the queue's table is the outbox, `webhook_delivery` its readable state); WEBHOOK_CONCURRENCY
 * workers deliver them, at most PER_RECEIVER per receiver, retrying with exponential back-off and parking them as
 * dead after WEBHOOK_MAX_ATTEMPTS. A receiver that has failed for WEBHOOK_DISABLE_AFTER is paused.
 */
@Injectable()
export class QueueService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(QueueService.name);
  private boss?: PgBoss;
  private working = false;
  private stopped = false;
  private active = 0;
  private readonly extraWorkers = new Map<string, ExtraWorker>();
  private readonly receivers = new Map<string, { count: number; freed: Promise<void>; release: () => void }>();
  private readonly subscriptions = new Map<string, { row: WebhookSubscriptionEntity | null; until: number }>();
  private readonly captured = new Map<string, Promise<JobInsert | undefined>>();

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

  /**
   * Jobs in flight finish (within the drain's deadline); what does not finish expires and is retried elsewhere.
   * Runs before any module's onApplicationShutdown, so the workers have stopped before the ORM closes its pool under
   * them: a job still holding a connection would otherwise keep the pool's end (and the whole shutdown) waiting.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.boss || this.stopped) return;
    this.stopped = true;
    const deadline = Math.max(1000, this.config.shutdownTimeoutMs - 2000);
    let finished = true;
    if (this.working) {
      // pg-boss waits for a busy worker without a limit of its own
      let timer: NodeJS.Timeout | undefined;
      finished = await Promise.race([
        this.stopWorker().then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), deadline))),
      ]).finally(() => clearTimeout(timer));
      if (!finished) this.logger.warn({ msg: 'job workers still busy at the shutdown deadline; their jobs expire and run again', activeJobs: this.active });
    }
    await this.boss.stop({ graceful: finished, timeout: deadline, close: true });
  }

  /** Nothing left to do: the queue stopped in beforeApplicationShutdown (kept for a shutdown that skipped that hook). */
  async onApplicationShutdown(): Promise<void> {
    await this.beforeApplicationShutdown();
  }

  /** Jobs this process is working on now (for the log of a shutdown that missed its deadline). */
  activeJobs(): number {
    return this.active;
  }

  get mailEnabled(): boolean {
    return !!this.config.smtpUrl;
  }

  /** Enqueues a job in the transaction `em` runs in (call inside `em.transactional`). */
  async enqueueInTransaction(em: EntityManager, name: string, data: object, options: { group?: string } = {}): Promise<void> {
    const trx = em.getTransactionContext<Transaction<unknown>>();
    if (!trx) throw new Error('enqueueInTransaction needs a transaction');
    if (!this.boss) throw new Error('the job queue is switched off (QUEUE_ENABLED=false)');
    // pg-boss's insert, prepared on the connection: its text is the same for every job of a queue and shape
    const db = fromKysely(trx as never);
    const prepared = { executeSql: (text: string, values?: unknown[]) => db.executeSql(values?.length ? preparedText(text) : text, values) };
    await this.boss!.send(name, data, { db: prepared, ...(options.group ? { group: { id: options.group } } : {}) });
  }

  /**
   * pg-boss's own statement that inserts one job of `queue` with `{ submissionId }` as its data, taken from pg-boss
   * once (a `send` to a capturing adapter that runs nothing) for a caller that inserts the job in a statement of its
   * own: `text` is pg-boss's INSERT with its single parameter `$1::text::json` (the job as JSON), `payload(id)` that
   * parameter for a submission. Undefined when the queue is off or pg-boss's statement is not of that form (then the
   * caller enqueues through `enqueueInTransaction`).
   */
  jobInsert(queue: string): Promise<JobInsert | undefined> {
    let captured = this.captured.get(queue);
    if (!captured) {
      captured = this.capture(queue).catch((error: Error) => {
        this.logger.warn({ msg: 'pg-boss insert statement not captured; jobs go through send', queue, err: error.message });
        return undefined;
      });
      this.captured.set(queue, captured);
    }
    return captured;
  }

  private async capture(queue: string): Promise<JobInsert | undefined> {
    if (!this.boss) return undefined;
    const marker = '00000000-0000-4000-8000-00000000feed';
    let seen: { text: string; values: unknown[] } | undefined;
    const db = {
      executeSql: async (text: string, values?: unknown[]) => {
        seen = { text, values: values ?? [] };
        return { rows: [{ id: marker }] };
      },
    };
    await this.boss.send(queue, { submissionId: marker }, { db });
    const payload = seen?.values[0];
    const parameter = '$1::text::json';
    if (!seen || seen.values.length !== 1 || typeof payload !== 'string' || payload.split(marker).length !== 2) return undefined;
    if (seen.text.split(parameter).length !== 2 || /\$[2-9]/.test(seen.text) || !/^\s*insert\s/i.test(seen.text)) return undefined;
    return { text: seen.text.trim(), parameter, payload: (submissionId: string) => payload.replace(marker, submissionId) };
  }

  /**
   * Adds a worker for another queue (started with the others, and at once when they already run). With `batchSize`
   * above 1 it fetches that many jobs at once and settles them in one statement, for queues of many short jobs.
   */
  async addWorker<T>(name: string, handler: (data: T) => Promise<void>, options: { batchSize?: number } = {}): Promise<void> {
    const worker: ExtraWorker = { handler: handler as (data: unknown) => Promise<void>, batchSize: options.batchSize ?? 1 };
    this.extraWorkers.set(name, worker);
    if (this.working) await this.workOn(name, worker);
  }

  /** Enqueues a job outside any transaction. */
  async enqueue(name: string, data: object, options: { group?: string } = {}): Promise<void> {
    if (!this.boss) throw new Error('the job queue is switched off (QUEUE_ENABLED=false)');
    await this.boss.send(name, data, options.group ? { group: { id: options.group } } : {});
  }

  async startWorker(): Promise<void> {
    if (this.working || !this.boss) return;
    this.working = true;
    for (const [name, worker] of this.extraWorkers) await this.workOn(name, worker);
    await this.boss!.work<WebhookJob>(
      WEBHOOK_QUEUE,
      { ...this.pace(), groupConcurrency: PER_RECEIVER, includeMetadata: true },
      async ([job]) => this.counted(() => this.inSlot((job as JobWithMetadata<WebhookJob>).groupId ?? 'none', () => this.deliver(job as JobWithMetadata<WebhookJob>))),
    );
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

  /** WEBHOOK_CONCURRENCY workers, each fetching the next job at once while there is a backlog (the queue cache says so). */
  private pace() {
    return { batchSize: 1, localConcurrency: this.config.webhookConcurrency, pollingIntervalSeconds: 0.5, burstWhenReadyExceeds: 1 };
  }

  private async workOn(name: string, { handler, batchSize }: ExtraWorker): Promise<void> {
    if (batchSize <= 1) {
      await this.boss!.work(name, this.pace(), async ([job]) => this.counted(() => handler(job.data)));
      return;
    }
    // Each job succeeds or fails on its own: a failure is retried or given up like that of a job fetched alone. The
    // batch is settled when its last job is done, within the queue's expiry. Its jobs share one limit per queue and
    // process (batchedJobLimit): they are background work beside the requests on the same ORM pool and event loop.
    const pace = this.pace();
    const slot = limiter(batchedJobLimit(this.config));
    await this.boss!.work(
      name,
      { ...pace, batchSize, localConcurrency: Math.max(1, Math.ceil(pace.localConcurrency / batchSize)), burstWhenBatchFull: true, perJobResults: true },
      async (jobs) =>
        Promise.all(
          jobs.map((job) =>
            slot(() => this.counted(() => handler(job.data))).then(
              () => ({ id: job.id, status: 'completed' as const }),
              (error: unknown) => ({ id: job.id, status: 'failed' as const, output: error }),
            ),
          ),
        ),
    );
  }

  /**
   * At most PER_RECEIVER deliveries to one receiver in this process. pg-boss's group limit holds across instances but
   * two workers fetching at the same moment can both pass it; the rare third waits here for a slot.
   */
  private async inSlot<T>(group: string, fn: () => Promise<T>): Promise<T> {
    for (;;) {
      const running = this.receivers.get(group);
      if (!running || running.count < PER_RECEIVER) break;
      await running.freed;
    }
    const entry = this.receivers.get(group) ?? { count: 0, freed: Promise.resolve(), release: () => undefined };
    if (entry.count === 0) entry.freed = new Promise<void>((resolve) => (entry.release = resolve));
    entry.count++;
    this.receivers.set(group, entry);
    try {
      return await fn();
    } finally {
      entry.count--;
      const release = entry.release;
      if (entry.count === 0) this.receivers.delete(group);
      else entry.freed = new Promise<void>((resolve) => (entry.release = resolve));
      release();
    }
  }

  private async counted<T>(fn: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
    }
  }

  /** A webhook's row, cached for a second: a backlog for one receiver would otherwise read it once per event. */
  private async subscription(id: string): Promise<WebhookSubscriptionEntity | null> {
    const cached = this.subscriptions.get(id);
    // a paused webhook is read again each time, so that resuming it takes effect at once
    if (cached && cached.until > Date.now() && !cached.row?.pausedAt) return cached.row;
    const row = await this.em.fork().findOne(WebhookSubscriptionEntity, { id, active: true });
    this.subscriptions.set(id, { row, until: Date.now() + 1000 });
    if (this.subscriptions.size > 1000) this.subscriptions.delete(this.subscriptions.keys().next().value!);
    return row;
  }

  /**
   * Records an attempt: the delivery's state and the webhook's health. The queue job, committed separately, decides
   * whether the event is sent again; this record is what administrators see.
   */
  private async record(
    deliveryId: string | undefined,
    subscriptionId: string,
    attempt: { state: WebhookDeliveryStateValue; attempted: boolean; status?: number | null; error?: string | null; at?: Date; delivered?: boolean },
    health?: { success: boolean; at: Date },
  ): Promise<void> {
    // one statement, one round trip: the delivery's state and the webhook's health
    const pauseBefore = health ? new Date(health.at.getTime() - durationMs(this.config.webhookDisableAfter)) : null;
    await this.em.getConnection().execute(
      `with delivery as (
         update webhook_delivery set state = ?, attempts = attempts + ?, last_status = ?, last_error = ?, last_attempt_at = coalesce(?, last_attempt_at),
           delivered_at = case when ? then ? else delivered_at end, updated_at = now() where id = ?::uuid returning id
       ), succeeded as (
         -- at most once a second per webhook, so that a backlog does not queue up on the webhook's row
         update webhook_subscription set last_success_at = ?, failing_since = null
           where ? and id = ?::uuid and (failing_since is not null or last_success_at is null or last_success_at < ?) returning id
       ), failed as (
         -- failing since the first failure after the last success; paused once that is longer ago than WEBHOOK_DISABLE_AFTER
         update webhook_subscription set failing_since = coalesce(failing_since, ?),
           paused_at = case when paused_at is null and coalesce(failing_since, ?) <= ? then ? else paused_at end
           where ? and id = ?::uuid returning id
       ) select (select count(*) from delivery) + (select count(*) from succeeded) + (select count(*) from failed) as n`,
      [
        attempt.state, attempt.attempted ? 1 : 0, attempt.status ?? null, attempt.error ?? null, attempt.at ?? null, !!attempt.delivered, attempt.at ?? null, deliveryId ?? null,
        health?.at ?? null, !!health?.success, subscriptionId, health ? new Date(health.at.getTime() - 1000) : null,
        health?.at ?? null, health?.at ?? null, pauseBefore, health?.at ?? null, !!health && !health.success, subscriptionId,
      ],
    );
  }

  private async deliver(job: JobWithMetadata<WebhookJob>): Promise<void> {
    const subscription = await this.subscription(job.data.subscriptionId);
    const deliveryId = job.data.deliveryId;
    if (!subscription) return; // unsubscribed meanwhile: nothing to deliver
    if (subscription.pausedAt) {
      await this.record(deliveryId, subscription.id, { state: 'PAUSED', attempted: false, error: 'Webhook pausiert' });
      return;
    }
    const body = JSON.stringify(job.data.event);
    const now = new Date();
    let outcome: { status?: number; error?: string; forbidden?: boolean };
    try {
      const status = await postWebhook(new URL(subscription.url), {
        'content-type': 'application/json',
        'user-agent': 'Lotse-Webhooks/1',
        'x-lotse-event-id': job.data.event.id,
        'x-lotse-event-type': job.data.event.type,
        'x-lotse-signature': signWebhook(subscription.secret, body),
      }, body, this.config.webhookTimeoutMs, { allowedHosts: this.config.webhookAllowedHosts });
      outcome = status >= 200 && status < 300 ? { status } : { status, error: `HTTP ${status}` };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      outcome = { error: code === 'WEBHOOK_URL_FORBIDDEN' ? 'WEBHOOK_URL_FORBIDDEN' : String((error as Error).message ?? error).slice(0, 500), forbidden: code === 'WEBHOOK_URL_FORBIDDEN' };
    }
    if (!outcome.error) {
      await this.record(deliveryId, subscription.id, { state: 'DELIVERED', attempted: true, status: outcome.status, error: null, at: now, delivered: true }, { success: true, at: now });
      return;
    }
    const last = outcome.forbidden || (job.retryCount ?? 0) >= (job.retryLimit ?? 0);
    await this.record(deliveryId, subscription.id, { state: last ? 'DEAD' : 'RETRYING', attempted: true, status: outcome.status ?? null, error: outcome.error, at: now }, { success: false, at: now });
    this.subscriptions.delete(subscription.id); // a pause takes effect at the next attempt
    if (outcome.forbidden) {
      this.logger.warn({ msg: 'webhook address forbidden at delivery', subscriptionId: subscription.id });
      return; // never retried: the address is not allowed
    }
    throw new Error(`webhook ${subscription.id}: ${outcome.error}`);
  }
}

// Connections to receivers are kept open between deliveries (the address was checked when each was opened).
const HTTP_AGENT = new HttpAgent({ keepAlive: true, keepAliveMsecs: 1000, maxFreeSockets: 4, timeout: 30_000 });
const HTTPS_AGENT = new HttpsAgent({ keepAlive: true, keepAliveMsecs: 1000, maxFreeSockets: 4, timeout: 30_000 });

/** POSTs to a receiver over node:http(s), connecting only to addresses the URL policy allows. Resolves with the status. */
function postWebhook(url: URL, headers: Record<string, string>, body: string, timeoutMs: number, policy: UrlPolicy): Promise<number> {
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) && !isAllowedHost(url, policy) && forbiddenAddress(literal)) {
    return Promise.reject(Object.assign(new Error('WEBHOOK_URL_FORBIDDEN'), { code: 'WEBHOOK_URL_FORBIDDEN' }));
  }
  const https = url.protocol === 'https:';
  const send = https ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, lookup: guardedLookup(url, policy) as never, timeout: timeoutMs, agent: https ? HTTPS_AGENT : HTTP_AGENT }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    const overall = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('close', () => clearTimeout(overall));
    req.on('error', reject);
    req.end(body);
  });
}

export function createBoss(databaseUrl: string, config: Pick<AppConfig, 'queueSuperviseSeconds'> & Partial<Pick<AppConfig, 'webhookConcurrency'>>): PgBoss {
  // fetching and completing jobs: a connection for every two workers, at least 4
  return new PgBoss({ connectionString: databaseUrl, schema: QUEUE_SCHEMA, max: Math.max(4, Math.ceil((config.webhookConcurrency ?? 0) / 2) + 2), superviseIntervalSeconds: config.queueSuperviseSeconds, schedule: false, queueCacheIntervalSeconds: 2 });
}

export async function ensureQueues(
  boss: PgBoss,
  config: Pick<AppConfig, 'webhookMaxAttempts' | 'webhookRetryDelaySeconds' | 'queueExpireSeconds'> &
    Partial<Pick<AppConfig, 'fitConnectMaxAttempts' | 'fitConnectRetryDelaySeconds' | 'fitConnectRetryMaxDelaySeconds' | 'fitConnectTimeoutMs'>>,
): Promise<void> {
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
  await boss.createQueue(FITCONNECT_DEAD_QUEUE, { retentionSeconds: 30 * 86400 } as never).catch(() => undefined);
  const fitConnect = {
    retryLimit: (config.fitConnectMaxAttempts ?? 30) - 1,
    retryDelay: config.fitConnectRetryDelaySeconds ?? 10,
    retryBackoff: true,
    retryDelayMax: config.fitConnectRetryMaxDelaySeconds ?? 3600,
    // one attempt makes several requests, each within FITCONNECT_TIMEOUT_MS
    expireInSeconds: Math.max(config.queueExpireSeconds, Math.ceil(((config.fitConnectTimeoutMs ?? 30000) * 8) / 1000)),
    deadLetter: FITCONNECT_DEAD_QUEUE,
  };
  if (await boss.getQueue(FITCONNECT_QUEUE)) await boss.updateQueue(FITCONNECT_QUEUE, fitConnect as never);
  else await boss.createQueue(FITCONNECT_QUEUE, fitConnect as never);
  if (!(await boss.getQueue(ARCHIVE_DELETE_QUEUE))) {
    await boss.createQueue(ARCHIVE_DELETE_QUEUE, { policy: 'singleton', retryLimit: 3, retryDelay: config.webhookRetryDelaySeconds, retryBackoff: true, expireInSeconds: config.queueExpireSeconds } as never);
  }
}
