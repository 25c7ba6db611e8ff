import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { RateLimiterService } from '../common/rate-limit/rate-limiter.service.js';
import { ProcessingModule } from '../processing/processing.module.js';
import { SubmissionsModule } from '../submissions/submissions.module.js';
import { MyApplicationsResolver } from './my-applications.resolver.js';
import { MyApplicationsService } from './my-applications.service.js';
import { MyDownloadsController } from './my-downloads.controller.js';

/** The citizen account ("Mein Konto"): applications, drafts, linking and downloads of the signed-in citizen. */
@Module({
  imports: [SubmissionsModule, ProcessingModule, AttachmentsModule],
  controllers: [MyDownloadsController],
  providers: [MyApplicationsService, MyApplicationsResolver, RateLimiterService],
  exports: [MyApplicationsService],
})
export class AccountModule {}
