/**
 * `npm run import -- <file> --org <AGS> [--dry-run] [--lenient] [--format F] [--codelist <file>]… [--form-id <id>] [--service <id>] [--json]`
 * Imports an XDatenfelder 2/3 Stammdatenschema or a catalog bundle. Without --codelist, the genericode files next to
 * the schema (`*genericode*.xml`) come along. Prints the report; exits 1 when the import was refused.
 * Uses DATABASE_URL, or the embedded default (migrated first, like `npm start`).
 */
import '../../timezone.js';
import 'reflect-metadata';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Logger } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { loadConfig } from '../../config/config.js';
import { createRootLogger } from '../../common/logging/logger.js';
import { prepareDatabase } from '../../database/database-bootstrap.js';
import { ormConfig } from '../../database/orm-config.js';
import { findOrganisation } from '../bundle/bundle.js';
import { ImportsService } from '../imports.service.js';
import type { ImportFormat, ImportReportData } from '../import.types.js';
import { formatReport } from './report-text.js';

const USAGE = 'Aufruf: npm run import -- <Datei> --org <AGS> [--dry-run] [--lenient] [--format AUTO|XDATENFELDER_2|XDATENFELDER_3|BUNDLE] [--codelist <Datei>]… [--form-id <Kennung>] [--service <Leistung>] [--json]';
const FORMATS = ['AUTO', 'XDATENFELDER_2', 'XDATENFELDER_3', 'BUNDLE'];

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    org: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    lenient: { type: 'boolean', default: false },
    format: { type: 'string', default: 'AUTO' },
    codelist: { type: 'string', multiple: true },
    'form-id': { type: 'string' },
    service: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
if (positionals.length !== 1 || !values.org || !FORMATS.includes(values.format)) {
  console.error(USAGE);
  process.exit(2);
}
// stdout carries the report only (the service's own log line would break --json)
Logger.overrideLogger(false);
const file = resolve(positionals[0]);
const config = loadConfig();
let content: string;
try {
  content = await readFile(file, 'utf8');
} catch (error) {
  console.error(`Die Datei ${file} lässt sich nicht lesen: ${(error as Error).message}`);
  process.exit(2);
}

async function codeListFiles(): Promise<string[]> {
  if (values.codelist?.length) return values.codelist.map((f) => resolve(f));
  if (content.trimStart().startsWith('{')) return [];
  const dir = dirname(file);
  return (await readdir(dir)).filter((f) => /genericode.*\.xml$/i.test(f) && f !== basename(file)).sort().map((f) => join(dir, f));
}
const listFiles = await codeListFiles();
const codeLists = await Promise.all(listFiles.map((f) => readFile(f, 'utf8')));

const { url, embedded } = await prepareDatabase(config, createRootLogger({ logLevel: 'warn' }));
const orm = await MikroORM.init(ormConfig(url, config));
let report: ImportReportData | undefined;
try {
  const organisation = await findOrganisation(orm.em.fork(), values.org);
  if (!organisation) {
    console.error(`Eine Organisation mit dem Gemeindeschlüssel oder der Kennung „${values.org}“ gibt es nicht.`);
    process.exitCode = 2;
  } else {
    report = await new ImportsService(orm.em.fork(), config).import(
      {
        format: values.format as ImportFormat | 'AUTO',
        content,
        organisationId: organisation.id,
        dryRun: values['dry-run'],
        lenient: values.lenient,
        codeLists,
        formId: values['form-id'],
        serviceId: values.service,
      },
      'cli',
    );
  }
} finally {
  await orm.close(true);
  await embedded?.stop();
}
if (report) {
  if (listFiles.length && !values.json) console.error(`Codelisten: ${listFiles.map((f) => basename(f)).join(', ')}`);
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  if (report.errors.length) process.exitCode = 1;
}
