import { ResolveField, Resolver, Root } from '@nestjs/graphql';
import { CatalogQueryService } from './catalog-query.service.js';
import { FormsService } from '../forms/forms.service.js';
import { Form } from '../forms/models/form.model.js';
import { Organisation } from './models/organisation.model.js';
import { ServiceArea } from './models/service-area.model.js';
import { ServicePoint } from './models/service-point.model.js';
import { Service, ServiceVersionInfo } from './models/service.model.js';

/** Related objects of a service, read from the in-memory catalog snapshot (no batching needed: no SQL). */
@Resolver(() => Service)
export class ServiceResolver {
  constructor(
    private readonly catalog: CatalogQueryService,
    private readonly formsService: FormsService,
  ) {}

  @ResolveField(() => ServiceArea)
  area(@Root() service: Service): ServiceArea {
    const area = this.catalog.snapshot().areaById(service.areaId, service.requestedLocale);
    if (!area) throw new Error(`area ${service.areaId} of service ${service.id} is missing`);
    return area;
  }

  @ResolveField(() => Organisation, { nullable: true, description: 'The unit in charge (for the municipality of `ags`, honouring its override).' })
  responsibleUnit(@Root() service: Service): Organisation | null {
    return service.responsibleUnitId ? (this.catalog.snapshot().organisationModel(service.responsibleUnitId) ?? null) : null;
  }

  @ResolveField(() => [ServicePoint])
  servicePoints(@Root() service: Service): ServicePoint[] {
    const snapshot = this.catalog.snapshot();
    return service.servicePointIds.map((id) => snapshot.servicePointModel(id)).filter((p): p is ServicePoint => p !== undefined);
  }

  @ResolveField(() => [Form], { description: 'The online forms of this service (latest published version of each).' })
  forms(@Root() service: Service): Form[] {
    return this.catalog
      .snapshot()
      .latestFormsOf(service.id)
      .map((form) => this.formsService.render(form, service.requestedLocale));
  }

  @ResolveField(() => [ServiceVersionInfo], { description: 'Every version of this service, newest first.' })
  versions(@Root() service: Service): ServiceVersionInfo[] {
    return this.catalog.snapshot().versionInfos(service.id);
  }
}
