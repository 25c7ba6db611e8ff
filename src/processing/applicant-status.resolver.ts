import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Public } from '../common/auth/access.decorators.js';
import { assertLocale } from '../catalog/catalog-query.service.js';
import { ApplicantStatusService } from './applicant-status.service.js';
import { ApplicantStatus } from './models/applicant-status.model.js';

@Resolver(() => ApplicantStatus)
export class ApplicantStatusResolver {
  constructor(private readonly applicant: ApplicantStatusService) {}

  @Public()
  @Query(() => ApplicantStatus, { description: 'Bearbeitungsstand for the applicant; an unknown reference and a wrong code both give NOT_FOUND, and failed attempts are limited.' })
  submissionStatus(
    @Args('referenceNumber', { type: () => String }) referenceNumber: string,
    @Args('accessCode', { type: () => String }) accessCode: string,
    @Args('locale', { type: () => String, nullable: true }) locale?: string,
  ): Promise<ApplicantStatus> {
    return this.applicant.status(referenceNumber, accessCode, assertLocale(locale));
  }

  @Public()
  @Mutation(() => ApplicantStatus, { description: 'The applicant withdraws the submission (before a decision).' })
  withdrawSubmission(
    @Args('referenceNumber', { type: () => String }) referenceNumber: string,
    @Args('accessCode', { type: () => String }) accessCode: string,
    @Args('reason', { type: () => String, nullable: true }) reason?: string,
    @Args('locale', { type: () => String, nullable: true }) locale?: string,
    @Args('erase', { type: () => Boolean, nullable: true, description: 'Also erase the application\'s data now (right to erasure); only reference number, service, status and dates are kept.' }) erase?: boolean,
  ): Promise<ApplicantStatus> {
    return this.applicant.withdraw(referenceNumber, accessCode, assertLocale(locale), reason, erase ?? false);
  }
}
