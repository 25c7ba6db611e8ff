import { Module } from '@nestjs/common';
import { FormsModule } from '../forms/forms.module.js';
import { ProcessingModule } from '../processing/processing.module.js';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { ExportWorker } from './export.worker.js';
import { XoevController } from './xoev.controller.js';
import { XoevResolver } from './xoev.resolver.js';
import { XoevService } from './xoev.service.js';

@Module({
  imports: [FormsModule, ProcessingModule, AttachmentsModule],
  controllers: [XoevController],
  providers: [XoevService, XoevResolver, ExportWorker],
  exports: [XoevService],
})
export class XoevModule {}
