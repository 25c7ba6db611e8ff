import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module.js';
import { RateLimiterService } from '../common/rate-limit/rate-limiter.service.js';
import { FormsModule } from '../forms/forms.module.js';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { DraftsService } from './drafts.service.js';
import { ReceiptAutomation } from './receipt-automation.js';
import { SubmissionsResolver } from './submissions.resolver.js';
import { SubmissionsService } from './submissions.service.js';

@Module({
  imports: [FormsModule, CatalogModule, AttachmentsModule],
  providers: [SubmissionsService, DraftsService, RateLimiterService, ReceiptAutomation, SubmissionsResolver],
  exports: [SubmissionsService, DraftsService],
})
export class SubmissionsModule {}
