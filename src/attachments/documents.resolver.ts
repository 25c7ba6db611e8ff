import { Args, Context, ID, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Public, RequirePermission } from '../common/auth/access.decorators.js';
import { Permission } from '../common/auth/permission.js';
import type { Principal } from '../common/auth/access.guard.js';
import { assertLocale } from '../catalog/catalog-query.service.js';
import type { GraphQLContext } from '../graphql/graphql.module.js';
import { ApplicantStatusService } from '../processing/applicant-status.service.js';
import { CasesService } from '../processing/cases.service.js';
import { ApplicantStatus } from '../processing/models/applicant-status.model.js';
import { Case } from '../processing/models/case.model.js';
import { DocumentsService } from './documents.service.js';
import { ApplicantDocument, CaseDocument, DocumentRequest } from './models/document.model.js';

const principal = (ctx: GraphQLContext): Principal => ctx.principal as Principal;

/** Documents of a case for caseworkers: requests, documents, and adding one (e.g. the notice). */
@Resolver(() => Case)
export class CaseDocumentsResolver {
  constructor(
    private readonly docs: DocumentsService,
    private readonly cases: CasesService,
  ) {}

  @ResolveField(() => [DocumentRequest], { description: 'Every document request of the case, oldest first.' })
  documentRequests(@Parent() parent: Case): Promise<DocumentRequest[]> {
    return this.docs.requestsOf(parent.id);
  }

  @ResolveField(() => [CaseDocument], { description: 'Documents of the case: from the form, sent on request, added by staff.' })
  documents(@Parent() parent: Case): Promise<CaseDocument[]> {
    return this.docs.caseDocuments(parent.id);
  }

  @RequirePermission(Permission.SUBMISSION_PROCESS)
  @Mutation(() => Case, { description: 'Adds a file uploaded for this case (POST /attachments with caseId) as a document, e.g. the notice.' })
  async addCaseDocument(
    @Context() ctx: GraphQLContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('attachmentId', { type: () => ID }) attachmentId: string,
    @Args('title', { type: () => String }) title: string,
    @Args('visibleToApplicant', { type: () => Boolean }) visibleToApplicant: boolean,
  ): Promise<Case> {
    await this.docs.addCaseDocument(principal(ctx), id, attachmentId, title, visibleToApplicant);
    return this.cases.get(principal(ctx), id);
  }
}

/** What the applicant sees of documents, and how they answer a request. */
@Resolver(() => ApplicantStatus)
export class ApplicantDocumentsResolver {
  constructor(
    private readonly docs: DocumentsService,
    private readonly applicants: ApplicantStatusService,
  ) {}

  @ResolveField(() => [DocumentRequest], { description: 'Open document requests; upload to one with referenceNumber and requestId, then submitDocuments.' })
  documentRequests(@Parent() parent: ApplicantStatus): Promise<DocumentRequest[]> {
    return this.docs.applicantRequests(parent.referenceNumber);
  }

  @ResolveField(() => [ApplicantDocument], { description: 'Documents the applicant may download (with X-Access-Code).' })
  documents(@Parent() parent: ApplicantStatus): Promise<ApplicantDocument[]> {
    return this.docs.applicantDocuments(parent.referenceNumber);
  }

  @Public()
  @Mutation(() => ApplicantStatus, { description: 'Sends the files uploaded for an open document request; the same NOT_FOUND and throttling as submissionStatus.' })
  async submitDocuments(
    @Args('referenceNumber', { type: () => String }) referenceNumber: string,
    @Args('accessCode', { type: () => String }) accessCode: string,
    @Args('requestId', { type: () => ID }) requestId: string,
    @Args('attachmentIds', { type: () => [ID] }) attachmentIds: string[],
    @Args('locale', { type: () => String, nullable: true }) locale?: string,
  ): Promise<ApplicantStatus> {
    await this.docs.submitDocuments(referenceNumber, accessCode, requestId, attachmentIds);
    return this.applicants.status(referenceNumber, accessCode, assertLocale(locale));
  }
}
