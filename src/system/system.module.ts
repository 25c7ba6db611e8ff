import { Module } from '@nestjs/common';
import { SystemResolver } from './system.resolver.js';
import { SystemService } from './system.service.js';

@Module({ providers: [SystemService, SystemResolver], exports: [SystemService] })
export class SystemModule {}
