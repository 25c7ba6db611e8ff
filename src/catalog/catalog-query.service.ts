import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { badUserInput } from '../common/errors/lotse.error.js';
import { assertPageSize, decodeCursor, encodeCursor } from '../common/pagination/cursor.js';
import type { RequestLoaders } from '../graphql/loaders.js';
import { byKey } from '../graphql/loaders.js';
import type { LocalizedText } from '../generated/catalog-common.js';
import { toAreaModel, toOrganisationModel, toServiceModel, toServicePointModel } from './catalog.mapper.js';
import { assertAgs, unknownAgs, unknownService } from './catalog.errors.js';
import type { MunicipalOverrideFile, ServiceFile } from './catalog.types.js';
import { CodeListEntity } from './entities/code-list.entity.js';
import { MunicipalOverrideEntity } from './entities/municipal-override.entity.js';
import { OrganisationEntity } from './entities/organisation.entity.js';
import { ServiceAreaEntity } from './entities/service-area.entity.js';
import { ServicePointEntity } from './entities/service-point.entity.js';
import { ServiceVersionEntity } from './entities/service-version.entity.js';
import { ServiceEntity } from './entities/service.entity.js';
import { SUPPORTED_LOCALE } from './localize.js';
import type { Organisation } from './models/organisation.model.js';
import type { ServiceArea } from './models/service-area.model.js';
import type { ServicePoint, ServicemobilStop } from './models/service-point.model.js';
import type { Service, ServiceConnection, ServiceVersionInfo } from './models/service.model.js';
import type { ServiceFilter } from './dto/service-filter.input.js';
import { openIntervals } from './opening-hours.js';
import { mergeOverride } from './override.merge.js';
import { ServiceRepository } from './service.repository.js';
import { cached } from './catalog-cache.js';

const MAX_STOP_RANGE_DAYS = 92;
export const LIFE_SITUATIONS_LIST = 'lebenslagen';

export function assertLocale(locale: string | null | undefined): string {
  const value = locale ?? 'de';
  if (!SUPPORTED_LOCALE.test(value)) throw badUserInput(`„${value.slice(0, 20)}“ ist keine Sprache (ISO 639-1, z. B. de oder en).`, { argument: 'locale' });
  return value;
}

/** Reads the public catalog: areas, services (search, versions, municipal views), organisations, service points. */
@Injectable()
export class CatalogQueryService {
  constructor(
    private readonly em: EntityManager,
    private readonly services: ServiceRepository,
  ) {}

  async areas(locale: string): Promise<ServiceArea[]> {
    const [areas, counts] = await Promise.all([this.em.fork().find(ServiceAreaEntity, {}, { orderBy: { position: 'asc' } }), this.areaCounts()]);
    return areas.map((a) => toAreaModel(a.data, counts.get(a.id) ?? 0, locale));
  }

  async search(filter: ServiceFilter | undefined, first: number | undefined, after: string | undefined, locale: string): Promise<ServiceConnection> {
    const size = assertPageSize(first);
    const ags = await this.checkedAgs(filter?.ags);
    const position = after ? decodeCursor(after) : undefined;
    const query = filter?.query?.trim();
    if (query && query.length > 200) throw badUserInput('Der Suchbegriff ist zu lang (höchstens 200 Zeichen).', { argument: 'query' });
    const result = await this.services.search({
      query: query || undefined,
      areaId: filter?.areaId ?? undefined,
      lifeSituation: filter?.lifeSituation ?? undefined,
      audience: filter?.audience ?? undefined,
      onlineOnly: filter?.onlineOnly ?? undefined,
      after: position,
      first: size,
    });
    const [overrides, labels] = await Promise.all([this.overridesFor(ags, result.rows.map((r) => r.id)), this.lifeSituationLabels()]);
    const edges = result.rows.map((row) => {
      const { data, overriddenFields } = mergeOverride(row.data, overrides.get(row.id));
      return {
        cursor: encodeCursor(row.position),
        relevance: row.relevance,
        node: toServiceModel({ data, version: row.version, ags, overriddenFields, locale, lifeSituationLabels: labels }),
      };
    });
    return {
      edges,
      totalCount: result.totalCount,
      pageInfo: {
        hasNextPage: result.hasNextPage,
        hasPreviousPage: position !== undefined,
        startCursor: edges[0]?.cursor,
        endCursor: edges[edges.length - 1]?.cursor,
      },
    };
  }

  async service(args: { id?: string; leikaKey?: string; ags?: string; locale: string; version?: number }): Promise<Service> {
    if ((args.id ? 1 : 0) + (args.leikaKey ? 1 : 0) !== 1) {
      throw badUserInput('Bitte genau eines von „id“ oder „leikaKey“ angeben.', { argument: 'id' });
    }
    if (args.leikaKey && !/^99\d{12}$/.test(args.leikaKey)) {
      throw badUserInput('Ein Leistungsschlüssel hat 14 Ziffern und beginnt mit 99.', { argument: 'leikaKey' });
    }
    const ags = await this.checkedAgs(args.ags);
    const entity = await this.em.findOne(ServiceEntity, args.id ? { id: args.id } : { leikaKey: args.leikaKey, removed: false, status: { $ne: 'DRAFT' } }, {
      orderBy: { id: 'asc' },
    });
    if (!entity) throw unknownService(args.id ?? args.leikaKey ?? '');
    let data: ServiceFile = entity.data;
    let version = entity.version;
    if (args.version !== undefined && args.version !== null) {
      // earlier versions stay readable, also of removed services (submissions point at them)
      const old = await this.em.findOne(ServiceVersionEntity, { serviceId: entity.id, version: args.version });
      if (!old || old.status === 'DRAFT') throw unknownService(`${entity.id}@${args.version}`);
      data = old.data;
      version = old.version;
    } else if (entity.removed || entity.status === 'DRAFT') {
      throw unknownService(args.id ?? args.leikaKey ?? '');
    }
    const [overrides, labels] = await Promise.all([this.overridesFor(ags, [entity.id]), this.lifeSituationLabels()]);
    const merged = mergeOverride(data, overrides.get(entity.id));
    return toServiceModel({ data: merged.data, version, ags, overriddenFields: merged.overriddenFields, locale: args.locale, lifeSituationLabels: labels });
  }

  versionsLoader(loaders: RequestLoaders) {
    return loaders.get<string, ServiceVersionInfo[]>('serviceVersions', async (ids) => {
      const [versions, current] = await Promise.all([
        this.em.find(ServiceVersionEntity, { serviceId: { $in: [...ids] } }, { orderBy: { version: 'desc' }, fields: ['serviceId', 'version', 'contentHash', 'status', 'createdAt'] }),
        this.em.find(ServiceEntity, { id: { $in: [...ids] } }, { fields: ['id', 'version'] }),
      ]);
      const currentOf = new Map(current.map((s) => [s.id, s.version]));
      const grouped = new Map<string, ServiceVersionInfo[]>();
      for (const v of versions) {
        const list = grouped.get(v.serviceId) ?? [];
        list.push({ version: v.version, contentHash: v.contentHash, status: v.status as ServiceVersionInfo['status'], createdAt: v.createdAt, current: currentOf.get(v.serviceId) === v.version });
        grouped.set(v.serviceId, list);
      }
      return ids.map((id) => grouped.get(id) ?? []);
    });
  }

  areaLoader(loaders: RequestLoaders, locale: string) {
    return loaders.get<string, ServiceArea | null>(`areas:${locale}`, async (ids) => {
      const areas = await this.areasById(locale);
      return ids.map((id) => areas.get(id) ?? null);
    });
  }

  private areasById(locale: string): Promise<Map<string, ServiceArea>> {
    return cached(`areas:${locale}`, async () => new Map((await this.areas(locale)).map((a) => [a.id, a])));
  }

  organisationLoader(loaders: RequestLoaders) {
    return loaders.get<string, Organisation | null>('organisations', async (ids) => {
      const orgs = await this.em.find(OrganisationEntity, { id: { $in: [...ids] } });
      return byKey(ids, orgs.map((o) => [o.id, toOrganisationModel(o.data)] as [string, Organisation]), null);
    });
  }

  servicePointLoader(loaders: RequestLoaders) {
    return loaders.get<string, ServicePoint | null>('servicePoints', async (ids) => {
      const points = await this.em.find(ServicePointEntity, { id: { $in: [...ids] } });
      return byKey(ids, points.map((p) => [p.id, toServicePointModel(p.data)] as [string, ServicePoint]), null);
    });
  }

  async organisations(ags: string | undefined): Promise<Organisation[]> {
    const checked = await this.checkedAgs(ags);
    const all = await this.em.find(OrganisationEntity, {}, { orderBy: { id: 'asc' } });
    const kindOrder = { COUNTY: 0, MUNICIPALITY: 1, UNIT: 2 };
    // the county's AGS (5 digits) stands for everything in the county; a municipality's for itself and its units
    const chosen = checked && checked.length === 8 ? all.filter((o) => o.id === checked || o.parentId === checked) : all;
    return chosen.sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || a.id.localeCompare(b.id)).map((o) => toOrganisationModel(o.data));
  }

  /** Who handles a service for a citizen of `ags`: the municipality for municipal services, else the county's unit (or the municipality's override). */
  async responsibleOrganisation(serviceId: string, ags: string): Promise<Organisation> {
    assertAgs(ags);
    const municipality = await this.em.findOne(OrganisationEntity, { id: ags });
    if (!municipality) throw unknownAgs(ags);
    if (municipality.kind !== 'MUNICIPALITY') {
      throw badUserInput('Bitte den Gemeindeschlüssel (8 Ziffern) der Stadt oder Gemeinde angeben, in der die Person wohnt.', { argument: 'ags' });
    }
    const service = await this.em.findOne(ServiceEntity, { id: serviceId, removed: false, status: { $ne: 'DRAFT' } });
    if (!service) throw unknownService(serviceId);
    if (service.responsibilityLevel === 'MUNICIPALITY') return toOrganisationModel(municipality.data);
    const override = (await this.overridesFor(ags, [serviceId])).get(serviceId);
    const unitId = override?.fields.responsibleUnitId ?? service.data.responsibleUnitId;
    const countyId = municipality.parentId;
    const target = unitId ?? (service.responsibilityLevel === 'COUNTY' ? countyId : undefined);
    const organisation = target ? await this.em.findOne(OrganisationEntity, { id: target }) : null;
    if (!organisation) {
      throw unknownService(`${serviceId}: keine zuständige Stelle im Landkreis hinterlegt`);
    }
    return toOrganisationModel(organisation.data);
  }

  /**
   * Where a submission for `serviceId` goes: with the applicant's municipality, the responsible organisation
   * there (overrides honoured); without, the form's own receiving organisation (`routing.organisation`), else the
   * service's unit or the county. Also returns the service version.
   */
  async routeSubmission(serviceId: string, ags: string | undefined, formOrganisation?: string): Promise<{ organisationId: string; serviceVersion?: number; processingDays?: number }> {
    const service = await this.em.findOne(ServiceEntity, { id: serviceId }, { fields: ['id', 'version', 'responsibilityLevel', 'data'] });
    if (ags && ags.length === 8) {
      const organisation = await this.responsibleOrganisation(serviceId, ags);
      return { organisationId: organisation.id, serviceVersion: service?.version, processingDays: service?.data.processingTime?.days };
    }
    const county = await this.em.findOne(OrganisationEntity, { kind: 'COUNTY' }, { fields: ['id'] });
    const organisationId = formOrganisation ?? service?.data.responsibleUnitId ?? county?.id;
    if (!organisationId) throw unknownService(`${serviceId}: keine zuständige Stelle im Landkreis hinterlegt`);
    return { organisationId, serviceVersion: service?.version, processingDays: service?.data.processingTime?.days };
  }

  async servicePoints(ags: string | undefined, serviceId: string | undefined): Promise<ServicePoint[]> {
    const checked = await this.checkedAgs(ags);
    let ids: string[] | undefined;
    if (serviceId) {
      const service = await this.em.findOne(ServiceEntity, { id: serviceId, removed: false, status: { $ne: 'DRAFT' } });
      if (!service) throw unknownService(serviceId);
      const override = (await this.overridesFor(checked, [serviceId])).get(serviceId);
      ids = override?.fields.servicePointIds ?? service.data.servicePointIds ?? [];
    }
    const points = await this.em.find(ServicePointEntity, ids ? { id: { $in: ids } } : {}, { orderBy: { id: 'asc' } });
    return points
      .filter((p) => !checked || checked.length === 5 || servesMunicipality(p.data, checked))
      .map((p) => toServicePointModel(p.data));
  }

  async servicemobilStops(ags: string | undefined, from: Date, to: Date): Promise<ServicemobilStop[]> {
    const checked = await this.checkedAgs(ags);
    if (to <= from) throw badUserInput('„to“ muss nach „from“ liegen.', { argument: 'to' });
    if (to.getTime() - from.getTime() > MAX_STOP_RANGE_DAYS * 86_400_000) {
      throw badUserInput(`Der Zeitraum darf höchstens ${MAX_STOP_RANGE_DAYS} Tage umfassen.`, { argument: 'to' });
    }
    const mobiles = await this.em.find(ServicePointEntity, { kind: 'SERVICEMOBIL' }, { orderBy: { id: 'asc' } });
    const stops: ServicemobilStop[] = [];
    for (const mobile of mobiles) {
      const point = toServicePointModel(mobile.data);
      for (const [i, stop] of (mobile.data.stops ?? []).entries()) {
        if (checked && checked.length === 8 && stop.ags !== checked) continue;
        for (const range of openIntervals(stop.schedule, from, to, mobile.data.closures ?? [])) {
          stops.push({ stopId: stop.id, servicePointId: mobile.id, ags: stop.ags, place: point.stops[i].place, address: point.stops[i].address, from: range.from, to: range.to });
        }
      }
    }
    return stops.sort((a, b) => a.from.getTime() - b.from.getTime() || a.stopId.localeCompare(b.stopId));
  }

  private async checkedAgs(ags: string | null | undefined): Promise<string | undefined> {
    if (ags === undefined || ags === null) return undefined;
    assertAgs(ags);
    const org = await this.em.findOne(OrganisationEntity, { id: ags, kind: { $in: ['COUNTY', 'MUNICIPALITY'] } }, { fields: ['id'] });
    if (!org) throw unknownAgs(ags);
    return ags;
  }

  private async overridesFor(ags: string | undefined, serviceIds: string[]): Promise<Map<string, MunicipalOverrideFile>> {
    if (!ags || ags.length !== 8 || serviceIds.length === 0) return new Map();
    const rows = await this.em.find(MunicipalOverrideEntity, { ags, serviceId: { $in: serviceIds } });
    return new Map(rows.map((r) => [r.serviceId, r.data]));
  }

  private lifeSituationLabels(): Promise<Map<string, LocalizedText>> {
    return cached('lifeSituationLabels', async () => {
      const list = await this.em.fork().findOne(CodeListEntity, { id: LIFE_SITUATIONS_LIST });
      return new Map((list?.data.codes ?? []).map((c) => [c.code, c.label]));
    });
  }

  private areaCounts(): Promise<Map<string, number>> {
    return cached('areaCounts', () => this.services.countByArea());
  }
}

function servesMunicipality(point: ServicePointEntity['data'], ags: string): boolean {
  if (point.kind === 'SERVICEMOBIL') return (point.stops ?? []).some((s) => s.ags === ags);
  if (!point.servesAgs || point.servesAgs.length === 0) return true;
  return point.servesAgs.includes(ags) || point.ags === ags;
}
