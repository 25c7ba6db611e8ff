import { Module } from '@nestjs/common';
import { FormsModule } from '../forms/forms.module.js';
import { XoevController } from './xoev.controller.js';
import { XoevResolver } from './xoev.resolver.js';
import { XoevService } from './xoev.service.js';

@Module({ imports: [FormsModule], controllers: [XoevController], providers: [XoevService, XoevResolver], exports: [XoevService] })
export class XoevModule {}
