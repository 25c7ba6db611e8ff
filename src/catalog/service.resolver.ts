import { Context, ResolveField, Resolver, Root } from '@nestjs/graphql';
import type { GraphQLContext } from '../graphql/graphql.module.js';
import { CatalogQueryService } from './catalog-query.service.js';
import { FormVersionEntity } from '../forms/entities/form-version.entity.js';
import { FormsService } from '../forms/forms.service.js';
import { Form } from '../forms/models/form.model.js';
import { Organisation } from './models/organisation.model.js';
import { ServiceArea } from './models/service-area.model.js';
import { ServicePoint } from './models/service-point.model.js';
import { Service, ServiceVersionInfo } from './models/service.model.js';

/** Related objects of a service, batched per request. */
@Resolver(() => Service)
export class ServiceResolver {
  constructor(
    private readonly catalog: CatalogQueryService,
    private readonly formsService: FormsService,
  ) {}

  @ResolveField(() => ServiceArea)
  async area(@Root() service: Service, @Context() ctx: GraphQLContext): Promise<ServiceArea> {
    const area = await this.catalog.areaLoader(ctx.loaders, service.requestedLocale).load(service.areaId);
    if (!area) throw new Error(`area ${service.areaId} of service ${service.id} is missing`);
    return area;
  }

  @ResolveField(() => Organisation, { nullable: true, description: 'The unit in charge (for the municipality of `ags`, honouring its override).' })
  responsibleUnit(@Root() service: Service, @Context() ctx: GraphQLContext): Promise<Organisation | null> {
    return service.responsibleUnitId ? this.catalog.organisationLoader(ctx.loaders).load(service.responsibleUnitId) : Promise.resolve(null);
  }

  @ResolveField(() => [ServicePoint])
  async servicePoints(@Root() service: Service, @Context() ctx: GraphQLContext): Promise<ServicePoint[]> {
    const points = await this.catalog.servicePointLoader(ctx.loaders).loadMany(service.servicePointIds);
    return points.filter((p): p is ServicePoint => p !== null && !(p instanceof Error));
  }

  @ResolveField(() => [Form], { description: 'The online forms of this service (latest published version of each).' })
  async forms(@Root() service: Service, @Context() ctx: GraphQLContext): Promise<Form[]> {
    const loader = ctx.loaders.get<string, FormVersionEntity[]>('formsByService', async (ids) => {
      const byService = await this.formsService.latestForServices(ids);
      return ids.map((id) => byService.get(id) ?? []);
    });
    return (await loader.load(service.id)).map((form) => this.formsService.render(form, service.requestedLocale));
  }

  @ResolveField(() => [ServiceVersionInfo], { description: 'Every version of this service, newest first.' })
  versions(@Root() service: Service, @Context() ctx: GraphQLContext): Promise<ServiceVersionInfo[]> {
    return this.catalog.versionsLoader(ctx.loaders).load(service.id);
  }
}
