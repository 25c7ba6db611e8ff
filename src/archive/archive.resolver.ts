import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { RequirePermission } from '../common/auth/access.decorators.js';
import { Permission } from '../common/auth/permission.js';
import type { Principal } from '../common/auth/access.guard.js';
import type { GraphQLContext } from '../graphql/graphql.module.js';
import { ArchiveApiService } from './archive-api.service.js';
import { ArchiveDecisionValue, ArchiveEvaluation, CaseRetention, RetentionOverview } from './models/retention.model.js';

@Resolver()
export class ArchiveResolver {
  constructor(private readonly archive: ArchiveApiService) {}

  @RequirePermission(Permission.ARCHIVE_MANAGE)
  @Query(() => RetentionOverview, { description: 'Cases of an organisation (the caller\'s own or one of its units) by retention state.' })
  retentionOverview(
    @Context() ctx: GraphQLContext,
    @Args('organisationId', { type: () => ID }) organisationId: string,
    @Args('asOf', { type: () => String, nullable: true, description: 'Count "due" as of this day (YYYY-MM-DD); default today.' }) asOf?: string,
  ): Promise<RetentionOverview> {
    return this.archive.overview(ctx.principal as Principal, organisationId, asOf);
  }

  @RequirePermission(Permission.ARCHIVE_MANAGE)
  @Mutation(() => CaseRetention, { description: 'Puts a legal hold on a closed case (or lifts it): not offered and not deleted while held.' })
  setLegalHold(
    @Context() ctx: GraphQLContext,
    @Args('submissionId', { type: () => ID }) submissionId: string,
    @Args('hold', { type: () => Boolean }) hold: boolean,
    @Args('reason', { type: () => String, nullable: true }) reason?: string,
  ): Promise<CaseRetention> {
    return this.archive.setLegalHold(ctx.principal as Principal, submissionId, hold, reason);
  }

  @RequirePermission(Permission.ARCHIVE_MANAGE)
  @Mutation(() => ArchiveEvaluation, { description: 'Records the archive\'s decision for one offered case (for answers that came on paper).' })
  decideArchiveRecord(
    @Context() ctx: GraphQLContext,
    @Args('offerId', { type: () => ID }) offerId: string,
    @Args('submissionId', { type: () => ID }) submissionId: string,
    @Args('decision', { type: () => ArchiveDecisionValue }) decision: ArchiveDecisionValue,
  ): Promise<ArchiveEvaluation> {
    return this.archive.decide(ctx.principal as Principal, offerId, submissionId, decision);
  }
}
