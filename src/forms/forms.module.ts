import { Module } from '@nestjs/common';
import { FormsResolver } from './forms.resolver.js';
import { FormsService } from './forms.service.js';

@Module({ providers: [FormsService, FormsResolver], exports: [FormsService] })
export class FormsModule {}
