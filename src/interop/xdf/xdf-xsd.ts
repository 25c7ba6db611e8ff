import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateAgainstXsd, type XsdFile } from '../../xoev/xml-validator.js';
import { ImportProblemCode, problem, type ImportProblem } from '../import.problems.js';

type XdfFormat = 'XDATENFELDER_2' | 'XDATENFELDER_3';

/** Per format: the subfolder of `xsdDir`, the main schema's namespace and the version named in messages. */
const SCHEMA_SETS: Record<XdfFormat, { folder: string; namespace: string; version: string }> = {
  XDATENFELDER_2: { folder: 'xsd-2.0', namespace: 'urn:xoev-de:fim:standard:xdatenfelder_2', version: '2.0' },
  XDATENFELDER_3: { folder: 'xsd-3.0.0', namespace: 'urn:xoev-de:fim:standard:xdatenfelder_3.0.0', version: '3.0.0' },
};
const MAIN_SCHEMA = 'xdatenfelder.xsd';
/** At most this many violations are reported one by one; the rest are counted. */
export const MAX_SCHEMA_PROBLEMS = 50;

/** Loaded schema sets by folder; only complete sets are cached, so a folder fixed later is picked up. */
const cache = new Map<string, XsdFile[]>();

type Loaded = { schemas: XsdFile[] } | { missing: string };

/**
 * All `*.xsd` of the folder, the main schema first (the only one with a namespace, so that the validator's
 * wrapper imports just it; the others are preloaded by file name for its includes and imports).
 * Reports the first file that the main schema needs, directly or through other schemas, and that is missing.
 */
function loadSchemas(folder: string, namespace: string): Loaded {
  const cached = cache.get(folder);
  if (cached) return { schemas: cached };
  if (!existsSync(join(folder, MAIN_SCHEMA))) return { missing: MAIN_SCHEMA };
  const byName = new Map<string, string>();
  for (const file of readdirSync(folder)) {
    if (file.endsWith('.xsd')) byName.set(file, readFileSync(join(folder, file), 'utf8'));
  }
  // Follow include/import/redefine locations from the main schema; all must be in the folder.
  const pending = [MAIN_SCHEMA];
  const seen = new Set(pending);
  while (pending.length > 0) {
    const contents = byName.get(pending.pop() as string) ?? '';
    for (const match of contents.matchAll(/<(?:\w+:)?(?:include|import|redefine)\b[^>]*?\bschemaLocation\s*=\s*["']([^"']+)["']/g)) {
      const location = match[1];
      if (seen.has(location)) continue;
      seen.add(location);
      if (!byName.has(location)) return { missing: location };
      pending.push(location);
    }
  }
  const main: XsdFile = { fileName: MAIN_SCHEMA, contents: byName.get(MAIN_SCHEMA) as string, namespace };
  const schemas = [main, ...[...byName].filter(([name]) => name !== MAIN_SCHEMA).map(([fileName, contents]) => ({ fileName, contents }))];
  cache.set(folder, schemas);
  return { schemas };
}

const unavailable = (detail: string): ImportProblem[] => [
  problem(
    ImportProblemCode.SCHEMA_UNAVAILABLE,
    `Der strikte Modus braucht die offiziellen XDatenfelder-XSD (XDATENFELDER_XSD_DIR), ${detail}. Bitte wenden Sie sich an den Betrieb oder importieren Sie die Datei im nachsichtigen Modus.`,
  ),
];

/** libxml2 reads the bytes we hand it as UTF-8; the declaration must not claim another encoding. */
const declareUtf8 = (xml: string): string =>
  xml.replace(/^(\uFEFF?\s*<\?xml\b[^?]*?\bencoding\s*=\s*)(["'])[^"']*\2/, '$1$2UTF-8$2');

/**
 * Strict mode: validates an XDatenfelder 2 or 3 file against the official XSD set in `xsdDir`
 * (`xsd-2.0/` or `xsd-3.0.0/`, each with `xdatenfelder.xsd` and the files it includes/imports).
 * Returns one SCHEMA_VIOLATION per libxml2 error (at most {@link MAX_SCHEMA_PROBLEMS}, then a count), one
 * SCHEMA_UNAVAILABLE when the XSDs are not configured or incomplete, and [] for a valid file.
 *
 * Callers pass text that the safe parser has accepted (readImportInput); as a second line of defence a file with a
 * DTD is not handed to libxml2 at all.
 */
export async function validateXdatenfelderXsd(xml: string, format: XdfFormat, xsdDir: string | undefined): Promise<ImportProblem[]> {
  const set = SCHEMA_SETS[format];
  if (xsdDir === undefined || xsdDir.trim() === '') return unavailable('der Ordner dafür ist aber nicht eingerichtet');
  const folder = join(xsdDir, set.folder);
  const loaded = existsSync(folder) ? loadSchemas(folder, set.namespace) : { missing: '' };
  if ('missing' in loaded) {
    return unavailable(loaded.missing ? `im Ordner „${set.folder}“ fehlt aber die Datei „${loaded.missing}“` : `der Unterordner „${set.folder}“ fehlt aber`);
  }
  if (/<!(?:DOCTYPE|ENTITY)/i.test(xml)) {
    return [problem(ImportProblemCode.FORBIDDEN_CONSTRUCT, 'Die Datei enthält eine DTD oder Entitätsdeklaration und wird nicht geprüft.')];
  }
  const result = await validateAgainstXsd(declareUtf8(xml), loaded.schemas);
  if (result.valid) return [];
  const prefix = `Das Dokument entspricht nicht dem XDatenfelder-${set.version}-Schema: `;
  const qualified = new RegExp(`\\{${set.namespace.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\}`, 'g');
  const problems = result.errors.slice(0, MAX_SCHEMA_PROBLEMS).map((error) => {
    // libxml2's text names the element and what was expected; only its boilerplate prefix goes, and the
    // XDatenfelder namespace is written as the usual `xdf:` prefix.
    const detail = error.message.replace(/^Schemas validity error\s*:\s*/, '').replace(qualified, 'xdf:').trim();
    const line = error.line !== undefined && error.line > 0 ? error.line : undefined;
    return problem(ImportProblemCode.SCHEMA_VIOLATION, `${line ? `Zeile ${line}: ` : ''}${prefix}${detail}`, line);
  });
  if (problems.length === 0) problems.push(problem(ImportProblemCode.SCHEMA_VIOLATION, `${prefix}libxml2 hat die Datei ohne nähere Angabe abgelehnt.`));
  const more = result.errors.length - MAX_SCHEMA_PROBLEMS;
  if (more > 0) {
    problems.push(problem(ImportProblemCode.SCHEMA_VIOLATION, `… und ${more} weitere ${more === 1 ? 'Abweichung' : 'Abweichungen'} vom XDatenfelder-${set.version}-Schema.`));
  }
  return problems;
}
