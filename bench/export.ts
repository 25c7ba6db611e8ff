/**
 * XÖV export throughput, in the bench process itself (no HTTP, no database): the message of the
 * Schülerbeförderung example built with and without XSD validation, against fast-xml-parser's XMLBuilder
 * serialising the same data without any schema (the baseline for building), and against native libxml2
 * (`xmllint --schema`, Debian libxml2-utils) validating the same messages in one process with the schemas
 * compiled once (the baseline for validation). Each variant runs for a fixed time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { XMLBuilder } from 'fast-xml-parser';
import { checkCatalogDir, codeListsOf, defaultCatalogDir } from '../src/catalog/catalog.check.js';
import { latestVersions } from '../src/forms/form.checker.js';
import { publishSchema } from '../src/forms/form-schema.js';
import type { FormSchemaNode } from '../src/forms/form.types.js';
import { buildMessage, type MessageInput } from '../src/xoev/message.builder.js';
import { messageSchemas } from '../src/xoev/message-schemas.js';
import { validateAgainstXsd, withWrapper, type XsdFile } from '../src/xoev/xml-validator.js';
import { rate } from './measure.js';

const FORM = 'schuelerbefoerderung-antrag';

export interface ExportBench {
  form: string;
  seconds: number;
  buildPerSecond: number;
  buildAndValidatePerSecond: number;
  xmlBuilderPerSecond: number;
  ratioBuild: number;
  ratioBuildAndValidate: number;
  /** Messages validated per second by native `xmllint --schema` (schemas compiled once, all messages in one run). */
  xmllintValidatedPerSecond: number | null;
  /** buildAndValidatePerSecond / xmllintValidatedPerSecond. */
  ratioAgainstXmllint: number | null;
}

/**
 * Native libxml2: writes the schema set and `count` messages to a temporary folder and times one
 * `xmllint --noout --schema` run over all of them (process start and one compilation included). Null without xmllint.
 */
function xmllintRate(schemas: XsdFile[], messages: string[]): number | null {
  if (spawnSync('xmllint', ['--version']).status !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'lotse-bench-xmllint-'));
  try {
    const [main, ...rest] = withWrapper(schemas);
    const schemaDir = join(dir, 'schemas', 'set');
    for (const s of [main, ...rest]) {
      mkdirSync(dirname(join(schemaDir, s.fileName)), { recursive: true });
      writeFileSync(join(schemaDir, s.fileName), s.contents);
    }
    const files = messages.map((xml, i) => {
      const file = join(dir, `m${i}.xml`);
      writeFileSync(file, xml);
      return file;
    });
    const start = performance.now();
    // xmllint prints "… validates" per file on stderr and exits non-zero if any does not
    execFileSync('xmllint', ['--noout', '--schema', join(schemaDir, main.fileName), ...files], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 2 ** 20 });
    return messages.length / ((performance.now() - start) / 1000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function exportBench(root: string, seconds: number): Promise<ExportBench> {
  const check = await checkCatalogDir(defaultCatalogDir());
  const codeLists = codeListsOf(check.catalog);
  const file = latestVersions(check.catalog.forms.values()).get(FORM)?.data;
  if (!file) throw new Error(`form ${FORM} missing from the catalog`);
  const published = publishSchema(file.schema as FormSchemaNode, codeLists);
  const data = JSON.parse(readFileSync(join(root, 'catalog', 'forms', FORM, 'examples', 'valid-bus.json'), 'utf8')).data;
  const directory = { verzeichnisdienst: 'DVDV', verzeichnisdienstVersion: '1' };
  const input = (): MessageInput => ({
    uuid: crypto.randomUUID(),
    createdAt: new Date(),
    product: { name: 'Lotse', vendor: 'Lotse-Projekt', version: 'bench' },
    test: true,
    leser: { kennung: '03453', name: 'Landkreis Cloppenburg', ...directory },
    autor: { kennung: 'lotse', name: 'Lotse', ...directory },
    referenceNumber: 'BENCH-1',
    formId: FORM,
    formVersion: file.version,
    serviceId: 'bench',
    submittedAt: new Date(),
    language: 'de',
    sha256: '0'.repeat(64),
    published,
    data,
  });
  const schemas = messageSchemas(FORM, file.version, published);
  const probe = await validateAgainstXsd(buildMessage(input()), schemas);
  if (!probe.valid) throw new Error(`the bench message does not validate: ${JSON.stringify(probe.errors.slice(0, 3))}`);

  const builder = new XMLBuilder({ ignoreAttributes: true });
  const xmlBuilderPerSecond = await rate(seconds, () => builder.build({ antrag: data }));
  const buildPerSecond = await rate(seconds, () => buildMessage(input()));
  const buildAndValidatePerSecond = await rate(seconds, async () => {
    const result = await validateAgainstXsd(buildMessage(input()), schemas);
    if (!result.valid) throw new Error('invalid message under load');
  });
  const sample = Array.from({ length: Math.max(200, Math.round(buildAndValidatePerSecond * seconds)) }, () => buildMessage(input()));
  const xmllintPerSecond = xmllintRate(schemas, sample);
  return {
    form: FORM,
    seconds,
    buildPerSecond: Math.round(buildPerSecond),
    buildAndValidatePerSecond: Math.round(buildAndValidatePerSecond),
    xmlBuilderPerSecond: Math.round(xmlBuilderPerSecond),
    ratioBuild: Number((buildPerSecond / xmlBuilderPerSecond).toPrecision(3)),
    // validation is orders of magnitude slower, so three significant digits rather than three decimals
    ratioBuildAndValidate: Number((buildAndValidatePerSecond / xmlBuilderPerSecond).toPrecision(3)),
    xmllintValidatedPerSecond: xmllintPerSecond === null ? null : Math.round(xmllintPerSecond),
    ratioAgainstXmllint: xmllintPerSecond === null ? null : Number((buildAndValidatePerSecond / xmllintPerSecond).toPrecision(3)),
  };
}
