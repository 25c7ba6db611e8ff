import type { EntityManager } from '@mikro-orm/postgresql';
import { canonicalJson, sha256Hex } from '../common/canonical-json.js';
import { germanErrors, sharedCatalogSchemas } from '../catalog/catalog.schemas.js';
import type { Catalog, CodeListFile, Entry, OrganisationFile, ServiceFile } from '../catalog/catalog.types.js';
import { CodeListEntity } from '../catalog/entities/code-list.entity.js';
import { OrganisationEntity } from '../catalog/entities/organisation.entity.js';
import { ServiceEntity } from '../catalog/entities/service.entity.js';
import { findPatterns, unsafePatternReason } from '../catalog/regex-safety.js';
import { checkForms } from '../forms/form.checker.js';
import { publishSchema } from '../forms/form-schema.js';
import type { FormSchemaNode, FormVersionFile } from '../forms/form.types.js';
import { ImportProblemCode, problem, type ImportProblem } from './import.problems.js';

/**
 * Hash of what a form says, for comparing an incoming form with the stored one: status, version, owner and
 * service are local decisions (publishing, re-versioning, the importing organisation) and left out.
 */
export function formContentHash(form: FormVersionFile): string {
  const { status: _s, version: _v, owner: _o, serviceId: _id, ...content } = form;
  return sha256Hex(canonicalJson(content));
}

async function codeListMap(em: EntityManager, extra: readonly CodeListFile[] = []): Promise<Map<string, CodeListFile>> {
  const lists = new Map((await em.find(CodeListEntity, {})).map((c) => [c.id, c.data]));
  for (const list of extra) lists.set(list.id, list);
  return lists;
}

/** The schema frozen for the draft (code lists resolved as they are now; `publishForm` freezes again). */
export async function publishImportedSchema(em: EntityManager, form: FormVersionFile): Promise<FormSchemaNode> {
  return publishSchema(form.schema as FormSchemaNode, await codeListMap(em));
}

const entry = <T>(data: T, path: string): Entry<T> => ({ data, path, hash: '' });

/**
 * An imported form must meet the same rules as a form in the catalog: the form file schema, safe patterns,
 * labels, bounded strings, layout, code lists, and compilation in ajv strict mode.
 */
export async function checkImportedForm(
  em: EntityManager,
  form: FormVersionFile,
  extra: { codeLists?: readonly CodeListFile[]; serviceIds?: readonly string[] } = {},
): Promise<ImportProblem[]> {
  const problems: ImportProblem[] = [];
  const { validators } = sharedCatalogSchemas();
  if (!validators.formVersion(form)) {
    for (const e of germanErrors(validators.formVersion.errors).slice(0, 10)) {
      problems.push(problem(ImportProblemCode.STRUCTURE, `Das erzeugte Formular ist ungültig (${e.instancePath || '/'}): ${e.message}`));
    }
    return problems;
  }
  for (const { pointer, pattern } of findPatterns(form.schema)) {
    const reason = unsafePatternReason(pattern);
    if (reason) problems.push(problem(ImportProblemCode.PATTERN_UNSAFE, `${pointer}: ${reason}`));
  }
  const path = `forms/${form.id}/${form.version}.json`;
  const owner = await em.findOne(OrganisationEntity, { id: form.owner });
  const services = new Map<string, Entry<ServiceFile>>();
  if (form.serviceId) {
    const service = await em.findOne(ServiceEntity, { id: form.serviceId, removed: false });
    if (service) services.set(service.id, entry(service.data, 'services'));
    else if (extra.serviceIds?.includes(form.serviceId)) services.set(form.serviceId, entry({ id: form.serviceId } as ServiceFile, 'bundle'));
  }
  const catalog: Catalog = {
    areas: new Map(),
    organisations: new Map(owner ? [[owner.id, entry(owner.data as OrganisationFile, 'organisations')]] : []),
    services,
    servicePoints: new Map(),
    codeLists: new Map([...(await codeListMap(em, extra.codeLists))].map(([id, data]) => [id, entry(data, 'codelists')])),
    overrides: new Map(),
    forms: new Map([[`${form.id}@${form.version}`, entry(form, path)]]),
    formExamples: new Map(),
  };
  checkForms(
    catalog,
    (_path, pointer, message, severity = 'error') => {
      if (severity === 'error') problems.push(problem(ImportProblemCode.STRUCTURE, pointer ? `${pointer}: ${message}` : message));
    },
    undefined,
    { requireService: false },
  );
  return problems;
}
