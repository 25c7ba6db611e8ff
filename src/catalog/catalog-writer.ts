import type { EntityManager } from '@mikro-orm/postgresql';
import type { ServiceFile } from './catalog.types.js';
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
