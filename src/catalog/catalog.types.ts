import type { CodeListFile } from '../generated/code-list.js';
import type { FormExampleFile } from '../generated/form-example.js';
import type { FormVersionFile } from '../generated/form.js';
import type { MunicipalOverrideFile } from '../generated/municipal-override.js';
import type { OrganisationFile } from '../generated/organisation.js';
import type { ServiceAreaFile } from '../generated/service-area.js';
import type { ServiceFile } from '../generated/service.js';
import type { ServicePointFile } from '../generated/service-point.js';

export type { CodeListFile, FormExampleFile, FormVersionFile, MunicipalOverrideFile, OrganisationFile, ServiceAreaFile, ServiceFile, ServicePointFile };

export type CatalogKind = 'area' | 'organisation' | 'service' | 'servicePoint' | 'codeList' | 'override' | 'formVersion' | 'formExample';

/** One file of the catalog as read from disk. */
export interface CatalogSource {
  /** Path relative to the catalog folder, with forward slashes (e.g. `services/bauen/x.json`). */
  path: string;
  kind: CatalogKind;
  /** SHA-256 of the file's bytes. */
  hash: string;
  text: string;
}

export interface Entry<T> {
  data: T;
  path: string;
  hash: string;
}

/** A checked catalog: every entry valid against its schema and every reference resolved. */
export interface Catalog {
  areas: Map<string, Entry<ServiceAreaFile>>;
  organisations: Map<string, Entry<OrganisationFile>>;
  services: Map<string, Entry<ServiceFile>>;
  servicePoints: Map<string, Entry<ServicePointFile>>;
  codeLists: Map<string, Entry<CodeListFile>>;
  /** Keyed by `<ags>/<service id>`. */
  overrides: Map<string, Entry<MunicipalOverrideFile>>;
  /** Keyed by `<form id>@<version>`. */
  forms: Map<string, Entry<FormVersionFile>>;
  /** Keyed by path. */
  formExamples: Map<string, Entry<FormExampleFile>>;
}

export interface CatalogProblem {
  /** Path relative to the project (e.g. `catalog/services/bauen/x.json`). */
  file: string;
  /** JSON pointer into the file; empty for the whole file. */
  pointer: string;
  message: string;
  severity: 'error' | 'warning';
}

export interface CatalogStats {
  files: number;
  services: number;
  publishedServices: number;
  unverifiedEntries: number;
  unverifiedFacts: number;
}

export const overrideKey = (ags: string, serviceId: string) => `${ags}/${serviceId}`;

export const formKey = (id: string, version: string) => `${id}@${version}`;
