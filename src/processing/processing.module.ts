import { Module } from '@nestjs/common';
import { RateLimiterService } from '../common/rate-limit/rate-limiter.service.js';
import { ApplicantStatusResolver } from './applicant-status.resolver.js';
import { ApplicantStatusService } from './applicant-status.service.js';
import { CasesResolver } from './cases.resolver.js';
import { CasesService } from './cases.service.js';
import { StatisticsController } from './statistics.controller.js';
import { StatisticsResolver } from './statistics.resolver.js';
import { StatisticsService } from './statistics.service.js';

@Module({
  controllers: [StatisticsController],
  providers: [CasesService, CasesResolver, ApplicantStatusService, ApplicantStatusResolver, RateLimiterService, StatisticsService, StatisticsResolver],
  exports: [CasesService, ApplicantStatusService],
})
export class ProcessingModule {}
