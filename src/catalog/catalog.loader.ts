import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CatalogKind, CatalogProblem, CatalogSource } from './catalog.types.js';

/** Where each kind lives: `depth` 1 means `<folder>/<file>.json`, 2 means `<folder>/<group>/<file>.json`. */
const LAYOUT: ReadonlyArray<{ folder: string; kind: CatalogKind; depth: 1 | 2 }> = [
  { folder: 'areas', kind: 'area', depth: 1 },
  { folder: 'organisations', kind: 'organisation', depth: 1 },
  { folder: 'services', kind: 'service', depth: 2 },
  { folder: 'service-points', kind: 'servicePoint', depth: 1 },
  { folder: 'codelists', kind: 'codeList', depth: 1 },
  { folder: 'overrides', kind: 'override', depth: 2 },
  { folder: 'forms', kind: 'formVersion', depth: 2 },
];

export const MAX_FILE_BYTES = 1024 * 1024;

export interface LoadedCatalog {
  sources: CatalogSource[];
  /** Form ids: the folder names under `forms/`. */
  formIds: Set<string>;
  /** Files that could not be read or are in the wrong place. */
  problems: CatalogProblem[];
}

const hashOf = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function jsonFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => e.name).sort();
}

async function subfolders(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/**
 * Reads every catalog file below `root`. `display` is how file names are shown in problems
 * (the catalog folder relative to the project, normally `catalog`).
 */
export async function loadCatalog(root: string, display = 'catalog'): Promise<LoadedCatalog> {
  const sources: CatalogSource[] = [];
  const problems: CatalogProblem[] = [];
  if (!existsSync(root)) {
    problems.push({ file: display, pointer: '', message: 'Der Katalogordner fehlt.', severity: 'error' });
    return { sources, formIds: new Set(), problems };
  }
  for (const { folder, kind, depth } of LAYOUT) {
    const base = join(root, folder);
    const relatives =
      depth === 1
        ? (await jsonFiles(base)).map((f) => `${folder}/${f}`)
        : (await Promise.all((await subfolders(base)).map(async (g) => (await jsonFiles(join(base, g))).map((f) => `${folder}/${g}/${f}`)))).flat();
    if (depth === 2) {
      for (const stray of await jsonFiles(base)) {
        problems.push({
          file: `${display}/${folder}/${stray}`,
          pointer: '',
          message: `Dateien in „${folder}/“ gehören in einen Unterordner (${folder === 'services' ? 'die Kennung des Aufgabenbereichs' : 'den AGS der Gemeinde'}).`,
          severity: 'error',
        });
      }
    }
    for (const path of relatives) {
      const full = join(root, path);
      const size = (await stat(full)).size;
      if (size > MAX_FILE_BYTES) {
        problems.push({ file: `${display}/${path}`, pointer: '', message: `Die Datei ist größer als ${MAX_FILE_BYTES} Bytes.`, severity: 'error' });
        continue;
      }
      const bytes = await readFile(full);
      sources.push({ path, kind, hash: hashOf(bytes), text: bytes.toString('utf8') });
    }
  }
  const formIds = new Set(await subfolders(join(root, 'forms')));
  for (const formId of formIds) {
    for (const file of await jsonFiles(join(root, 'forms', formId, 'examples'))) {
      const path = `forms/${formId}/examples/${file}`;
      const bytes = await readFile(join(root, path));
      if (bytes.length > MAX_FILE_BYTES) {
        problems.push({ file: `${display}/${path}`, pointer: '', message: `Die Datei ist größer als ${MAX_FILE_BYTES} Bytes.`, severity: 'error' });
        continue;
      }
      sources.push({ path, kind: 'formExample', hash: hashOf(bytes), text: bytes.toString('utf8') });
    }
  }
  return { sources, formIds, problems };
}
