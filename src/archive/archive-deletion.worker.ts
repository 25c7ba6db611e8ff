import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { ARCHIVE_DELETE_QUEUE, QueueService } from '../delivery/queue.service.js';
import { XoevService } from '../xoev/xoev.service.js';
import { every } from '../common/every.js';
import { createArchiveService } from './archive.factory.js';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Deletion with proof as a queue job (`lotse-archive-delete`, one run at a time): the worker enqueues a run once a
 * day and runs what is queued. A run is idempotent (one transaction per case; deleted cases are skipped), so a job
 * whose worker died is simply retried after QUEUE_EXPIRE_SECONDS and finishes the rest.
 */
@Injectable()
export class ArchiveDeletionWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ArchiveDeletionWorker.name);
  private stopTimer?: () => void;

  constructor(
    private readonly queue: QueueService,
    private readonly em: EntityManager,
    private readonly xoev: XoevService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.queueEnabled || !this.config.workerEnabled) return;
    await this.queue.addWorker<{ asOf?: string }>(ARCHIVE_DELETE_QUEUE, async (job) => {
      const run = await createArchiveService(this.em.fork(), this.config, undefined, this.xoev).deleteDue(job.asOf);
      this.logger.log({ msg: 'archive deletion job', ...run });
    });
    this.stopTimer = every(DAY_MS, () => this.queue.enqueue(ARCHIVE_DELETE_QUEUE, {}), (error) => this.logger.warn({ msg: 'archive deletion not enqueued', err: error.message }));
  }

  onApplicationShutdown(): void {
    this.stopTimer?.();
  }
}
