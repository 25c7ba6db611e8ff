import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { RequirePermission } from '../common/auth/access.decorators.js';
import { Permission } from '../common/auth/permission.js';
import type { Principal } from '../common/auth/access.guard.js';
import { badUserInput } from '../common/errors/lotse.error.js';
import type { GraphQLContext } from '../graphql/graphql.module.js';
import { SubmissionStatus } from '../submissions/models/submission.model.js';
import { CasesService } from './cases.service.js';
import { CaseFilter } from './dto/case-filter.input.js';
import { Case, CaseConnection } from './models/case.model.js';

const principal = (ctx: GraphQLContext): Principal => ctx.principal as Principal;

/** Caseworkers' queue and actions, limited to their organisation. */
@Resolver(() => Case)
export class CasesResolver {
  constructor(private readonly cases: CasesService) {}

  @RequirePermission(Permission.SUBMISSION_READ)
  @Query(() => CaseConnection, { description: "Submissions of the caller's organisation, newest first (Relay, first at most 100)." })
  submissions(
    @Context() ctx: GraphQLContext,
    @Args('filter', { type: () => CaseFilter, nullable: true }) filter?: CaseFilter,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<CaseConnection> {
    return this.cases.list(principal(ctx), filter, first, after);
  }

  @RequirePermission(Permission.SUBMISSION_READ)
  @Query(() => Case, { description: "One submission of the caller's organisation; others are NOT_FOUND." })
  submission(@Context() ctx: GraphQLContext, @Args('id', { type: () => ID }) id: string): Promise<Case> {
    return this.cases.get(principal(ctx), id);
  }

  @RequirePermission(Permission.SUBMISSION_PROCESS)
  @Mutation(() => Case, { description: 'Moves a submission to another status; a stale expectedVersion gets CONFLICT.' })
  transitionSubmission(
    @Context() ctx: GraphQLContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('to', { type: () => SubmissionStatus }) to: SubmissionStatus,
    @Args('expectedVersion', { type: () => Int }) expectedVersion: number,
    @Args('publicNote', { type: () => String, nullable: true }) publicNote?: string,
    @Args('internalNote', { type: () => String, nullable: true }) internalNote?: string,
  ): Promise<Case> {
    return this.cases.transition(principal(ctx), id, to, expectedVersion, publicNote, internalNote);
  }

  @RequirePermission(Permission.SUBMISSION_PROCESS)
  @Mutation(() => Case, { description: 'Assigns a submission; with expectedVersion, a stale version gets CONFLICT.' })
  assignSubmission(
    @Context() ctx: GraphQLContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('assigneeId', { type: () => String }) assigneeId: string,
    @Args('expectedVersion', { type: () => Int, nullable: true, description: 'The version the caller saw; stale gets CONFLICT.' }) expectedVersion?: number,
  ): Promise<Case> {
    return this.cases.assign(principal(ctx), id, assigneeId, expectedVersion ?? undefined);
  }

  @RequirePermission(Permission.SUBMISSION_PROCESS)
  @Mutation(() => Case, { description: 'Asks the applicant for documents (status DOCUMENTS_REQUESTED); with expectedVersion, a stale version gets CONFLICT.' })
  async requestDocuments(
    @Context() ctx: GraphQLContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('items', { type: () => [String] }) items: string[],
    @Args('publicNote', { type: () => String, nullable: true }) publicNote?: string,
    @Args('expectedVersion', { type: () => Int, nullable: true, description: 'The version the caller saw; stale gets CONFLICT.' }) expectedVersion?: number,
  ): Promise<Case> {
    if (items.length === 0 || items.length > 20 || items.some((i) => i.length === 0 || i.length > 300)) {
      throw badUserInput('Bitte 1 bis 20 Unterlagen mit je höchstens 300 Zeichen nennen.', { argument: 'items' });
    }
    return this.cases.transition(principal(ctx), id, SubmissionStatus.DOCUMENTS_REQUESTED, expectedVersion ?? undefined, publicNote, undefined, items);
  }
}
