import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { projectRoot } from '../common/project-root.js';

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

/** The metadata version Lotse writes (`$schema` of every Metadatensatz). */
export const METADATA_SCHEMA_URI = 'https://schema.fitko.de/fit-connect/metadata/1.2.0/metadata.schema.json';

export interface FitConnectMetadata {
  $schema: string;
  contentStructure: {
    data: { hash: { type: 'sha512'; content: string }; submissionSchema: { schemaUri: string; mimeType: 'application/xml' | 'application/json' } };
    attachments: Array<{ hash: { type: 'sha512'; content: string }; purpose: 'form' | 'attachment' | 'report'; filename?: string; mimeType: string; attachmentId: string }>;
  };
  publicServiceType?: { name?: string; identifier: string };
  additionalReferenceInfo?: { senderReference?: string; applicationDate?: string };
}

let validator: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null } = undefined as never;

/** The schema in schemas/fit-connect/ (see its README for what it is and is not). */
export function metadataSchema(): Record<string, unknown> {
  const schema = JSON.parse(readFileSync(join(projectRoot(), 'schemas', 'fit-connect', 'metadata.schema.json'), 'utf8'));
  delete schema.$schema;
  return schema;
}

/** Problems of a Metadatensatz against schemas/fit-connect/metadata.schema.json (empty when valid). */
export function metadataProblems(metadata: unknown): string[] {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv);
    validator = ajv.compile(metadataSchema());
  }
  if (validator(metadata)) return [];
  return (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}
