import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { ProcessingModule } from '../processing/processing.module.js';
import { XoevModule } from '../xoev/xoev.module.js';
import { FitConnectResolver } from './fit-connect.resolver.js';
import { FitConnectService } from './fit-connect.service.js';

@Module({ imports: [XoevModule, AttachmentsModule, ProcessingModule], providers: [FitConnectService, FitConnectResolver], exports: [FitConnectService] })
export class FitConnectModule {}
