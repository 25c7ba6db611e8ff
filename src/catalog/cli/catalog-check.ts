/**
 * `npm run catalog:check [-- <catalog folder>]`: validates every catalog file against its JSON Schema and
 * every cross reference. Prints each problem as `file:json-pointer: message`; exits 1 on any error.
 */
import '../../timezone.js';
import { resolve } from 'node:path';
import { formatProblem } from '../catalog.checker.js';
import { checkCatalogDir, defaultCatalogDir } from '../catalog.check.js';

const dir = process.argv[2] ? resolve(process.argv[2]) : defaultCatalogDir();
const result = await checkCatalogDir(dir);
for (const problem of result.problems) console.log(formatProblem(problem));
const { stats } = result;
console.log(
  `Katalog geprüft: ${stats.files} Dateien, ${stats.services} Leistungen (${stats.publishedServices} veröffentlicht), ` +
    `${stats.unverifiedEntries} Einträge mit ungeprüften Angaben (${stats.unverifiedFacts} Angaben), ` +
    `${result.errors.length} Fehler.`,
);
process.exitCode = result.errors.length > 0 ? 1 : 0;
