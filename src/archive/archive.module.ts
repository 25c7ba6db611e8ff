import { Module } from '@nestjs/common';
import { XoevModule } from '../xoev/xoev.module.js';
import { ArchiveApiService } from './archive-api.service.js';
import { ArchiveController } from './archive.controller.js';
import { ArchiveResolver } from './archive.resolver.js';
import { ArchiveDeletionWorker } from './archive-deletion.worker.js';

/** Records management: retention overview, legal holds and archive decisions (offer, evaluation, handover and receipt run in the CLI) and the daily deletion job. */
@Module({
  imports: [XoevModule],
  controllers: [ArchiveController],
  providers: [ArchiveApiService, ArchiveResolver, ArchiveDeletionWorker],
})
export class ArchiveModule {}
