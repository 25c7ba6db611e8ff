import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { sha256Hex } from '../common/canonical-json.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import type { Principal } from '../common/auth/access.guard.js';
import { bumpCatalogGeneration } from '../catalog/catalog-generation.js';
import { CatalogStoreService } from '../catalog/catalog-store.service.js';
import { visibleOrganisationIds } from '../catalog/organisation-scope.js';
import { upsert, writeCatalogRow, writeSearchDocument, writeService } from '../catalog/catalog-writer.js';
import type { CodeListFile, ServiceFile } from '../catalog/catalog.types.js';
import { CodeListEntity } from '../catalog/entities/code-list.entity.js';
import { OrganisationEntity } from '../catalog/entities/organisation.entity.js';
import { ServiceAreaEntity } from '../catalog/entities/service-area.entity.js';
import { ServiceEntity } from '../catalog/entities/service.entity.js';
import { FormVersionEntity } from '../forms/entities/form-version.entity.js';
import type { FormVersionFile } from '../forms/form.types.js';
import { checkBundle, entryHash, type BundleEntry, type CatalogBundle } from './bundle/bundle.js';
import { ImportedEntryEntity } from './entities/imported-entry.entity.js';
import { ImportRunEntity } from './entities/import-run.entity.js';
import { checkImportedForm, formContentHash, publishImportedSchema } from './imported-form.js';
import { compareVersions, nextVersion } from '../forms/form-version.js';
import { readImportInput } from './format-detect.js';
import { ImportProblemCode, ImportRejectedError, problem, type ImportProblem } from './import.problems.js';
import type { EntryKind, EntryOrigin, FormProvenance, ImportEntryRef, ImportFormat, ImportReportData } from './import.types.js';
import type { XmlElement } from './xml/xml-element.js';
import { checkByteCount, DEFAULT_XML_LIMITS, type XmlLimits } from './xml/safe-xml.js';
import { fimSlug, prepareXdfForm } from './xdf/xdf-import.js';
import { diffForms } from './form-diff.js';
import { routingFor } from './form-routing.js';
import { formRules } from '../forms/form-rules.js';
import type { FormSchemaNode } from '../forms/form.types.js';

export interface ImportRequest {
  format: 'AUTO' | ImportFormat;
  content: string;
  organisationId: string;
  dryRun: boolean;
  lenient: boolean;
  /** Genericode files that came with an XDatenfelder schema. */
  codeLists?: readonly string[];
  /** XDatenfelder: the form id to use (default `<organisation>-<FIM id>`), and the service it belongs to. */
  formId?: string;
  serviceId?: string;
}

/** Where the catalog sync and imports serialise (both write catalog tables). */
const CATALOG_WRITE_LOCK = 'lotse.catalog.sync';

type Decision = 'CREATE' | 'UPDATE' | 'UNCHANGED' | 'CONFLICT';

interface Planned {
  ref: ImportEntryRef;
  decision: Decision;
  /** Writes the entry (CREATE/UPDATE); returns the hash of what was written. */
  write?: (em: EntityManager) => Promise<string>;
  sourceHash: string;
  origin: EntryOrigin;
}

/**
 * Imports FIM XDatenfelder 2/3 schemas (with their genericode lists) and catalog bundles into an organisation.
 * Everything is checked before anything is written; writing happens in one transaction under the catalog's
 * write lock, so any error leaves nothing behind. Entries changed locally since their last import are reported
 * as conflicts and left alone; the organisation's overrides are never touched.
 */
@Injectable()
export class ImportsService {
  private readonly logger = new Logger(ImportsService.name);

  constructor(
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    /** Absent in the import CLI: running instances learn of the change by its notification. */
    @Optional() private readonly store?: CatalogStoreService,
  ) {}

  /** The organisations a principal may import into. */
  organisationsOf(principal: Principal): Promise<string[]> {
    return visibleOrganisationIds(this.em, principal);
  }

  /** The latest recorded imports of an organisation, newest first. */
  runs(organisationId: string, first: number): Promise<ImportRunEntity[]> {
    return this.em.find(ImportRunEntity, { organisationId }, { orderBy: { createdAt: 'desc' }, limit: first });
  }

  private get limits(): XmlLimits {
    return { ...DEFAULT_XML_LIMITS, maxBytes: this.config.importMaxBytes };
  }

  async import(request: ImportRequest, actor: string): Promise<ImportReportData> {
    const report: ImportReportData = {
      organisationId: request.organisationId,
      dryRun: request.dryRun,
      lenient: request.lenient,
      applied: false,
      fileHash: sha256Hex(request.content),
      created: [],
      updated: [],
      unchanged: [],
      conflicts: [],
      warnings: [],
      errors: [],
    };
    try {
      const plan = await this.plan(request, report);
      if (report.errors.length === 0) await this.apply(plan, request, report, actor);
    } catch (error) {
      if (!(error instanceof ImportRejectedError)) throw error;
      report.errors.push(...error.problems);
    }
    if (report.errors.length) {
      report.created = [];
      report.updated = [];
      report.applied = false;
      await this.saveRun(request, report, actor, 'REJECTED');
    }
    this.logger.log({
      organisationId: request.organisationId,
      format: report.format,
      dryRun: request.dryRun,
      created: report.created.length,
      updated: report.updated.length,
      unchanged: report.unchanged.length,
      conflicts: report.conflicts.length,
      errors: report.errors.length,
      msg: `import: ${report.errors.length ? 'rejected' : request.dryRun ? 'dry run' : report.applied ? 'applied' : 'unchanged'}`,
    });
    return report;
  }

  private async plan(request: ImportRequest, report: ImportReportData): Promise<Planned[]> {
    // the schema and its code lists together (readImportInput checks the schema alone again, at no cost)
    const lists = request.codeLists ?? [];
    const totalBytes = [request.content, ...lists].reduce((n, t) => n + Buffer.byteLength(t, 'utf8'), 0);
    checkByteCount(totalBytes, this.config.importMaxBytes, lists.length ? 'Die Dateien sind zusammen' : 'Die Datei ist');
    const em = this.em.fork();
    const organisation = await em.findOne(OrganisationEntity, { id: request.organisationId });
    if (!organisation) throw new ImportRejectedError([problem(ImportProblemCode.TARGET_INVALID, `Die Organisation „${request.organisationId.slice(0, 80)}“ gibt es nicht.`)]);
    const input = readImportInput(request.content, request.format, this.limits);
    report.format = input.format;
    if (input.format === 'BUNDLE') return this.planBundle(em, input.json, request, report);
    return this.planXdf(em, input.format, input.root!, request, report);
  }

  // ---- XDatenfelder ----

  private async planXdf(em: EntityManager, format: 'XDATENFELDER_2' | 'XDATENFELDER_3', root: XmlElement, request: ImportRequest, report: ImportReportData): Promise<Planned[]> {
    if (request.serviceId && !(await em.findOne(ServiceEntity, { id: request.serviceId, removed: false }))) {
      throw new ImportRejectedError([problem(ImportProblemCode.TARGET_INVALID, `Die Leistung „${request.serviceId.slice(0, 80)}“ gibt es nicht.`)]);
    }
    const formIdOf = (fimId: string) => request.formId ?? `${request.organisationId.toLowerCase()}-${fimSlug(fimId)}`;
    // built as version 1.0; the version actually used is decided below against the stored versions
    const base = { lenient: request.lenient, xsdDir: this.config.xdatenfelderXsdDir, codeListTexts: request.codeLists ?? [], limits: this.limits, formId: formIdOf, owner: request.organisationId, serviceId: request.serviceId };
    const prepared = await prepareXdfForm(request.content, root, format, { ...base, version: '1.0' });
    report.warnings.push(...prepared.warnings);
    if (prepared.errors.length || !prepared.form || !prepared.schema) {
      report.errors.push(...prepared.errors);
      return [];
    }
    const fimId = prepared.schema.angaben.identifikation.id;
    const fimVersion = prepared.schema.angaben.identifikation.version;
    const formId = prepared.form.id;
    const origin: EntryOrigin = { format, fileHash: report.fileHash, fimId, ...(fimVersion ? { fimVersion } : {}) };

    const versions = (await em.find(FormVersionEntity, { formId })).sort((a, b) => compareVersions(b.version, a.version));
    const latest = versions[0];
    // routing first: it is part of the form's content, so an unchanged re-import must compare with it
    const routed = await routingFor(em, prepared.form, request.organisationId, request.serviceId ?? latest?.serviceId);
    let form: FormVersionFile = routed.form;
    let decision: Decision = 'CREATE';
    let message: string | undefined;
    if (latest) {
      const imported = await em.findOne(ImportedEntryEntity, { id: `FORM:${latest.id}` });
      const sameSource = latest.provenance?.fimId === fimId && latest.owner === request.organisationId;
      if (!sameSource) {
        decision = 'CONFLICT';
        message = `Das Formular „${formId}“ gibt es schon, aber nicht als Import von ${fimId} für diese Organisation; bitte wählen Sie eine andere Formularkennung.`;
      } else if (formContentHash(latest.data) === formContentHash(form)) {
        decision = 'UNCHANGED';
        form = latest.data;
      } else if (latest.status === 'DRAFT') {
        if (imported && imported.writtenHash !== formContentHash(latest.data)) {
          decision = 'CONFLICT';
          message = `Der Entwurf ${latest.version} wurde nach dem letzten Import geändert und wird nicht überschrieben.`;
        } else {
          decision = 'UPDATE';
          form = { ...form, version: latest.version, ...(latest.serviceId && !request.serviceId ? { serviceId: latest.serviceId } : {}) };
        }
      } else {
        decision = 'CREATE';
        form = { ...form, version: nextVersion(latest.version), ...(latest.serviceId && !request.serviceId ? { serviceId: latest.serviceId } : {}) };
      }
    }
    const ref: ImportEntryRef = {
      kind: 'FORM',
      id: formId,
      version: form.version,
      fimId,
      ...(message ? { message } : {}),
      rules: formRules(form.schema as FormSchemaNode, (text) => text?.de),
      // what an editor decides on before applying (dry runs too): the fields that differ from the latest version
      ...(latest && (decision === 'UPDATE' || decision === 'CREATE') ? { changes: diffForms(latest.data, form), comparedWith: latest.version } : {}),
      ...(routed.decision ? { routing: routed.decision } : {}),
    };
    if (decision === 'CREATE' || decision === 'UPDATE') {
      const problems = await checkImportedForm(em, form);
      if (problems.length) {
        report.errors.push(...problems);
        return [];
      }
    }
    return [{ ref, decision, sourceHash: report.fileHash, origin, write: (tx) => this.writeForm(tx, form, origin, request, report) }];
  }

  // ---- bundles ----

  private async planBundle(em: EntityManager, json: unknown, request: ImportRequest, report: ImportReportData): Promise<Planned[]> {
    const checked = checkBundle(json);
    if (checked.errors.length || !checked.bundle) {
      report.errors.push(...checked.errors);
      return [];
    }
    const bundle = checked.bundle;
    const planned: Planned[] = [];
    // code lists first: forms are frozen against them
    const order: Record<EntryKind, number> = { AREA: 0, ORGANISATION: 1, CODE_LIST: 2, SERVICE: 3, FORM: 4 };
    for (const entry of [...bundle.entries].sort((a, b) => order[a.kind] - order[b.kind])) {
      planned.push(await this.planEntry(em, bundle, entry, request, report));
    }
    const problems: ImportProblem[] = [];
    for (const p of planned) {
      if (p.ref.kind !== 'FORM' || (p.decision !== 'CREATE' && p.decision !== 'UPDATE')) continue;
      const entry = bundle.entries.find((e) => e.kind === 'FORM' && e.id === p.ref.id && e.version === p.ref.version)!;
      const extraLists = bundle.entries.filter((e) => e.kind === 'CODE_LIST').map((e) => e.data as unknown as CodeListFile);
      const services = bundle.entries.filter((e) => e.kind === 'SERVICE').map((e) => e.id);
      problems.push(...(await checkImportedForm(em, this.asDraft(entry, request), { codeLists: extraLists, serviceIds: services })).map((q) => ({ ...q, message: `Formular ${entry.id} ${entry.version}: ${q.message}` })));
    }
    report.errors.push(...problems);
    return planned;
  }

  private asDraft(entry: BundleEntry, request: ImportRequest): FormVersionFile {
    return { ...(entry.data as unknown as FormVersionFile), status: 'DRAFT', owner: request.organisationId };
  }

  private async planEntry(em: EntityManager, bundle: CatalogBundle, entry: BundleEntry, request: ImportRequest, report: ImportReportData): Promise<Planned> {
    const origin: EntryOrigin = {
      format: 'BUNDLE',
      fileHash: report.fileHash,
      ...(entry.provenance.fimId ? { fimId: entry.provenance.fimId } : {}),
      ...(entry.provenance.fimVersion ? { fimVersion: entry.provenance.fimVersion } : {}),
      bundle: { organisationId: bundle.origin.organisationId, ...(bundle.origin.ags ? { ags: bundle.origin.ags } : {}), ...(bundle.origin.instanceId ? { instanceId: bundle.origin.instanceId } : {}), exportedAt: bundle.exportedAt, version: entry.version },
    };
    const entryId = entry.kind === 'FORM' ? `${entry.id}@${entry.version}` : entry.id;
    const ref: ImportEntryRef = { kind: entry.kind, id: entry.id, version: entry.version, ...(entry.provenance.fimId ? { fimId: entry.provenance.fimId } : {}) };
    const base = { ref, sourceHash: entry.contentHash, origin };

    let current: { hash: string; published?: boolean } | undefined;
    let incoming: string;
    let write: (tx: EntityManager) => Promise<string>;
    switch (entry.kind) {
      case 'SERVICE': {
        const row = await em.findOne(ServiceEntity, { id: entry.id });
        if (row) current = { hash: entryHash(row.data) };
        incoming = entry.contentHash;
        write = async (tx) => {
          const { entity } = await writeService(tx, entry.data as unknown as ServiceFile, entry.contentHash);
          await tx.flush();
          await writeSearchDocument(tx, entity);
          return entry.contentHash;
        };
        break;
      }
      case 'AREA':
      case 'ORGANISATION':
      case 'CODE_LIST': {
        const kind = ({ AREA: 'area', ORGANISATION: 'organisation', CODE_LIST: 'codeList' } as const)[entry.kind];
        const entity = { AREA: ServiceAreaEntity, ORGANISATION: OrganisationEntity, CODE_LIST: CodeListEntity }[entry.kind];
        const row = await em.findOne(entity as typeof CodeListEntity, { id: entry.id });
        if (row) current = { hash: entryHash(row.data) };
        incoming = entry.contentHash;
        write = async (tx) => {
          await writeCatalogRow(tx, { kind, data: entry.data } as Parameters<typeof writeCatalogRow>[1], entry.contentHash);
          return entry.contentHash;
        };
        break;
      }
      case 'FORM': {
        const row = await em.findOne(FormVersionEntity, { id: entryId });
        if (row) current = { hash: formContentHash(row.data), published: row.status !== 'DRAFT' };
        const draft = this.asDraft(entry, request);
        incoming = formContentHash(draft);
        // the fields that differ from what is stored here, for an update (or the conflict that stops one)
        if (row && current?.hash !== incoming) Object.assign(ref, { changes: diffForms(row.data, draft), comparedWith: row.version });
        write = (tx) => this.writeForm(tx, draft, origin, request, report);
        break;
      }
    }
    if (!current) return { ...base, decision: 'CREATE', write };
    if (current.hash === incoming) return { ...base, decision: 'UNCHANGED' };
    const imported = await em.findOne(ImportedEntryEntity, { id: `${entry.kind}:${entryId}` });
    const conflict = (message: string): Planned => ({ ...base, ref: { ...ref, message }, decision: 'CONFLICT' });
    if (!imported) return conflict('Der Eintrag gibt es hier schon, und er stammt nicht aus einem Import; er bleibt unverändert.');
    if (imported.origin.bundle?.organisationId !== bundle.origin.organisationId) return conflict(`Der Eintrag wurde aus einer anderen Quelle (${imported.origin.bundle?.organisationId ?? imported.origin.format}) importiert; er bleibt unverändert.`);
    if (imported.writtenHash !== current.hash) return conflict('Der Eintrag wurde hier nach dem letzten Import geändert; er wird nicht überschrieben.');
    if (current.published) return conflict('Diese Formularversion ist hier veröffentlicht und damit unveränderlich; die Quelle muss eine neue Version anlegen.');
    return { ...base, decision: 'UPDATE', write };
  }

  // ---- writing ----

  private async writeForm(em: EntityManager, form: FormVersionFile, origin: EntryOrigin, request: ImportRequest, report: ImportReportData): Promise<string> {
    const id = `${form.id}@${form.version}`;
    const provenance: FormProvenance = { ...origin, organisationId: request.organisationId, importRunId: report.runId!, importedAt: new Date().toISOString() };
    const values = {
      contentHash: formContentHash(form),
      formId: form.id,
      version: form.version,
      status: 'DRAFT' as const,
      serviceId: form.serviceId,
      owner: form.owner,
      data: form,
      publishedSchema: await publishImportedSchema(em, form),
      provenance,
    };
    await upsert(em, FormVersionEntity, id, values);
    return values.contentHash;
  }

  private async apply(plan: Planned[], request: ImportRequest, report: ImportReportData, actor: string): Promise<void> {
    const buckets: Record<Decision, ImportEntryRef[]> = { CREATE: report.created, UPDATE: report.updated, UNCHANGED: report.unchanged, CONFLICT: report.conflicts };
    for (const p of plan) buckets[p.decision].push(p.ref);
    const changes = plan.filter((p) => p.decision === 'CREATE' || p.decision === 'UPDATE');
    if (request.dryRun) {
      await this.saveRun(request, report, actor, 'DRY_RUN');
      return;
    }
    if (changes.length === 0) {
      await this.saveRun(request, report, actor, 'UNCHANGED');
      return;
    }
    await this.em.fork().transactional(async (em) => {
      await em.execute('select pg_advisory_xact_lock(hashtext(?))', [CATALOG_WRITE_LOCK]);
      report.applied = true;
      const run = this.newRun(em, request, report, actor, 'APPLIED');
      for (const p of changes) {
        const writtenHash = await p.write!(em);
        await em.flush();
        const entryId = p.ref.kind === 'FORM' ? `${p.ref.id}@${p.ref.version}` : p.ref.id;
        const values = { kind: p.ref.kind, entryId, organisationId: request.organisationId, origin: p.origin, sourceHash: p.sourceHash, writtenHash, importRunId: run.id, importedAt: new Date() };
        await upsert(em, ImportedEntryEntity, `${p.ref.kind}:${entryId}`, values);
      }
      run.report = structuredClone(report);
      await em.flush();
      await bumpCatalogGeneration(em);
    });
    await this.store?.refresh();
  }

  /** Records an attempt that writes nothing else (refused, dry, unchanged), in its own transaction. */
  private async saveRun(request: ImportRequest, report: ImportReportData, actor: string, outcome: string): Promise<void> {
    const em = this.em.fork();
    const run = this.newRun(em, request, report, actor, outcome);
    run.report = structuredClone(report);
    await em.flush();
  }

  /** The import_run row, its id set on the report at once (written forms carry it in their provenance). */
  private newRun(em: EntityManager, request: ImportRequest, report: ImportReportData, actor: string, outcome: string): ImportRunEntity {
    const run = em.create(ImportRunEntity, {
      organisationId: request.organisationId,
      actor,
      format: report.format ?? request.format,
      fileHash: report.fileHash,
      dryRun: request.dryRun,
      lenient: request.lenient,
      outcome,
      report,
    });
    report.runId = run.id;
    return run;
  }
}
