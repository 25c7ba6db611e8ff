import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CitizenAccounts } from '../auth/citizen-accounts.service.js';
import { assertLocale } from '../catalog/catalog-query.service.js';
import { RequireCitizen } from '../common/auth/access.decorators.js';
import type { CitizenPrincipal } from '../common/auth/access.guard.js';
import { decodeCursor, encodeCursor, assertPageSize } from '../common/pagination/cursor.js';
import type { GraphQLContext } from '../graphql/graphql.module.js';
import { DocumentsService } from '../attachments/documents.service.js';
import { ApplicantDocument, DocumentRequest } from '../attachments/models/document.model.js';
import { ApplicantStatusService } from '../processing/applicant-status.service.js';
import { PublicTimelineEntry } from '../processing/models/applicant-status.model.js';
import { DraftsService, toDraft } from '../submissions/drafts.service.js';
import { Draft } from '../submissions/models/submission.model.js';
import { CitizenAccount, MyApplication, MyApplicationConnection, MyApplicationDelivery, MyApplicationFilter, MyDraftConnection } from './models/my-application.model.js';
import { MyApplicationsService } from './my-applications.service.js';

const citizenOf = (ctx: GraphQLContext): CitizenPrincipal => ctx.citizen as CitizenPrincipal;

/** The signed-in citizen's account: applications, drafts, linking. Every root field needs a citizen token. */
@Resolver(() => MyApplication)
export class MyApplicationsResolver {
  constructor(
    private readonly mine: MyApplicationsService,
    private readonly accounts: CitizenAccounts,
    private readonly drafts: DraftsService,
    private readonly applicants: ApplicantStatusService,
    private readonly docs: DocumentsService,
  ) {}

  @RequireCitizen()
  @Query(() => CitizenAccount, { description: 'The signed-in citizen account.' })
  async me(@Context() ctx: GraphQLContext): Promise<CitizenAccount> {
    const citizen = citizenOf(ctx);
    return { id: await this.accounts.ensure(citizen), trustLevel: citizen.trustLevel };
  }

  @RequireCitizen()
  @Query(() => MyApplicationConnection, { description: "The account's applications, newest first; those of a higher trust level than this sign-in are locked." })
  myApplications(
    @Context() ctx: GraphQLContext,
    @Args('filter', { type: () => MyApplicationFilter, nullable: true }) filter?: MyApplicationFilter,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('locale', { type: () => String, nullable: true }) locale?: string,
  ): Promise<MyApplicationConnection> {
    return this.mine.list(citizenOf(ctx), filter, first, after, assertLocale(locale));
  }

  @RequireCitizen()
  @Query(() => MyApplication, { description: "One of the account's applications; another account's reference gives the same NOT_FOUND as an unknown one; a locked one TRUST_LEVEL_INSUFFICIENT." })
  myApplication(
    @Context() ctx: GraphQLContext,
    @Args('referenceNumber', { type: () => String }) referenceNumber: string,
    @Args('locale', { type: () => String, nullable: true }) locale?: string,
  ): Promise<MyApplication> {
    return this.mine.get(citizenOf(ctx), referenceNumber, assertLocale(locale));
  }

  @RequireCitizen()
  @Mutation(() => MyApplication, { description: 'Adds a submission made without an account (reference number and access code); NOT_FOUND for a wrong code, an unknown reference or one linked to another account; failures are limited per reference and per account.' })
  linkSubmission(
    @Context() ctx: GraphQLContext,
    @Args('referenceNumber', { type: () => String }) referenceNumber: string,
    @Args('accessCode', { type: () => String }) accessCode: string,
    @Args('locale', { type: () => String, nullable: true }) locale?: string,
  ): Promise<MyApplication> {
    return this.mine.link(citizenOf(ctx), referenceNumber, accessCode, assertLocale(locale));
  }

  @RequireCitizen()
  @Mutation(() => Boolean, { description: 'Removes an application from the account; its access code keeps working.' })
  unlinkSubmission(@Context() ctx: GraphQLContext, @Args('referenceNumber', { type: () => String }) referenceNumber: string): Promise<boolean> {
    return this.mine.unlink(citizenOf(ctx), referenceNumber);
  }

  @RequireCitizen()
  @Query(() => MyDraftConnection, { description: "The account's drafts (saved signed in), most recently saved first." })
  async myDrafts(
    @Context() ctx: GraphQLContext,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<MyDraftConnection> {
    const size = assertPageSize(first);
    const position = after ? decodeCursor(after) : undefined;
    const { rows, totalCount } = await this.drafts.ofAccount(await this.accounts.find(citizenOf(ctx)), size, position ? [position[0], position[2]] : undefined);
    const edges = rows.slice(0, size).map((row) => ({ cursor: encodeCursor([row.updatedAt.getTime(), '', row.id]), node: toDraft(row) }));
    return { edges, totalCount, pageInfo: { hasNextPage: rows.length > size, hasPreviousPage: !!position, startCursor: edges[0]?.cursor, endCursor: edges.at(-1)?.cursor } };
  }

  @RequireCitizen()
  @Query(() => Draft, { description: "One of the account's drafts; another account's id gives the same DRAFT_NOT_FOUND as an unknown one." })
  async myDraft(@Context() ctx: GraphQLContext, @Args('id', { type: () => ID }) id: string): Promise<Draft> {
    return this.drafts.byId(await this.accounts.find(citizenOf(ctx)), id);
  }

  @ResolveField(() => [PublicTimelineEntry], { description: 'The public history; empty when locked.' })
  async timeline(@Parent() parent: MyApplication): Promise<PublicTimelineEntry[]> {
    if (parent.locked) return [];
    return (await this.applicants.view(await this.mine.entity(parent), parent.locale)).timeline;
  }

  @ResolveField(() => [ApplicantDocument], { description: 'Documents to download (GET /me/submissions/{referenceNumber}/documents/{id} with the bearer token); empty when locked.' })
  documents(@Parent() parent: MyApplication): Promise<ApplicantDocument[]> {
    return parent.locked ? Promise.resolve([]) : this.docs.applicantDocuments(parent.referenceNumber);
  }

  @ResolveField(() => [DocumentRequest], { description: 'Open document requests; empty when locked.' })
  documentRequests(@Parent() parent: MyApplication): Promise<DocumentRequest[]> {
    return parent.locked ? Promise.resolve([]) : this.docs.applicantRequests(parent.referenceNumber);
  }

  @ResolveField(() => MyApplicationDelivery, { nullable: true, description: 'The FIT-Connect delivery to the authority; null when there is none (or when locked).' })
  delivery(@Parent() parent: MyApplication): Promise<MyApplicationDelivery | null> {
    return parent.locked ? Promise.resolve(null) : this.mine.deliveryOf(parent.submissionId);
  }
}
