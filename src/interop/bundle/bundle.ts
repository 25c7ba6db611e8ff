import type { EntityManager } from '@mikro-orm/postgresql';
import { canonicalJson, sha256Hex } from '../../common/canonical-json.js';
import { CodeListEntity } from '../../catalog/entities/code-list.entity.js';
import { OrganisationEntity } from '../../catalog/entities/organisation.entity.js';
import { ServiceAreaEntity } from '../../catalog/entities/service-area.entity.js';
import { ServiceEntity } from '../../catalog/entities/service.entity.js';
import { germanErrors, sharedCatalogSchemas } from '../../catalog/catalog.schemas.js';
import type { BundleEntry, CatalogBundle } from '../../generated/catalog-bundle.js';
import { FormVersionEntity } from '../../forms/entities/form-version.entity.js';
import { ImportedEntryEntity } from '../entities/imported-entry.entity.js';
import { walkSchema } from '../../forms/form-schema.js';
import type { FormSchemaNode } from '../../forms/form.types.js';
import { ImportProblemCode, problem, type ImportProblem } from '../import.problems.js';

export type { BundleEntry, CatalogBundle };

/** SHA-256 of an entry's canonical JSON: the bundle's `contentHash`. */
export const entryHash = (data: unknown) => sha256Hex(canonicalJson(data));

export class UnknownOrganisationError extends Error {}

/** The organisation by AGS (as the CLI takes it) or by id. */
export async function findOrganisation(em: EntityManager, agsOrId: string): Promise<OrganisationEntity | null> {
  return (await em.findOne(OrganisationEntity, { ags: agsOrId }, { orderBy: { id: 'asc' } })) ?? em.findOne(OrganisationEntity, { id: agsOrId });
}

/** The organisation and every unit below it, at any depth. */
async function organisationTree(em: EntityManager, rootId: string): Promise<Set<string>> {
  const tree = new Set([rootId]);
  let frontier = [rootId];
  while (frontier.length) {
    const children = await em.find(OrganisationEntity, { parentId: { $in: frontier } }, { fields: ['id'] });
    frontier = children.map((c) => c.id).filter((id) => !tree.has(id));
    frontier.forEach((id) => tree.add(id));
  }
  return tree;
}

/**
 * The bundle of an organisation: its services (responsible unit in its tree), the published and retired versions
 * of the forms it owns or that belong to those services, the code lists those forms use, and the areas and
 * organisations (responsible units and those above them) the services refer to. Sorted, so two
 * exports of the same state differ only in `exportedAt`.
 */
export async function exportBundle(em: EntityManager, agsOrId: string, instanceId?: string, now = new Date()): Promise<CatalogBundle> {
  const organisation = await findOrganisation(em, agsOrId);
  if (!organisation) throw new UnknownOrganisationError(agsOrId);
  const tree = await organisationTree(em, organisation.id);
  const imported = new Set((await em.find(ImportedEntryEntity, {}, { fields: ['id'] })).map((r) => r.id));
  const provenanceOf = (key: string, extra: { fimId?: string; fimVersion?: string } = {}, updatedAt?: Date) => ({
    source: imported.has(key) ? ('IMPORT' as const) : ('CATALOG' as const),
    ...extra,
    ...(updatedAt ? { updatedAt: updatedAt.toISOString() } : {}),
  });

  const services = (await em.find(ServiceEntity, { removed: false }, { orderBy: { id: 'asc' } })).filter(
    (s) => s.data.responsibleUnitId !== undefined && tree.has(s.data.responsibleUnitId),
  );
  const serviceIds = new Set(services.map((s) => s.id));
  const forms = (await em.find(FormVersionEntity, { removed: false, status: { $ne: 'DRAFT' } }, { orderBy: { formId: 'asc', version: 'asc' } })).filter(
    (f) => tree.has(f.owner) || (f.serviceId !== undefined && serviceIds.has(f.serviceId)),
  );
  const listIds = new Set<string>();
  for (const form of forms) {
    walkSchema(form.data.schema as FormSchemaNode, (node) => {
      if (node['x-codelist']) listIds.add(node['x-codelist']);
    });
  }
  const codeLists = await em.find(CodeListEntity, { id: { $in: [...listIds] } }, { orderBy: { id: 'asc' } });
  // what the services point to, so that they work where the bundle goes: their areas, and their responsible units
  // with the organisations above them
  const areas = await em.find(ServiceAreaEntity, { id: { $in: [...new Set(services.map((s) => s.areaId))] } }, { orderBy: { id: 'asc' } });
  const organisationIds = new Set<string>();
  let next = [...new Set(services.map((s) => s.data.responsibleUnitId).filter((id): id is string => id !== undefined))];
  while (next.length) {
    const found = await em.find(OrganisationEntity, { id: { $in: next } });
    found.forEach((o) => organisationIds.add(o.id));
    next = found.map((o) => o.parentId).filter((id): id is string => id !== undefined && id !== null && !organisationIds.has(id));
  }
  const organisations = await em.find(OrganisationEntity, { id: { $in: [...organisationIds] } }, { orderBy: { id: 'asc' } });
  const short = (data: unknown) => entryHash(data).slice(0, 12);

  const entries: BundleEntry[] = [
    ...areas.map((a) => ({ kind: 'AREA' as const, id: a.id, version: short(a.data), contentHash: entryHash(a.data), provenance: provenanceOf(`AREA:${a.id}`, {}, a.updatedAt), data: a.data as unknown as Record<string, unknown> })),
    ...organisations.map((o) => ({ kind: 'ORGANISATION' as const, id: o.id, version: short(o.data), contentHash: entryHash(o.data), provenance: provenanceOf(`ORGANISATION:${o.id}`, {}, o.updatedAt), data: o.data as unknown as Record<string, unknown> })),
    ...services.map((s) => ({ kind: 'SERVICE' as const, id: s.id, version: String(s.version), contentHash: entryHash(s.data), provenance: provenanceOf(`SERVICE:${s.id}`, {}, s.updatedAt), data: s.data as unknown as Record<string, unknown> })),
    ...forms.map((f) => ({
      kind: 'FORM' as const,
      id: f.formId,
      version: f.version,
      contentHash: entryHash(f.data),
      provenance: provenanceOf(`FORM:${f.id}`, f.data.fim ? { fimId: f.data.fim.id, ...(f.data.fim.version ? { fimVersion: f.data.fim.version } : {}) } : {}, f.updatedAt),
      data: f.data as unknown as Record<string, unknown>,
    })),
    ...codeLists.map((c) => ({ kind: 'CODE_LIST' as const, id: c.id, version: c.version, contentHash: entryHash(c.data), provenance: provenanceOf(`CODE_LIST:${c.id}`, {}, c.updatedAt), data: c.data as unknown as Record<string, unknown> })),
  ];
  return {
    format: 'lotse-catalog-bundle',
    formatVersion: 1,
    exportedAt: now.toISOString(),
    origin: {
      organisationId: organisation.id,
      ...(organisation.ags ? { ags: organisation.ags } : {}),
      name: organisation.data.name.de,
      ...(instanceId ? { instanceId } : {}),
    },
    entries,
  };
}

const KIND_SCHEMA = { AREA: 'area', ORGANISATION: 'organisation', SERVICE: 'service', FORM: 'formVersion', CODE_LIST: 'codeList' } as const;

/**
 * Checks a bundle before anything is written: its own schema, then every entry against the schema of its kind,
 * its hash, and that id and version match the data.
 */
export function checkBundle(json: unknown): { bundle?: CatalogBundle; errors: ImportProblem[] } {
  const { ajv, validators: kinds } = sharedCatalogSchemas();
  const validate = ajv.getSchema('catalog-bundle.schema.json');
  if (!validate) throw new Error('catalog-bundle.schema.json is missing');
  if (!validate(json)) {
    return {
      errors: germanErrors(validate.errors)
        .slice(0, 20)
        .map((e) => problem(ImportProblemCode.BUNDLE_INVALID, `Das Paket entspricht nicht dem Paketformat (${e.instancePath || '/'}): ${e.message}`)),
    };
  }
  const bundle = json as CatalogBundle;
  const errors: ImportProblem[] = [];
  const seen = new Set<string>();
  bundle.entries.forEach((entry, i) => {
    const where = `Eintrag ${i + 1} (${entry.kind} ${entry.id})`;
    const key = `${entry.kind}:${entry.id}@${entry.kind === 'FORM' ? entry.version : ''}`;
    if (seen.has(key)) errors.push(problem(ImportProblemCode.BUNDLE_INVALID, `${where} kommt doppelt vor.`));
    seen.add(key);
    const check = kinds[KIND_SCHEMA[entry.kind]];
    if (!check(entry.data)) {
      const first = germanErrors(check.errors)[0];
      errors.push(problem(ImportProblemCode.BUNDLE_INVALID, `${where} ist ungültig (${first?.instancePath || '/'}): ${first?.message ?? ''}`));
      return;
    }
    if (entryHash(entry.data) !== entry.contentHash) errors.push(problem(ImportProblemCode.BUNDLE_INVALID, `${where}: Der Inhalt passt nicht zu seiner Prüfsumme (contentHash); das Paket wurde verändert oder beschädigt.`));
    const data = entry.data as { id?: string; version?: string };
    if (data.id !== entry.id) errors.push(problem(ImportProblemCode.BUNDLE_INVALID, `${where}: Die Kennung im Inhalt („${String(data.id)}“) weicht ab.`));
    if (entry.kind === 'FORM' && data.version !== entry.version) errors.push(problem(ImportProblemCode.BUNDLE_INVALID, `${where}: Die Version im Inhalt („${String(data.version)}“) weicht ab.`));
  });
  return { bundle, errors };
}
