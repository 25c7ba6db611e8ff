import { Args, Int, ResolveField, Resolver, Root } from '@nestjs/graphql';
import { badUserInput } from '../common/errors/lotse.error.js';
import { DateTimeScalar } from '../graphql/scalars/date-time.scalar.js';
import { CatalogQueryService } from './catalog-query.service.js';
import { Organisation } from './models/organisation.model.js';
import { ServicePoint, TimeRange } from './models/service-point.model.js';
import { isOpen, nextOpenings } from './opening-hours.js';

const MAX_OPENINGS = 50;

/** Opening hours evaluated in Europe/Berlin with the holidays of Lower Saxony and the point's closures. */
@Resolver(() => ServicePoint)
export class ServicePointResolver {
  constructor(private readonly catalog: CatalogQueryService) {}

  @ResolveField(() => Boolean, { description: 'Open at this instant? (The Servicemobil: at any of its stops.)' })
  isOpen(@Root() point: ServicePoint, @Args('at', { type: () => DateTimeScalar }) at: Date): boolean {
    const closures = point.source.closures ?? [];
    if (point.source.openingHours) return isOpen(point.source.openingHours, at, closures);
    return (point.source.stops ?? []).some((stop) => isOpen(stop.schedule, at, closures));
  }

  @ResolveField(() => [TimeRange], { description: 'The next openings from `from` on (at most 50, looking 120 days ahead).' })
  nextOpenings(
    @Root() point: ServicePoint,
    @Args('from', { type: () => DateTimeScalar }) from: Date,
    @Args('count', { type: () => Int }) count: number,
  ): TimeRange[] {
    if (!Number.isInteger(count) || count < 1 || count > MAX_OPENINGS) {
      throw badUserInput(`„count“ muss zwischen 1 und ${MAX_OPENINGS} liegen.`, { argument: 'count' });
    }
    const closures = point.source.closures ?? [];
    const schedules = point.source.openingHours ? [point.source.openingHours] : (point.source.stops ?? []).map((s) => s.schedule);
    return schedules
      .flatMap((schedule) => nextOpenings(schedule, from, count, closures))
      .sort((a, b) => a.from.getTime() - b.from.getTime())
      .slice(0, count);
  }

  @ResolveField(() => Organisation)
  organisation(@Root() point: ServicePoint): Organisation {
    const organisation = this.catalog.snapshot().organisationModel(point.organisationId);
    if (!organisation) throw new Error(`organisation ${point.organisationId} of service point ${point.id} is missing`);
    return organisation;
  }
}
