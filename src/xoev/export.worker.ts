import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { LotseError } from '../common/errors/lotse.error.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { EventPublisher } from '../delivery/event-publisher.service.js';
import { EXPORT_QUEUE, QueueService } from '../delivery/queue.service.js';
import { SubmissionEventEntity } from '../processing/entities/submission-event.entity.js';
import { XoevService } from './xoev.service.js';

/** Export jobs fetched at once (each still succeeds or fails on its own). */
export const EXPORT_BATCH = 4;

/**
 * On receipt a job asks for the XÖV export; the worker builds and validates it and hands it to the webhooks
 * (`submission.exported`). An export that does not validate is recorded on the case and never delivered.
 */
@Injectable()
export class ExportWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(ExportWorker.name);

  constructor(
    private readonly queue: QueueService,
    private readonly xoev: XoevService,
    private readonly events: EventPublisher,
    private readonly em: EntityManager,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // a job is short and there is one per submission: several per fetch, settled together
    await this.queue.addWorker<{ submissionId: string }>(EXPORT_QUEUE, (job) => this.run(job.submissionId), { batchSize: EXPORT_BATCH });
  }

  async run(submissionId: string): Promise<void> {
    try {
      // the case, its kept message, files and webhooks in one read; no event transaction when no webhook takes the event
      const result = await this.xoev.exportById(submissionId);
      if (!result) return;
      const { submission, exported, targets } = result;
      const subscriptions = targets.filter((s) => !s.eventTypes || s.eventTypes.includes('submission.exported'));
      if (subscriptions.length === 0) return;
      await this.em.fork().transactional(async (em) => {
        await this.events.submissionEvent(em, 'submission.exported', submission, { xml: exported.xml, metadata: exported.metadata }, { subscriptions });
      });
    } catch (error) {
      if (error instanceof LotseError && error.code === ErrorCode.NOT_FOUND) {
        // erased while the message was being built: nothing to deliver
        this.logger.log({ msg: 'export skipped: case erased', submissionId });
        return;
      }
      if (!(error instanceof LotseError) || error.code !== ErrorCode.EXPORT_INVALID) throw error;
      const em = this.em.fork();
      em.create(SubmissionEventEntity, { submissionId, kind: 'EXPORT_FAILED', actorType: 'SYSTEM', internalNote: 'XÖV-Export nicht schemagültig; nicht ausgeliefert.' });
      await em.flush();
      this.logger.error({ msg: 'export refused', submissionId });
    }
  }
}
