import { Injectable } from '@nestjs/common';
import { badUserInput } from '../common/errors/lotse.error.js';
import { assertPageSize, decodeCursor, encodeCursor, type KeysetPosition } from '../common/pagination/cursor.js';
import { assertAgs, unknownAgs, unknownService } from './catalog.errors.js';
import type { ServicePointFile } from './catalog.types.js';
import { CatalogStoreService } from './catalog-store.service.js';
import { codePointCompare, type CatalogSnapshot, type SnapshotService } from './catalog-snapshot.js';
import { SUPPORTED_LOCALE } from './localize.js';
import type { Organisation } from './models/organisation.model.js';
import type { ServiceArea } from './models/service-area.model.js';
import type { ServicePoint, ServicemobilStop } from './models/service-point.model.js';
import type { Service, ServiceConnection } from './models/service.model.js';
import type { ServiceFilter } from './dto/service-filter.input.js';
import { openIntervals } from './opening-hours.js';
import { ServiceRepository } from './service.repository.js';

export { LIFE_SITUATIONS_LIST } from './catalog-snapshot.js';

const MAX_STOP_RANGE_DAYS = 92;

export function assertLocale(locale: string | null | undefined): string {
  const value = locale ?? 'de';
  if (!SUPPORTED_LOCALE.test(value)) throw badUserInput(`„${value.slice(0, 20)}“ ist keine Sprache (ISO 639-1, z. B. de oder en).`, { argument: 'locale' });
  return value;
}

const positionOf = (snapshot: CatalogSnapshot, s: SnapshotService): KeysetPosition => [snapshot.areaPositionOf(s.areaId), s.titleSort, s.id];

function afterPosition(a: KeysetPosition, b: KeysetPosition): boolean {
  return (a[0] - b[0] || codePointCompare(a[1], b[1]) || codePointCompare(a[2], b[2])) > 0;
}

/**
 * Reads the public catalog: areas, services (list, search, versions, municipal views), organisations, service
 * points. Everything comes from the in-memory snapshot of the current catalog generation (catalog-snapshot.ts);
 * only a search with words asks PostgreSQL (German full text), for the ids and ranks of the matches.
 */
@Injectable()
export class CatalogQueryService {
  constructor(
    private readonly store: CatalogStoreService,
    private readonly services: ServiceRepository,
  ) {}

  async areas(locale: string): Promise<ServiceArea[]> {
    return [...this.store.snapshot().areas(locale)];
  }

  async search(filter: ServiceFilter | undefined, first: number | undefined, after: string | undefined, locale: string): Promise<ServiceConnection> {
    const size = assertPageSize(first);
    const snapshot = this.store.snapshot();
    const ags = this.checkedAgs(snapshot, filter?.ags);
    const position = after ? decodeCursor(after) : undefined;
    const query = filter?.query?.trim();
    if (query && query.length > 200) throw badUserInput('Der Suchbegriff ist zu lang (höchstens 200 Zeichen).', { argument: 'query' });
    const result = query
      ? await this.services.search({
          query,
          areaId: filter?.areaId ?? undefined,
          lifeSituation: filter?.lifeSituation ?? undefined,
          audience: filter?.audience ?? undefined,
          onlineOnly: filter?.onlineOnly ?? undefined,
          after: position,
          first: size,
        })
      : this.list(snapshot, filter, position, size);
    const edges = result.rows.map((row) => {
      const current = snapshot.services.get(row.id);
      // a search row of a service changed since this snapshot was built: shown as PostgreSQL has it
      const node = current && current.version === row.version ? snapshot.serviceModel(current, ags, locale) : snapshot.buildModel(row.data, row.version, ags, locale);
      return { cursor: encodeCursor(row.position), relevance: row.relevance, node };
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

  /** The list without search words: the snapshot's visible services in the order area, title, id. */
  private list(snapshot: CatalogSnapshot, filter: ServiceFilter | undefined, position: KeysetPosition | undefined, size: number) {
    const matches = snapshot
      .visible()
      .filter(
        (s) =>
          (!filter?.areaId || s.areaId === filter.areaId) &&
          (!filter?.lifeSituation || s.lifeSituations.includes(filter.lifeSituation)) &&
          (!filter?.audience || s.audience.includes(filter.audience)) &&
          (!filter?.onlineOnly || s.onlineAvailability === 'ONLINE' || s.onlineAvailability === 'PARTLY_ONLINE'),
      );
    const rest = position ? matches.filter((s) => afterPosition(positionOf(snapshot, s), position)) : matches;
    return {
      totalCount: matches.length,
      hasNextPage: rest.length > size,
      rows: rest.slice(0, size).map((s) => ({ id: s.id, version: s.version, data: s.data, position: positionOf(snapshot, s), relevance: undefined as number | undefined })),
    };
  }

  async service(args: { id?: string; leikaKey?: string; ags?: string; locale: string; version?: number }): Promise<Service> {
    if ((args.id ? 1 : 0) + (args.leikaKey ? 1 : 0) !== 1) {
      throw badUserInput('Bitte genau eines von „id“ oder „leikaKey“ angeben.', { argument: 'id' });
    }
    if (args.leikaKey && !/^99\d{12}$/.test(args.leikaKey)) {
      throw badUserInput('Ein Leistungsschlüssel hat 14 Ziffern und beginnt mit 99.', { argument: 'leikaKey' });
    }
    const snapshot = this.store.snapshot();
    const ags = this.checkedAgs(snapshot, args.ags);
    const service = args.id ? snapshot.services.get(args.id) : this.byLeikaKey(snapshot, args.leikaKey!);
    if (!service) throw unknownService(args.id ?? args.leikaKey ?? '');
    if (args.version !== undefined && args.version !== null) {
      // earlier versions stay readable, also of removed services (submissions point at them)
      const old = snapshot.versionsOf(service.id).find((v) => v.version === args.version);
      if (!old || old.status === 'DRAFT') throw unknownService(`${service.id}@${args.version}`);
      return old.version === service.version && old.data === service.data
        ? snapshot.serviceModel(service, ags, args.locale)
        : snapshot.buildModel(old.data, old.version, ags, args.locale);
    }
    if (service.removed || service.status === 'DRAFT') throw unknownService(args.id ?? args.leikaKey ?? '');
    return snapshot.serviceModel(service, ags, args.locale);
  }

  /** The first (by id) service with the key that is neither removed nor a draft. */
  private byLeikaKey(snapshot: CatalogSnapshot, leikaKey: string): SnapshotService | undefined {
    let found: SnapshotService | undefined;
    for (const s of snapshot.services.values()) {
      if (s.leikaKey !== leikaKey || s.removed || s.status === 'DRAFT') continue;
      if (!found || codePointCompare(s.id, found.id) < 0) found = s;
    }
    return found;
  }

  /** The catalog snapshot in service (field resolvers read related objects from it directly). */
  snapshot(): CatalogSnapshot {
    return this.store.snapshot();
  }

  async organisations(ags: string | undefined): Promise<Organisation[]> {
    const snapshot = this.store.snapshot();
    const checked = this.checkedAgs(snapshot, ags);
    const all = snapshot.organisationList;
    const kindOrder = { COUNTY: 0, MUNICIPALITY: 1, UNIT: 2 };
    // the county's AGS (5 digits) stands for everything in the county; a municipality's for itself and its units
    const chosen = checked && checked.length === 8 ? all.filter((o) => o.id === checked || o.parentId === checked) : [...all];
    return chosen.sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || a.id.localeCompare(b.id)).map((o) => snapshot.organisationModel(o.id)!);
  }

  /** Who handles a service for a citizen of `ags`: the municipality for municipal services, else the county's unit (or the municipality's override). */
  async responsibleOrganisation(serviceId: string, ags: string): Promise<Organisation> {
    return this.responsibleIn(this.store.snapshot(), serviceId, ags);
  }

  private responsibleIn(snapshot: CatalogSnapshot, serviceId: string, ags: string): Organisation {
    assertAgs(ags);
    const municipality = snapshot.organisations.get(ags);
    if (!municipality) throw unknownAgs(ags);
    if (municipality.kind !== 'MUNICIPALITY') {
      throw badUserInput('Bitte den Gemeindeschlüssel (8 Ziffern) der Stadt oder Gemeinde angeben, in der die Person wohnt.', { argument: 'ags' });
    }
    const service = this.published(snapshot, serviceId);
    if (!service) throw unknownService(serviceId);
    if (service.responsibilityLevel === 'MUNICIPALITY') return snapshot.organisationModel(municipality.id)!;
    const override = snapshot.override(ags, serviceId);
    const unitId = override?.fields.responsibleUnitId ?? service.data.responsibleUnitId;
    const countyId = municipality.parentId;
    const target = unitId ?? (service.responsibilityLevel === 'COUNTY' ? countyId : undefined);
    const organisation = target ? snapshot.organisationModel(target) : undefined;
    if (!organisation) {
      throw unknownService(`${serviceId}: keine zuständige Stelle im Landkreis hinterlegt`);
    }
    return organisation;
  }

  private published(snapshot: CatalogSnapshot, serviceId: string): SnapshotService | undefined {
    const service = snapshot.services.get(serviceId);
    return service && !service.removed && service.status !== 'DRAFT' ? service : undefined;
  }

  /**
   * Where a submission for `serviceId` goes: with the applicant's municipality, the responsible organisation
   * there (overrides honoured); without, the form's own receiving organisation (`routing.organisation`), else the
   * service's unit or the county. Also returns the service version.
   */
  async routeSubmission(serviceId: string, ags: string | undefined, formOrganisation?: string): Promise<{ organisationId: string; serviceVersion?: number; processingDays?: number }> {
    const snapshot = this.store.snapshot();
    const service = snapshot.services.get(serviceId);
    if (ags && ags.length === 8) {
      const organisation = this.responsibleIn(snapshot, serviceId, ags);
      return { organisationId: organisation.id, serviceVersion: service?.version, processingDays: service?.data.processingTime?.days };
    }
    const county = snapshot.organisationList.find((o) => o.kind === 'COUNTY');
    const organisationId = formOrganisation ?? service?.data.responsibleUnitId ?? county?.id;
    if (!organisationId) throw unknownService(`${serviceId}: keine zuständige Stelle im Landkreis hinterlegt`);
    return { organisationId, serviceVersion: service?.version, processingDays: service?.data.processingTime?.days };
  }

  async servicePoints(ags: string | undefined, serviceId: string | undefined): Promise<ServicePoint[]> {
    const snapshot = this.store.snapshot();
    const checked = this.checkedAgs(snapshot, ags);
    let points: readonly ServicePointFile[] = snapshot.servicePointList;
    if (serviceId) {
      const service = this.published(snapshot, serviceId);
      if (!service) throw unknownService(serviceId);
      const override = snapshot.override(checked, serviceId);
      const ids = new Set(override?.fields.servicePointIds ?? service.data.servicePointIds ?? []);
      points = points.filter((p) => ids.has(p.id));
    }
    return points.filter((p) => !checked || checked.length === 5 || servesMunicipality(p, checked)).map((p) => snapshot.servicePointModel(p.id)!);
  }

  async servicemobilStops(ags: string | undefined, from: Date, to: Date): Promise<ServicemobilStop[]> {
    const snapshot = this.store.snapshot();
    const checked = this.checkedAgs(snapshot, ags);
    if (to <= from) throw badUserInput('„to“ muss nach „from“ liegen.', { argument: 'to' });
    if (to.getTime() - from.getTime() > MAX_STOP_RANGE_DAYS * 86_400_000) {
      throw badUserInput(`Der Zeitraum darf höchstens ${MAX_STOP_RANGE_DAYS} Tage umfassen.`, { argument: 'to' });
    }
    const mobiles = snapshot.servicePointList.filter((p) => p.kind === 'SERVICEMOBIL');
    const stops: ServicemobilStop[] = [];
    for (const mobile of mobiles) {
      const point = snapshot.servicePointModel(mobile.id)!;
      for (const [i, stop] of (mobile.stops ?? []).entries()) {
        if (checked && checked.length === 8 && stop.ags !== checked) continue;
        for (const range of openIntervals(stop.schedule, from, to, mobile.closures ?? [])) {
          stops.push({ stopId: stop.id, servicePointId: mobile.id, ags: stop.ags, place: point.stops[i].place, address: point.stops[i].address, from: range.from, to: range.to });
        }
      }
    }
    return stops.sort((a, b) => a.from.getTime() - b.from.getTime() || a.stopId.localeCompare(b.stopId));
  }

  private checkedAgs(snapshot: CatalogSnapshot, ags: string | null | undefined): string | undefined {
    if (ags === undefined || ags === null) return undefined;
    assertAgs(ags);
    const org = snapshot.organisations.get(ags);
    if (!org || (org.kind !== 'COUNTY' && org.kind !== 'MUNICIPALITY')) throw unknownAgs(ags);
    return ags;
  }
}

function servesMunicipality(point: ServicePointFile, ags: string): boolean {
  if (point.kind === 'SERVICEMOBIL') return (point.stops ?? []).some((s) => s.ags === ags);
  if (!point.servesAgs || point.servesAgs.length === 0) return true;
  return point.servesAgs.includes(ags) || point.ags === ags;
}
