import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import type { ServiceFile } from '../../generated/service.js';
import { CatalogEntity } from './catalog-entity.base.js';

/**
 * The current version of a service, with columns for filtering and searching. Every version, this one
 * included, is kept in `service_version`.
 */
@Entity({ tableName: 'service' })
@Index({ name: 'service_search_document_idx', expression: 'create index "service_search_document_idx" on "service" using gin ("search_document")' })
@Index({ name: 'service_search_text_trgm_idx', expression: 'create index "service_search_text_trgm_idx" on "service" using gin ("search_text" gin_trgm_ops)' })
export class ServiceEntity extends CatalogEntity {
  @Property({ type: 'integer' })
  version!: number;

  @Property({ type: 'text' })
  status!: ServiceFile['status'];

  @Index()
  @Property({ type: 'text' })
  areaId!: string;

  @Index()
  @Property({ type: 'text', nullable: true })
  leikaKey?: string;

  @Property({ type: 'text' })
  responsibilityLevel!: ServiceFile['responsibilityLevel'];

  @Property({ type: 'text[]' })
  audience!: string[];

  @Property({ type: 'text[]' })
  lifeSituations!: string[];

  @Property({ type: 'text' })
  onlineAvailability!: ServiceFile['onlineAvailability'];

  @Property({ type: 'date', nullable: true })
  validFrom?: string;

  @Property({ type: 'date', nullable: true })
  validTo?: string;

  /** Folded German title, for sorting. */
  @Property({ type: 'text' })
  titleSort!: string;

  /** Folded title, synonyms, keywords and texts: substring and similarity search. */
  @Property({ type: 'text', lazy: true })
  searchText!: string;

  /** Weighted German full-text vector (title A, synonyms and keywords B, teaser C, texts D), written by the sync. */
  @Property({ type: 'tsvector', columnType: 'tsvector', lazy: true, nullable: true })
  searchDocument?: string;

  /** Whether the service was removed from the catalog (its versions stay readable). */
  @Property({ type: 'boolean' })
  removed: Opt<boolean> = false;

  @Property({ type: 'json' })
  data!: ServiceFile;
}
