import { Module } from '@nestjs/common';
import { RateLimiterService } from '../common/rate-limit/rate-limiter.service.js';
import { ApplicantStatusResolver } from './applicant-status.resolver.js';
import { ApplicantStatusService } from './applicant-status.service.js';
import { CasesResolver } from './cases.resolver.js';
import { CasesService } from './cases.service.js';

@Module({
  providers: [CasesService, CasesResolver, ApplicantStatusService, ApplicantStatusResolver, RateLimiterService],
  exports: [CasesService],
})
export class ProcessingModule {}
