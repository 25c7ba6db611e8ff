import { Module } from '@nestjs/common';
import { XoevModule } from '../xoev/xoev.module.js';
import { ArchiveApiService } from './archive-api.service.js';
import { ArchiveController } from './archive.controller.js';
import { ArchiveResolver } from './archive.resolver.js';

/** Records management: retention overview, legal holds and archive decisions (the workflow itself runs in the CLI). */
@Module({
  imports: [XoevModule],
  controllers: [ArchiveController],
  providers: [ArchiveApiService, ArchiveResolver],
})
export class ArchiveModule {}
