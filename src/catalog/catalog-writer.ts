import type { EntityManager } from '@mikro-orm/postgresql';
import type { CodeListFile, OrganisationFile, ServiceAreaFile, ServiceFile } from './catalog.types.js';
import { CodeListEntity } from './entities/code-list.entity.js';
import { OrganisationEntity } from './entities/organisation.entity.js';
import { ServiceAreaEntity } from './entities/service-area.entity.js';
import { ServiceVersionEntity } from './entities/service-version.entity.js';
import { ServiceEntity } from './entities/service.entity.js';
import { foldGerman } from './search-text.js';

const texts = (values: Array<{ de: string; [k: string]: string | undefined } | undefined>) =>
  values.flatMap((v) => (v ? Object.values(v).filter((s): s is string => typeof s === 'string') : [])).join(' ');

/** The folded search columns of a service. */
export function searchColumns(data: ServiceFile) {
  const title = foldGerman(texts([data.title]));
  const terms = foldGerman([...(data.synonyms ?? []), ...(data.keywords ?? [])].join(' '));
  const teaser = foldGerman(texts([data.teaser]));
  const body = foldGerman(texts([data.description, data.hints, ...(data.prerequisites ?? []), ...(data.procedure ?? [])]));
  return { title, terms, teaser, body, titleSort: foldGerman(data.title.de), searchText: [title, terms, teaser].join(' ') };
}

/**
 * Writes a service: a changed content hash makes a new version (older versions stay readable). Used by the
 * catalog sync and by imports.
 */
export async function writeService(em: EntityManager, data: ServiceFile, contentHash: string): Promise<{ entity: ServiceEntity; newVersion: boolean }> {
  const columns = searchColumns(data);
  const values = {
    contentHash,
    status: data.status,
    areaId: data.areaId,
    leikaKey: data.leikaKey ?? undefined,
    responsibilityLevel: data.responsibilityLevel,
    audience: [...data.audience],
    lifeSituations: [...(data.lifeSituations ?? [])],
    onlineAvailability: data.onlineAvailability,
    validFrom: data.validFrom ?? undefined,
    validTo: data.validTo ?? undefined,
    titleSort: columns.titleSort,
    searchText: columns.searchText,
    removed: false,
    data,
  };
  const existing = await em.findOne(ServiceEntity, { id: data.id });
  const latest = existing ? await em.findOne(ServiceVersionEntity, { serviceId: data.id }, { orderBy: { version: 'desc' } }) : null;
  const newVersion = !latest || latest.contentHash !== contentHash;
  const version = newVersion ? (latest?.version ?? 0) + 1 : latest.version;
  if (newVersion) em.create(ServiceVersionEntity, { serviceId: data.id, version, contentHash, status: data.status, data });
  let entity: ServiceEntity;
  if (existing) {
    entity = em.assign(existing, { ...values, version });
  } else {
    entity = em.create(ServiceEntity, { id: data.id, version, ...values });
  }
  return { entity, newVersion };
}

export async function writeSearchDocument(em: EntityManager, service: ServiceEntity): Promise<void> {
  const c = searchColumns(service.data);
  await em.execute(
    `update "service" set "search_document" =
       setweight(to_tsvector('german', ?), 'A') || setweight(to_tsvector('german', ?), 'B') ||
       setweight(to_tsvector('german', ?), 'C') || setweight(to_tsvector('german', ?), 'D')
     where "id" = ?`,
    [c.title, c.terms, c.teaser, c.body, service.id],
  );
}

/** Inserts or updates a row with a text id. */
export async function upsert<T extends { id: string }>(em: EntityManager, entity: new () => T, id: string, values: Partial<T>): Promise<void> {
  const existing = await em.findOne(entity, { id } as never);
  if (existing) em.assign(existing, values as never);
  else em.create(entity, { id, ...values } as never);
}

/** Writes an area, organisation or code list with its indexed columns (catalog sync and imports). */
export async function writeCatalogRow(
  em: EntityManager,
  row: { kind: 'area'; data: ServiceAreaFile } | { kind: 'organisation'; data: OrganisationFile } | { kind: 'codeList'; data: CodeListFile },
  contentHash: string,
): Promise<void> {
  switch (row.kind) {
    case 'area':
      return upsert(em, ServiceAreaEntity, row.data.id, { contentHash, position: row.data.position, data: row.data });
    case 'organisation':
      return upsert(em, OrganisationEntity, row.data.id, { contentHash, kind: row.data.kind, ags: row.data.ags, parentId: row.data.parentId, data: row.data });
    case 'codeList':
      return upsert(em, CodeListEntity, row.data.id, { contentHash, version: row.data.version, data: row.data });
  }
}
