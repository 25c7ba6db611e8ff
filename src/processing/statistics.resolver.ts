import { Args, Context, ID, Query, Resolver } from '@nestjs/graphql';
import { RequirePermission } from '../common/auth/access.decorators.js';
import { Permission } from '../common/auth/permission.js';
import type { Principal } from '../common/auth/access.guard.js';
import type { GraphQLContext } from '../graphql/graphql.module.js';
import { DateScalar } from '../graphql/scalars/date.scalar.js';
import { Statistics } from './models/statistics.model.js';
import { StatisticsService } from './statistics.service.js';

@Resolver(() => Statistics)
export class StatisticsResolver {
  constructor(private readonly stats: StatisticsService) {}

  @RequirePermission(Permission.STATISTICS_READ)
  @Query(() => Statistics, { description: 'Kennzahlen of an organisation (the caller\'s own or one of its units) for a period (Europe/Berlin days).' })
  statistics(
    @Context() ctx: GraphQLContext,
    @Args('organisationId', { type: () => ID }) organisationId: string,
    @Args('from', { type: () => DateScalar }) from: string,
    @Args('to', { type: () => DateScalar }) to: string,
  ): Promise<Statistics> {
    return this.stats.statistics(ctx.principal as Principal, organisationId, from, to);
  }
}
