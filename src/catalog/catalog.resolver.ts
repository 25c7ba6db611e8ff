import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { Public } from '../common/auth/access.decorators.js';
import { DateTimeScalar } from '../graphql/scalars/date-time.scalar.js';
import { assertLocale, CatalogQueryService } from './catalog-query.service.js';
import { ServiceFilter } from './dto/service-filter.input.js';
import { Organisation } from './models/organisation.model.js';
import { ServiceArea } from './models/service-area.model.js';
import { ServicePoint, ServicemobilStop } from './models/service-point.model.js';
import { Service, ServiceConnection } from './models/service.model.js';

/** The public catalog: no login needed. */
@Resolver()
export class CatalogResolver {
  constructor(private readonly catalog: CatalogQueryService) {}

  @Public()
  @Query(() => [ServiceArea], { description: "The county's service areas, in the order of the Kreistag's motion." })
  serviceAreas(@Args('locale', { type: () => String, nullable: true }) locale?: string): Promise<ServiceArea[]> {
    return this.catalog.areas(assertLocale(locale));
  }

  @Public()
  @Query(() => ServiceConnection, { description: 'Published services: search, filters, Relay paging (first at most 100).' })
  services(
    @Args('filter', { type: () => ServiceFilter, nullable: true }) filter?: ServiceFilter,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('locale', { type: () => String, nullable: true }) locale?: string,
  ): Promise<ServiceConnection> {
    return this.catalog.search(filter, first, after, assertLocale(locale));
  }

  @Public()
  @Query(() => Service, { nullable: true, description: 'One service by id or LeiKa key; with `ags` as it applies in that municipality; `version` for an earlier version.' })
  service(
    @Args('id', { type: () => ID, nullable: true }) id?: string,
    @Args('leikaKey', { type: () => String, nullable: true }) leikaKey?: string,
    @Args('ags', { type: () => String, nullable: true }) ags?: string,
    @Args('locale', { type: () => String, nullable: true }) locale?: string,
    @Args('version', { type: () => Int, nullable: true }) version?: number,
  ): Promise<Service> {
    return this.catalog.service({ id, leikaKey, ags, version, locale: assertLocale(locale) });
  }

  @Public()
  @Query(() => [Organisation], { description: 'The county, its municipalities (id = AGS) and units; with `ags` of a municipality, that municipality and its units.' })
  organisations(@Args('ags', { type: () => String, nullable: true }) ags?: string): Promise<Organisation[]> {
    return this.catalog.organisations(ags);
  }

  @Public()
  @Query(() => Organisation, { description: 'Who handles the service for a citizen living in the municipality `ags`.' })
  responsibleOrganisation(
    @Args('serviceId', { type: () => ID }) serviceId: string,
    @Args('ags', { type: () => String }) ags: string,
  ): Promise<Organisation> {
    return this.catalog.responsibleOrganisation(serviceId, ags);
  }

  @Public()
  @Query(() => [ServicePoint], { description: 'Offices, consultation hours and the Servicemobil; filtered by municipality served and by service.' })
  servicePoints(
    @Args('ags', { type: () => String, nullable: true }) ags?: string,
    @Args('serviceId', { type: () => ID, nullable: true }) serviceId?: string,
  ): Promise<ServicePoint[]> {
    return this.catalog.servicePoints(ags, serviceId);
  }

  @Public()
  @Query(() => [ServicemobilStop], { description: 'When and where the Servicemobil stops between `from` and `to` (at most 92 days), in time order.' })
  servicemobilStops(
    @Args('from', { type: () => DateTimeScalar }) from: Date,
    @Args('to', { type: () => DateTimeScalar }) to: Date,
    @Args('ags', { type: () => String, nullable: true }) ags?: string,
  ): Promise<ServicemobilStop[]> {
    return this.catalog.servicemobilStops(ags, from, to);
  }
}
