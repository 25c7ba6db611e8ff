import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import localizeImport from 'ajv-i18n';
import { projectRoot } from '../common/project-root.js';
import type { CatalogKind } from './catalog.types.js';

// CommonJS default exports seen through ESM
const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;
const localize = localizeImport as unknown as { de: (errors?: ErrorObject[] | null) => void; en: (errors?: ErrorObject[] | null) => void };

const SCHEMA_OF: Record<CatalogKind, string> = {
  area: 'service-area.schema.json',
  organisation: 'organisation.schema.json',
  service: 'service.schema.json',
  servicePoint: 'service-point.schema.json',
  codeList: 'code-list.schema.json',
  override: 'municipal-override.schema.json',
  formVersion: 'form.schema.json',
  formExample: 'form-example.schema.json',
};

export const schemasDir = () => join(projectRoot(), 'schemas');

/** Every JSON Schema in schemas/, by file name. */
export function readSchemas(dir = schemasDir()): Map<string, Record<string, unknown>> {
  const schemas = new Map<string, Record<string, unknown>>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.schema.json')).sort()) {
    schemas.set(file, JSON.parse(readFileSync(join(dir, file), 'utf8')));
  }
  return schemas;
}

/** ajv in strict mode with formats; `$schema` keys are stripped (draft-07 is ajv's default). */
export function createCatalogAjv(schemas = readSchemas()): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, multipleOfPrecision: 8 });
  addFormats(ajv);
  for (const [file, schema] of schemas) {
    const { $schema: _ignored, ...rest } = schema;
    ajv.addSchema({ ...rest, $id: file });
  }
  return ajv;
}

export type CatalogValidators = Record<CatalogKind, ValidateFunction>;

/** Compiles one validator per kind (throws when a schema does not compile in strict mode). */
export function compileCatalogValidators(ajv = createCatalogAjv()): CatalogValidators {
  return Object.fromEntries(
    Object.entries(SCHEMA_OF).map(([kind, file]) => {
      const validate = ajv.getSchema(file);
      if (!validate) throw new Error(`schema ${file} is missing`);
      return [kind, validate];
    }),
  ) as CatalogValidators;
}

let shared: { ajv: Ajv; validators: CatalogValidators } | undefined;

/** The schemas in schemas/ compiled once per process, for code that checks single entries at run time (imports). */
export function sharedCatalogSchemas(): { ajv: Ajv; validators: CatalogValidators } {
  if (!shared) {
    const ajv = createCatalogAjv();
    shared = { ajv, validators: compileCatalogValidators(ajv) };
  }
  return shared;
}

/** ajv's errors with German messages. */
export function germanErrors(errors: ErrorObject[] | null | undefined): ErrorObject[] {
  const copy = (errors ?? []).map((e) => ({ ...e }));
  localize.de(copy);
  return copy;
}
