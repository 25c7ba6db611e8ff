import type { ErrorObject } from 'ajv';
import { germanErrors, type CatalogValidators } from './catalog.schemas.js';
import { OpeningHoursError, openingHoursWarnings, parseOpeningHours } from './opening-hours.js';
import { findPatterns, unsafePatternReason } from './regex-safety.js';
import { checkForms } from '../forms/form.checker.js';
import {
  formKey,
  overrideKey,
  type Catalog,
  type FormVersionFile,
  type CatalogKind,
  type CatalogProblem,
  type CatalogSource,
  type CatalogStats,
  type Entry,
  type MunicipalOverrideFile,
  type OrganisationFile,
  type ServicePointFile,
} from './catalog.types.js';

const KIND_LABEL: Record<CatalogKind, string> = {
  area: 'Aufgabenbereich',
  organisation: 'Organisation',
  service: 'Leistung',
  servicePoint: 'Servicestelle',
  codeList: 'Codeliste',
  override: 'Abweichung',
  formVersion: 'Formularversion',
  formExample: 'Formularbeispiel',
};

export interface CheckResult {
  catalog: Catalog;
  problems: CatalogProblem[];
  stats: CatalogStats;
}

function pointerOf(error: ErrorObject): string {
  const extra = (error.params as { additionalProperty?: string; missingProperty?: string }).additionalProperty;
  return extra ? `${error.instancePath}/${extra}` : error.instancePath;
}

/** Resolves a JSON pointer; `undefined` when nothing is there. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  let node = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in (node as object))) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Every string under a key named `url` or ending in `Url`, with its pointer. */
function urls(node: unknown, pointer = ''): Array<{ pointer: string; url: string }> {
  if (Array.isArray(node)) return node.flatMap((v, i) => urls(v, `${pointer}/${i}`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) => {
    const here = `${pointer}/${key}`;
    if ((key === 'url' || key.endsWith('Url')) && typeof value === 'string') return [{ pointer: here, url: value }];
    return urls(value, here);
  });
}

/**
 * Checks the whole catalog: each file against the JSON Schema of its kind, then ids, file names, cross
 * references, AGS, opening hours, URLs, regular expressions and `unverified` pointers.
 * Pure: reads nothing but its arguments.
 */
export function checkCatalog(
  sources: readonly CatalogSource[],
  validators: CatalogValidators,
  options: { formIds: ReadonlySet<string>; display?: string; countyAgs?: string; today?: string } = { formIds: new Set() },
): CheckResult {
  const display = options.display ?? 'catalog';
  const problems: CatalogProblem[] = [];
  const catalog: Catalog = {
    areas: new Map(),
    organisations: new Map(),
    services: new Map(),
    servicePoints: new Map(),
    codeLists: new Map(),
    overrides: new Map(),
    forms: new Map(),
    formExamples: new Map(),
  };
  const fileOf = (path: string) => `${display}/${path}`;
  const report = (path: string, pointer: string, message: string, severity: 'error' | 'warning' = 'error') =>
    problems.push({ file: fileOf(path), pointer, message, severity });

  // 1. parse and validate each file
  const valid: Array<{ source: CatalogSource; data: Record<string, unknown> }> = [];
  for (const source of sources) {
    let data: unknown;
    try {
      data = JSON.parse(source.text);
    } catch (error) {
      report(source.path, '', `Kein gültiges JSON: ${(error as Error).message}`);
      continue;
    }
    for (const { pointer, pattern } of findPatterns(data)) {
      const reason = unsafePatternReason(pattern);
      if (reason) report(source.path, pointer, reason);
    }
    const validate = validators[source.kind];
    if (!validate(data)) {
      const seen = new Set<string>();
      for (const error of germanErrors(validate.errors)) {
        const line = `${pointerOf(error)}\u0000${error.message}`;
        if (seen.has(line)) continue;
        seen.add(line);
        report(source.path, pointerOf(error), error.message ?? 'ungültig');
      }
      continue;
    }
    valid.push({ source, data: data as Record<string, unknown> });
  }

  // 2. ids: unique per kind, file name = id, folder conventions
  for (const { source, data } of valid) {
    const segments = source.path.split('/');
    const fileId = segments[segments.length - 1].replace(/\.json$/, '');
    const entry = { data, path: source.path, hash: source.hash } as Entry<never>;
    if (source.kind === 'formExample') {
      catalog.formExamples.set(source.path, entry);
      continue;
    }
    if (source.kind === 'formVersion') {
      const f = data as unknown as FormVersionFile;
      if (fileId !== f.version) report(source.path, '/version', `Der Dateiname muss der Version entsprechen („${f.version}.json“).`);
      if (segments[1] !== f.id) report(source.path, '/id', `Die Datei liegt im Ordner „${segments[1]}“, gehört aber zum Formular „${f.id}“.`);
      catalog.forms.set(formKey(f.id, f.version), entry);
      continue;
    }
    if (source.kind === 'override') {
      const o = data as unknown as MunicipalOverrideFile;
      if (fileId !== o.serviceId) report(source.path, '/serviceId', `Der Dateiname muss der Kennung der Leistung entsprechen („${o.serviceId}.json“).`);
      if (segments[1] !== o.ags) report(source.path, '/ags', `Die Datei liegt im Ordner „${segments[1]}“, gehört aber zur Gemeinde ${o.ags}.`);
      const key = overrideKey(o.ags, o.serviceId);
      if (catalog.overrides.has(key)) report(source.path, '/serviceId', `Für ${o.ags} gibt es schon eine Abweichung zu „${o.serviceId}“.`);
      catalog.overrides.set(key, entry);
      continue;
    }
    const id = String(data.id);
    if (fileId !== id) report(source.path, '/id', `Der Dateiname muss der Kennung entsprechen („${id}.json“).`);
    if (source.kind === 'service' && segments[1] !== data.areaId) {
      report(source.path, '/areaId', `Die Datei liegt im Ordner „${segments[1]}“, gehört aber zum Aufgabenbereich „${String(data.areaId)}“.`);
    }
    const target = {
      area: catalog.areas,
      organisation: catalog.organisations,
      service: catalog.services,
      servicePoint: catalog.servicePoints,
      codeList: catalog.codeLists,
    }[source.kind] as Map<string, Entry<never>>;
    const existing = target.get(id);
    if (existing) {
      report(source.path, '/id', `Die Kennung „${id}“ ist schon vergeben (${fileOf(existing.path)}).`);
      continue;
    }
    target.set(id, entry);
  }

  // 3. cross references and rules per kind
  const countyAgs = options.countyAgs ?? [...catalog.organisations.values()].find((o) => o.data.kind === 'COUNTY')?.data.ags;
  const lifeSituations = new Set(catalog.codeLists.get('lebenslagen')?.data.codes.map((c) => c.code) ?? []);
  const orgExists = (id: string | undefined) => id !== undefined && catalog.organisations.has(id);

  for (const { data, path } of catalog.organisations.values()) {
    checkOrganisation(data, path, catalog, countyAgs, report);
  }
  for (const { data, path } of catalog.services.values()) {
    if (!catalog.areas.has(data.areaId)) report(path, '/areaId', `Den Aufgabenbereich „${data.areaId}“ gibt es nicht.`);
    if (data.responsibilityLevel === 'COUNTY' && !data.responsibleUnitId) {
      report(path, '/responsibleUnitId', 'Leistungen des Landkreises brauchen eine zuständige Organisationseinheit.');
    }
    if (data.responsibleUnitId && !orgExists(data.responsibleUnitId)) {
      report(path, '/responsibleUnitId', `Die Organisation „${data.responsibleUnitId}“ gibt es nicht.`);
    }
    data.servicePointIds?.forEach((id, i) => {
      if (!catalog.servicePoints.has(id)) report(path, `/servicePointIds/${i}`, `Die Servicestelle „${id}“ gibt es nicht.`);
    });
    data.forms?.forEach((form, i) => {
      if (form.formId && !options.formIds.has(form.formId)) report(path, `/forms/${i}/formId`, `Das Formular „${form.formId}“ gibt es nicht.`);
    });
    data.lifeSituations?.forEach((code, i) => {
      if (!lifeSituations.has(code)) report(path, `/lifeSituations/${i}`, `Die Lebenslage „${code}“ steht nicht in der Codeliste „lebenslagen“.`);
    });
    data.costs?.forEach((cost, i) => {
      if (cost.amountFrom !== undefined && cost.amountTo !== undefined && cost.amountFrom > cost.amountTo) {
        report(path, `/costs/${i}`, 'Der Mindestbetrag ist größer als der Höchstbetrag.');
      }
    });
    if (data.validFrom && data.validTo && data.validFrom > data.validTo) report(path, '/validTo', 'Das Ende der Gültigkeit liegt vor ihrem Beginn.');
    if (data.onlineAvailability === 'OFFLINE' && data.onlineServiceUrl) {
      report(path, '/onlineServiceUrl', 'Eine Leistung ohne Online-Angebot hat keine Online-Adresse.');
    }
  }
  for (const { data, path } of catalog.servicePoints.values()) {
    checkServicePoint(data, path, catalog, report);
  }
  for (const { data, path } of catalog.codeLists.values()) {
    const seen = new Set<string>();
    data.codes.forEach((c, i) => {
      if (seen.has(c.code)) report(path, `/codes/${i}/code`, `Der Code „${c.code}“ kommt doppelt vor.`);
      seen.add(c.code);
    });
  }
  for (const { data, path } of catalog.overrides.values()) {
    checkOverride(data, path, catalog, report);
  }
  checkForms(catalog, report, options.today);

  // 4. URLs and `unverified` pointers in every valid file
  let unverifiedEntries = 0;
  let unverifiedFacts = 0;
  for (const { source, data } of valid) {
    for (const { pointer, url } of urls(data)) {
      let ok: boolean;
      try {
        const parsed = new URL(url);
        ok = (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname.includes('.');
      } catch {
        ok = false;
      }
      if (!ok) report(source.path, pointer, `„${url}“ ist keine gültige Internetadresse.`);
    }
    const unverified = (data.unverified as Array<{ field: string }> | undefined) ?? [];
    if (unverified.length > 0) unverifiedEntries += 1;
    unverifiedFacts += unverified.length;
    unverified.forEach((u, i) => {
      if (resolvePointer(data, u.field) === undefined) {
        report(source.path, `/unverified/${i}/field`, `„${u.field}“ zeigt auf kein vorhandenes Feld.`);
      }
    });
  }

  const services = [...catalog.services.values()];
  return {
    catalog,
    problems,
    stats: {
      files: sources.length,
      services: services.length,
      publishedServices: services.filter((s) => s.data.status === 'PUBLISHED').length,
      unverifiedEntries,
      unverifiedFacts,
    },
  };
}

export type Report = (path: string, pointer: string, message: string, severity?: 'error' | 'warning') => void;

function checkOrganisation(data: OrganisationFile, path: string, catalog: Catalog, countyAgs: string | undefined, report: Report) {
  if (data.kind === 'COUNTY') {
    if (data.ags?.length !== 5) report(path, '/ags', 'Der Schlüssel eines Landkreises hat 5 Ziffern.');
    if (data.id !== data.ags) report(path, '/id', 'Die Kennung eines Landkreises ist sein Kreisschlüssel (AGS).');
    // every case needs a retention rule: the county's is the default of all services (archive issue)
    if (!data.retention) report(path, '/retention', 'Der Landkreis braucht eine Vorgabe für die Aufbewahrung („retention“), die für alle Leistungen ohne eigene Regel gilt.');
  }
  if (data.kind === 'MUNICIPALITY') {
    if (data.ags?.length !== 8) report(path, '/ags', 'Der Amtliche Gemeindeschlüssel einer Gemeinde hat 8 Ziffern.');
    if (data.id !== data.ags) report(path, '/id', 'Die Kennung einer Gemeinde ist ihr Amtlicher Gemeindeschlüssel.');
    if (countyAgs && data.ags && !data.ags.startsWith(countyAgs)) {
      report(path, '/ags', `Der Gemeindeschlüssel ${data.ags} gehört nicht zum Landkreis ${countyAgs}.`);
    }
  }
  if (data.parentId && !catalog.organisations.has(data.parentId)) {
    report(path, '/parentId', `Die übergeordnete Organisation „${data.parentId}“ gibt es nicht.`);
  }
  if (data.parentId === data.id) report(path, '/parentId', 'Eine Organisation kann nicht sich selbst untergeordnet sein.');
}

function checkOpeningHours(value: string, path: string, pointer: string, report: Report) {
  try {
    for (const warning of openingHoursWarnings(value)) report(path, pointer, `Öffnungszeiten: ${warning}`);
    parseOpeningHours(value);
  } catch (error) {
    const message = error instanceof OpeningHoursError ? error.message : String(error);
    report(path, pointer, `Die Öffnungszeiten lassen sich nicht lesen: ${message}`);
  }
}

function checkServicePoint(data: ServicePointFile, path: string, catalog: Catalog, report: Report) {
  if (!catalog.organisations.has(data.organisationId)) {
    report(path, '/organisationId', `Die Organisation „${data.organisationId}“ gibt es nicht.`);
  }
  const municipality = (ags: string) => catalog.organisations.get(ags)?.data.kind === 'MUNICIPALITY';
  if (data.ags && !municipality(data.ags)) report(path, '/ags', `Die Gemeinde ${data.ags} gibt es im Katalog nicht.`);
  data.servesAgs?.forEach((ags, i) => {
    if (!municipality(ags)) report(path, `/servesAgs/${i}`, `Die Gemeinde ${ags} gibt es im Katalog nicht.`);
  });
  if (data.openingHours) checkOpeningHours(data.openingHours, path, '/openingHours', report);
  data.closures?.forEach((c, i) => {
    if (c.from > c.to) report(path, `/closures/${i}`, 'Das Ende der Schließung liegt vor ihrem Beginn.');
  });
  const stopIds = new Set<string>();
  data.stops?.forEach((stop, i) => {
    if (stopIds.has(stop.id)) report(path, `/stops/${i}/id`, `Die Haltestelle „${stop.id}“ kommt doppelt vor.`);
    stopIds.add(stop.id);
    if (!municipality(stop.ags)) report(path, `/stops/${i}/ags`, `Die Gemeinde ${stop.ags} gibt es im Katalog nicht.`);
    checkOpeningHours(stop.schedule, path, `/stops/${i}/schedule`, report);
  });
  if (data.kind !== 'SERVICEMOBIL' && data.stops?.length) report(path, '/stops', 'Nur das Servicemobil hat Haltestellen.');
}

function checkOverride(data: MunicipalOverrideFile, path: string, catalog: Catalog, report: Report) {
  const base = catalog.services.get(data.serviceId);
  if (!base) {
    report(path, '/serviceId', `Die Leistung „${data.serviceId}“ gibt es nicht.`);
  } else if (base.data.responsibilityLevel === 'MUNICIPALITY') {
    report(path, '/serviceId', 'Leistungen der Gemeinden beschreibt jede Gemeinde selbst; Abweichungen gibt es nur für Leistungen des Kreises, Landes oder Bundes.');
  }
  const org = catalog.organisations.get(data.ags);
  if (org?.data.kind !== 'MUNICIPALITY') report(path, '/ags', `Die Gemeinde ${data.ags} gibt es im Katalog nicht.`);
  const unit = data.fields.responsibleUnitId;
  if (unit && !catalog.organisations.has(unit)) report(path, '/fields/responsibleUnitId', `Die Organisation „${unit}“ gibt es nicht.`);
  data.fields.servicePointIds?.forEach((id, i) => {
    if (!catalog.servicePoints.has(id)) report(path, `/fields/servicePointIds/${i}`, `Die Servicestelle „${id}“ gibt es nicht.`);
  });
}

export const kindLabel = (kind: CatalogKind) => KIND_LABEL[kind];

/** `file:pointer: message`, the format editors see. */
export function formatProblem(problem: CatalogProblem): string {
  const prefix = problem.severity === 'warning' ? 'Warnung: ' : '';
  return `${problem.file}:${problem.pointer || '/'}: ${prefix}${problem.message}`;
}
