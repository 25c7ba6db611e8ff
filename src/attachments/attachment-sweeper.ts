import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { every } from '../common/every.js';
import { AttachmentsService } from './attachments.service.js';

const EVERY_MS = 15 * 60_000;

/**
 * The TTL job: every 15 minutes (in processes that run the worker) deletes uploads that no submission,
 * document request or case took within ATTACHMENT_TTL_HOURS, and the contents nobody refers to any more.
 * Running it on several instances at once is safe (the deletes skip what another one holds).
 */
@Injectable()
export class AttachmentSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AttachmentSweeper.name);
  private stopTimer?: () => void;

  constructor(
    private readonly attachments: AttachmentsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.workerEnabled || this.config.nodeEnv === 'test') return;
    this.stopTimer = every(EVERY_MS, () => this.attachments.sweep(), (error) => this.logger.warn({ msg: 'sweeping expired uploads failed', err: error.message }));
  }

  onApplicationShutdown(): void {
    this.stopTimer?.();
  }
}
