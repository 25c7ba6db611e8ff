import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { checkCatalogDir, codeListsOf } from './catalog.check.js';
import { CatalogRejectedError } from './catalog.errors.js';
import type { CatalogKind, CatalogSource, CodeListFile, Entry, FormVersionFile, ServiceFile } from './catalog.types.js';
import { CatalogFile } from './entities/catalog-file.entity.js';
import { CatalogSyncRun } from './entities/catalog-sync-run.entity.js';
import { CodeListEntity } from './entities/code-list.entity.js';
import { MunicipalOverrideEntity } from './entities/municipal-override.entity.js';
import { OrganisationEntity } from './entities/organisation.entity.js';
import { ServiceAreaEntity } from './entities/service-area.entity.js';
import { ServicePointEntity } from './entities/service-point.entity.js';
import { ServiceEntity } from './entities/service.entity.js';
import { upsert, writeCatalogRow, writeSearchDocument, writeService } from './catalog-writer.js';
import { bumpCatalogGeneration } from './catalog-generation.js';
import { CatalogStoreService } from './catalog-store.service.js';
import { FormVersionEntity } from '../forms/entities/form-version.entity.js';
import { publishSchema } from '../forms/form-schema.js';
import type { FormSchemaNode } from '../forms/form.types.js';
import { orderLike } from '../common/json-order.js';
import { canonicalJson } from '../common/canonical-json.js';

export interface SyncResult {
  outcome: 'APPLIED' | 'UNCHANGED';
  filesChanged: number;
  filesRemoved: number;
  newServiceVersions: number;
  services: number;
  unverifiedEntries: number;
}

const SYNC_LOCK = 'lotse.catalog.sync';

/**
 * Brings the database to the catalog on disk, in one transaction: files whose hash is unchanged are skipped,
 * a changed service becomes a new version (older versions stay), removed files are removed (services are
 * kept as removed, with their versions). A catalog that fails the check changes nothing.
 */
@Injectable()
export class CatalogSyncService {
  private readonly logger = new Logger(CatalogSyncService.name);

  constructor(
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    /** Absent in the sync CLI: running instances learn of the change by its notification. */
    @Optional() private readonly store?: CatalogStoreService,
  ) {}

  async sync(dir = this.config.catalogDir): Promise<SyncResult> {
    const check = await checkCatalogDir(dir);
    if (check.errors.length > 0) {
      const em = this.em.fork();
      em.create(CatalogSyncRun, {
        outcome: 'REJECTED',
        problems: check.errors.slice(0, 200).map((p) => `${p.file}:${p.pointer || '/'}: ${p.message}`),
      });
      await em.flush();
      throw new CatalogRejectedError(check.errors);
    }
    const byPath = new Map(check.sources.map((s) => [s.path, s]));
    const entries = new Map<string, Entry<unknown>>();
    for (const map of Object.values(check.catalog)) {
      for (const entry of (map as Map<string, Entry<unknown>>).values()) entries.set(entry.path, entry);
    }

    const codeLists = codeListsOf(check.catalog);
    const result = await this.em.fork().transactional(async (em) => {
      await em.execute('select pg_advisory_xact_lock(hashtext(?))', [SYNC_LOCK]);
      const known = new Map((await em.find(CatalogFile, {})).map((f) => [f.path, f]));
      let filesChanged = 0;
      let newServiceVersions = 0;
      const changedServices: ServiceEntity[] = [];

      for (const [path, source] of byPath) {
        const file = known.get(path);
        if (file && file.contentHash === source.hash) continue;
        filesChanged += 1;
        const entry = entries.get(path);
        if (!entry) continue;
        const service = await this.apply(em, source, entry, codeLists);
        if (service) {
          changedServices.push(service.entity);
          if (service.newVersion) newServiceVersions += 1;
        }
        if (file) {
          file.contentHash = source.hash;
          file.syncedAt = new Date();
        } else {
          em.create(CatalogFile, { path, kind: source.kind, contentHash: source.hash, syncedAt: new Date() });
        }
      }

      let filesRemoved = 0;
      for (const [path, file] of known) {
        if (byPath.has(path)) continue;
        filesRemoved += 1;
        await this.remove(em, file.kind as CatalogKind, path);
        em.remove(file);
      }
      await em.flush();
      // also services whose search document is missing (e.g. cleared by a migration that changes the search)
      const unindexed = await em.find(ServiceEntity, { searchDocument: null, id: { $nin: changedServices.map((s) => s.id) } });
      for (const service of [...changedServices, ...unindexed]) await writeSearchDocument(em, service);

      const outcome: SyncResult['outcome'] = filesChanged + filesRemoved > 0 ? 'APPLIED' : 'UNCHANGED';
      em.create(CatalogSyncRun, { outcome, filesChanged, filesRemoved, newServiceVersions });
      await em.flush();
      if (outcome === 'APPLIED') await bumpCatalogGeneration(em);
      return { outcome, filesChanged, filesRemoved, newServiceVersions };
    });
    if (result.outcome === 'APPLIED') await this.store?.refresh();
    const summary: SyncResult = { ...result, services: check.stats.services, unverifiedEntries: check.stats.unverifiedEntries };
    this.logger.log({ ...summary, msg: `catalog sync: ${summary.outcome.toLowerCase()}` });
    return summary;
  }

  private async apply(em: EntityManager, source: CatalogSource, entry: Entry<unknown>, codeLists: Map<string, CodeListFile>) {
    const base = { contentHash: source.hash };
    switch (source.kind) {
      case 'area':
        return writeCatalogRow(em, { kind: 'area', data: entry.data as ServiceAreaEntity['data'] }, source.hash).then(() => undefined);
      case 'organisation':
        return writeCatalogRow(em, { kind: 'organisation', data: entry.data as OrganisationEntity['data'] }, source.hash).then(() => undefined);
      case 'codeList':
        return writeCatalogRow(em, { kind: 'codeList', data: entry.data as CodeListEntity['data'] }, source.hash).then(() => undefined);
      case 'servicePoint': {
        const data = entry.data as ServicePointEntity['data'];
        await upsert(em, ServicePointEntity, data.id, { ...base, kind: data.kind, data });
        return undefined;
      }
      case 'override': {
        const data = entry.data as MunicipalOverrideEntity['data'];
        await upsert(em, MunicipalOverrideEntity, `${data.ags}/${data.serviceId}`, { ...base, ags: data.ags, serviceId: data.serviceId, data });
        return undefined;
      }
      case 'service':
        return writeService(em, (entry as Entry<ServiceFile>).data, entry.hash);
      case 'formVersion':
        await this.applyFormVersion(em, entry as Entry<FormVersionFile>, codeLists);
        return undefined;
      case 'formExample':
        return undefined; // checked, not stored
    }
  }

  /** A published version is frozen: only its status may change (to RETIRED). */
  private async applyFormVersion(em: EntityManager, entry: Entry<FormVersionFile>, codeLists: Map<string, CodeListFile>) {
    const data = entry.data;
    const id = `${data.id}@${data.version}`;
    const existing = await em.findOne(FormVersionEntity, { id });
    if (existing && existing.status !== 'DRAFT') {
      const { status: _old, ...before } = existing.data;
      const { status: _new, ...after } = data;
      if (canonicalJson(before) !== canonicalJson(after)) {
        throw new CatalogRejectedError([
          {
            file: `catalog/${entry.path}`,
            pointer: '',
            message: `Die veröffentlichte Version ${data.version} des Formulars „${data.id}“ darf nicht mehr geändert werden; legen Sie eine neue Version an.`,
            severity: 'error',
          },
        ]);
      }
      em.assign(existing, { status: data.status, data, contentHash: entry.hash });
      // same content; the file's order repairs rows stored while the columns were jsonb (which sorted keys).
      // Written natively: the ORM compares JSON without regard to key order and would see no change.
      const ordered = { data: orderLike(existing.data, data), publishedSchema: orderLike(existing.publishedSchema, data.schema as FormSchemaNode) };
      if (JSON.stringify(ordered.data) !== JSON.stringify(existing.data) || JSON.stringify(ordered.publishedSchema) !== JSON.stringify(existing.publishedSchema)) {
        await em.nativeUpdate(FormVersionEntity, { id }, ordered);
      }
      return;
    }
    const values = {
      contentHash: entry.hash,
      formId: data.id,
      version: data.version,
      status: data.status,
      serviceId: data.serviceId,
      owner: data.owner,
      data,
      publishedSchema: publishSchema(data.schema as FormSchemaNode, codeLists),
      publishedAt: data.status === 'PUBLISHED' ? new Date() : undefined,
    };
    if (existing) em.assign(existing, values);
    else em.create(FormVersionEntity, { id, ...values });
  }

  private async remove(em: EntityManager, kind: CatalogKind, path: string) {
    const segments = path.split('/');
    const id = segments[segments.length - 1].replace(/\.json$/, '');
    switch (kind) {
      case 'area':
        return em.nativeDelete(ServiceAreaEntity, { id });
      case 'organisation':
        return em.nativeDelete(OrganisationEntity, { id });
      case 'servicePoint':
        return em.nativeDelete(ServicePointEntity, { id });
      case 'codeList':
        return em.nativeDelete(CodeListEntity, { id });
      case 'override':
        return em.nativeDelete(MunicipalOverrideEntity, { id: `${segments[1]}/${id}` });
      case 'service':
        return em.nativeUpdate(ServiceEntity, { id }, { removed: true });
      case 'formVersion': {
        const formId = segments[1];
        const form = await em.findOne(FormVersionEntity, { id: `${formId}@${id}` });
        if (form && form.status !== 'DRAFT') {
          throw new CatalogRejectedError([
            { file: `catalog/${path}`, pointer: '', message: `Die veröffentlichte Version ${id} des Formulars „${formId}“ darf nicht gelöscht werden; setzen Sie sie auf RETIRED.`, severity: 'error' },
          ]);
        }
        return form ? em.nativeDelete(FormVersionEntity, { id: form.id }) : undefined;
      }
      case 'formExample':
        return undefined;
    }
  }
}
