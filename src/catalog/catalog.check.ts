import { join, relative } from 'node:path';
import { projectRoot } from '../common/project-root.js';
import { checkCatalog, type CheckResult } from './catalog.checker.js';
import { loadCatalog } from './catalog.loader.js';
import { compileCatalogValidators, createCatalogAjv, readSchemas, schemasDir } from './catalog.schemas.js';
import type { Catalog, CatalogProblem, CatalogSource, CodeListFile } from './catalog.types.js';
import { findPatterns, unsafePatternReason } from './regex-safety.js';

export const defaultCatalogDir = () => join(projectRoot(), 'catalog');

export interface FullCheck extends CheckResult {
  sources: CatalogSource[];
  errors: CatalogProblem[];
}

/** The code lists of a checked catalog by id, as form publication needs them. */
export function codeListsOf(catalog: Catalog): Map<string, CodeListFile> {
  return new Map([...catalog.codeLists].map(([id, e]) => [id, e.data]));
}

/** The patterns in our own JSON Schemas must be safe too. */
function schemaProblems(dir: string): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  for (const [file, schema] of readSchemas(dir)) {
    for (const { pointer, pattern } of findPatterns(schema)) {
      const reason = unsafePatternReason(pattern);
      if (reason) problems.push({ file: `schemas/${file}`, pointer, message: reason, severity: 'error' });
    }
  }
  return problems;
}

/** Loads and checks the catalog in `dir` with the schemas in `schemas/`. */
export async function checkCatalogDir(dir = defaultCatalogDir(), schemaDir = schemasDir()): Promise<FullCheck> {
  const display = relative(projectRoot(), dir) || '.';
  const loaded = await loadCatalog(dir, display.startsWith('..') ? dir : display);
  const schemas = readSchemas(schemaDir);
  const validators = compileCatalogValidators(createCatalogAjv(schemas));
  const result = checkCatalog(loaded.sources, validators, { formIds: loaded.formIds, display: display.startsWith('..') ? dir : display });
  const problems = [...loaded.problems, ...schemaProblems(schemaDir), ...result.problems];
  return { ...result, problems, sources: loaded.sources, errors: problems.filter((p) => p.severity === 'error') };
}
