import { IsolationLevel, type EntityManager } from '@mikro-orm/postgresql';
import type { LocalizedText } from '../generated/catalog-common.js';
import { FormVersionEntity, liveServiceId } from '../forms/entities/form-version.entity.js';
import { compareVersions } from '../forms/form-version.js';
import { toAreaModel, toOrganisationModel, toServiceModel, toServicePointModel } from './catalog.mapper.js';
import type { MunicipalOverrideFile, OrganisationFile, ServiceAreaFile, ServiceFile, ServicePointFile } from './catalog.types.js';
import { CodeListEntity } from './entities/code-list.entity.js';
import { MunicipalOverrideEntity } from './entities/municipal-override.entity.js';
import { OrganisationEntity } from './entities/organisation.entity.js';
import { ServiceAreaEntity } from './entities/service-area.entity.js';
import { ServicePointEntity } from './entities/service-point.entity.js';
import { ServiceVersionEntity } from './entities/service-version.entity.js';
import { ServiceEntity } from './entities/service.entity.js';
import type { Organisation } from './models/organisation.model.js';
import type { ServiceArea } from './models/service-area.model.js';
import type { ServicePoint } from './models/service-point.model.js';
import type { Service, ServiceVersionInfo } from './models/service.model.js';
import { berlinDate } from './opening-hours.js';
import { mergeOverride } from './override.merge.js';

export const LIFE_SITUATIONS_LIST = 'lebenslagen';

/** A service as the snapshot holds it: the current row of `service` without its search columns. */
export interface SnapshotService {
  id: string;
  version: number;
  status: ServiceFile['status'];
  removed: boolean;
  areaId: string;
  leikaKey?: string;
  responsibilityLevel: ServiceFile['responsibilityLevel'];
  audience: readonly string[];
  lifeSituations: readonly string[];
  onlineAvailability: ServiceFile['onlineAvailability'];
  validFrom?: string;
  validTo?: string;
  titleSort: string;
  data: ServiceFile;
}

export interface SnapshotVersion {
  version: number;
  contentHash: string;
  status: ServiceFile['status'];
  createdAt: Date;
  data: ServiceFile;
}

let dayCache = { until: 0, day: '' };

/** Today in Europe/Berlin, worked out at most once a second. */
export function currentBerlinDate(): string {
  const now = Date.now();
  if (now >= dayCache.until || now < dayCache.until - 1000) dayCache = { until: now + 1000, day: berlinDate(new Date(now)) };
  return dayCache.day;
}

/** PostgreSQL's order under the C collation (code points), which the test and embedded clusters use. */
export function codePointCompare(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i += 1;
  }
  return a.length - b.length;
}

const dateOnly = (value: unknown): string | undefined => {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  return String(value).slice(0, 10);
};

/**
 * The published catalog of one generation, read once from PostgreSQL and never changed afterwards: a change builds
 * a new snapshot, which replaces this one in one assignment (catalog-store.service.ts). Models for GraphQL are made
 * per language (and per municipality where an AGS is given) on first use and kept for the snapshot's life; models
 * that depend on today's date (visibility by validity, form schemas with date bounds) are kept for the day.
 * Consumers must treat everything they get as read-only.
 */
export class CatalogSnapshot {
  readonly areaList: readonly ServiceAreaFile[];
  readonly services: ReadonlyMap<string, SnapshotService>;
  /** Services in the list order of the public search: area position, folded title, id. */
  readonly ordered: readonly SnapshotService[];
  readonly organisations: ReadonlyMap<string, OrganisationFile>;
  readonly organisationList: readonly OrganisationFile[];
  readonly servicePoints: ReadonlyMap<string, ServicePointFile>;
  readonly servicePointList: readonly ServicePointFile[];
  readonly lifeSituationLabels: ReadonlyMap<string, LocalizedText>;
  readonly forms: ReadonlyMap<string, FormVersionEntity>;
  private readonly areaPosition: ReadonlyMap<string, number>;
  private readonly versions: ReadonlyMap<string, readonly SnapshotVersion[]>;
  private readonly overrides: ReadonlyMap<string, MunicipalOverrideFile>;
  private readonly formsByFormId: ReadonlyMap<string, readonly FormVersionEntity[]>;
  private readonly latestByService: ReadonlyMap<string, readonly FormVersionEntity[]>;
  private readonly latestPublished: readonly FormVersionEntity[];

  private readonly memo = new Map<string, unknown>();
  private memoDay = '';
  private readonly dayMemo = new Map<string, unknown>();

  constructor(
    readonly generation: number,
    rows: {
      areas: ServiceAreaFile[];
      services: SnapshotService[];
      versions: Array<SnapshotVersion & { serviceId: string }>;
      organisations: OrganisationFile[];
      servicePoints: ServicePointFile[];
      overrides: MunicipalOverrideFile[];
      lifeSituationLabels: Map<string, LocalizedText>;
      forms: FormVersionEntity[];
    },
  ) {
    this.areaList = [...rows.areas].sort((a, b) => a.position - b.position);
    this.areaPosition = new Map(this.areaList.map((a) => [a.id, a.position]));
    this.services = new Map(rows.services.map((s) => [s.id, s]));
    this.ordered = rows.services
      .filter((s) => this.areaPosition.has(s.areaId))
      .sort((a, b) => this.areaPosition.get(a.areaId)! - this.areaPosition.get(b.areaId)! || codePointCompare(a.titleSort, b.titleSort) || codePointCompare(a.id, b.id));
    const versions = new Map<string, SnapshotVersion[]>();
    for (const v of rows.versions) versions.set(v.serviceId, [...(versions.get(v.serviceId) ?? []), v]);
    for (const list of versions.values()) list.sort((a, b) => b.version - a.version);
    this.versions = versions;
    this.organisationList = [...rows.organisations].sort((a, b) => codePointCompare(a.id, b.id));
    this.organisations = new Map(this.organisationList.map((o) => [o.id, o]));
    this.servicePointList = [...rows.servicePoints].sort((a, b) => codePointCompare(a.id, b.id));
    this.servicePoints = new Map(this.servicePointList.map((p) => [p.id, p]));
    this.overrides = new Map(rows.overrides.map((o) => [`${o.ags}/${o.serviceId}`, o]));
    this.lifeSituationLabels = rows.lifeSituationLabels;
    this.forms = new Map(rows.forms.map((f) => [f.id, f]));
    const byFormId = new Map<string, FormVersionEntity[]>();
    for (const f of rows.forms) byFormId.set(f.formId, [...(byFormId.get(f.formId) ?? []), f]);
    this.formsByFormId = byFormId;
    const latest = new Map<string, FormVersionEntity>();
    for (const f of rows.forms) {
      if (f.status !== 'PUBLISHED' || f.removed) continue;
      const current = latest.get(f.formId);
      if (!current || compareVersions(f.version, current.version) > 0) latest.set(f.formId, f);
    }
    this.latestPublished = [...latest.values()].sort((a, b) => (a.formId < b.formId ? -1 : a.formId > b.formId ? 1 : 0));
    const byService = new Map<string, FormVersionEntity[]>();
    for (const form of [...this.latestPublished].sort((a, b) => a.formId.localeCompare(b.formId))) {
      byService.set(liveServiceId(form), [...(byService.get(liveServiceId(form)) ?? []), form]);
    }
    this.latestByService = byService;
  }

  /** Reads every catalog table in one repeatable-read transaction, so the snapshot is one consistent state. */
  static async load(em: EntityManager): Promise<CatalogSnapshot> {
    return em.fork().transactional(
      async (tx) => {
        const [{ generation }] = await tx.execute<Array<{ generation: string }>>(`select "generation"::text as generation from "catalog_generation" where "id" = 1`);
        const [areas, services, versions, organisations, points, overrides, lifeSituations, forms] = [
          await tx.find(ServiceAreaEntity, {}),
          await tx.find(ServiceEntity, {}),
          await tx.find(ServiceVersionEntity, {}),
          await tx.find(OrganisationEntity, {}),
          await tx.find(ServicePointEntity, {}),
          await tx.find(MunicipalOverrideEntity, {}),
          await tx.findOne(CodeListEntity, { id: LIFE_SITUATIONS_LIST }),
          await tx.find(FormVersionEntity, {}),
        ];
        return new CatalogSnapshot(Number(generation), {
          areas: areas.map((a) => a.data),
          services: services.map((s) => ({
            id: s.id,
            version: s.version,
            status: s.status,
            removed: s.removed,
            areaId: s.areaId,
            leikaKey: s.leikaKey ?? undefined,
            responsibilityLevel: s.responsibilityLevel,
            audience: s.audience,
            lifeSituations: s.lifeSituations,
            onlineAvailability: s.onlineAvailability,
            validFrom: dateOnly(s.validFrom),
            validTo: dateOnly(s.validTo),
            titleSort: s.titleSort,
            data: s.data,
          })),
          versions: versions.map((v) => ({ serviceId: v.serviceId, version: v.version, contentHash: v.contentHash, status: v.status, createdAt: v.createdAt, data: v.data })),
          organisations: organisations.map((o) => o.data),
          servicePoints: points.map((p) => p.data),
          overrides: overrides.map((o) => o.data),
          lifeSituationLabels: new Map((lifeSituations?.data.codes ?? []).map((c) => [c.code, c.label])),
          forms,
        });
      },
      { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
    );
  }

  private once<T>(key: string, make: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const value = make();
    this.memo.set(key, value);
    return value;
  }

  private daily<T>(key: string, make: (today: string) => T): T {
    const today = currentBerlinDate();
    if (today !== this.memoDay) {
      this.dayMemo.clear();
      this.memoDay = today;
    }
    if (this.dayMemo.has(key)) return this.dayMemo.get(key) as T;
    const value = make(today);
    this.dayMemo.set(key, value);
    return value;
  }

  /** Published, not removed and valid today: what the public list and search show. */
  visible(): readonly SnapshotService[] {
    return this.daily('visible', (today) =>
      this.ordered.filter((s) => !s.removed && s.status === 'PUBLISHED' && (!s.validFrom || s.validFrom <= today) && (!s.validTo || s.validTo >= today)),
    );
  }

  areaPositionOf(areaId: string): number {
    return this.areaPosition.get(areaId) ?? 0;
  }

  areas(locale: string): readonly ServiceArea[] {
    return this.daily(`areas:${locale}`, () => {
      const counts = new Map<string, number>();
      for (const s of this.visible()) counts.set(s.areaId, (counts.get(s.areaId) ?? 0) + 1);
      return this.areaList.map((a) => toAreaModel(a, counts.get(a.id) ?? 0, locale));
    });
  }

  areaById(id: string, locale: string): ServiceArea | undefined {
    const byId = this.daily(`areasById:${locale}`, () => new Map(this.areas(locale).map((a) => [a.id, a])));
    return byId.get(id);
  }

  override(ags: string | undefined, serviceId: string): MunicipalOverrideFile | undefined {
    return ags && ags.length === 8 ? this.overrides.get(`${ags}/${serviceId}`) : undefined;
  }

  /** The GraphQL model of a service's current version, for a municipality where `ags` is given. */
  serviceModel(service: SnapshotService, ags: string | undefined, locale: string): Service {
    const models = this.once(`services:${locale}:${ags ?? ''}`, () => new Map<string, Service>());
    let model = models.get(service.id);
    if (!model) {
      model = this.buildModel(service.data, service.version, ags, locale);
      models.set(service.id, model);
    }
    return model;
  }

  buildModel(data: ServiceFile, version: number, ags: string | undefined, locale: string): Service {
    const merged = mergeOverride(data, this.override(ags, data.id));
    return toServiceModel({ data: merged.data, version, ags, overriddenFields: merged.overriddenFields, locale, lifeSituationLabels: this.lifeSituationLabels });
  }

  versionsOf(serviceId: string): readonly SnapshotVersion[] {
    return this.versions.get(serviceId) ?? [];
  }

  versionInfos(serviceId: string): ServiceVersionInfo[] {
    const current = this.services.get(serviceId)?.version;
    return this.versionsOf(serviceId).map((v) => ({ version: v.version, contentHash: v.contentHash, status: v.status as ServiceVersionInfo['status'], createdAt: v.createdAt, current: v.version === current }));
  }

  organisationModel(id: string): Organisation | undefined {
    const data = this.organisations.get(id);
    if (!data) return undefined;
    return this.once(`organisation:${id}`, () => toOrganisationModel(data));
  }

  servicePointModel(id: string): ServicePoint | undefined {
    const data = this.servicePoints.get(id);
    if (!data) return undefined;
    return this.once(`servicePoint:${id}`, () => toServicePointModel(data));
  }

  /** Every stored version of a form (drafts included: lookups tell them apart). */
  formVersions(formId: string): readonly FormVersionEntity[] {
    return this.formsByFormId.get(formId) ?? [];
  }

  /** Every stored version, grouped by form. */
  formsByForm(): Iterable<readonly FormVersionEntity[]> {
    return this.formsByFormId.values();
  }

  /** The latest published version of each form, ordered by form id. */
  latestPublishedForms(): readonly FormVersionEntity[] {
    return this.latestPublished;
  }

  latestFormsOf(serviceId: string): readonly FormVersionEntity[] {
    return this.latestByService.get(serviceId) ?? [];
  }

  /** A rendered form (schemas for both renderers) per language and day, made once. */
  rendered<T>(form: FormVersionEntity, locale: string, render: () => T): T {
    return this.daily(`form:${form.id}:${locale}`, render);
  }
}
