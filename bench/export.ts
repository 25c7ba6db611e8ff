/**
 * XÖV export throughput, in the bench process itself (no HTTP, no database): the message of the
 * Schülerbeförderung example built with and without XSD validation, against fast-xml-parser's XMLBuilder
 * serialising the same data without any schema (the baseline). Each variant runs for a fixed time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLBuilder } from 'fast-xml-parser';
import { checkCatalogDir, codeListsOf, defaultCatalogDir } from '../src/catalog/catalog.check.js';
import { latestVersions } from '../src/forms/form.checker.js';
import { publishSchema } from '../src/forms/form-schema.js';
import type { FormSchemaNode } from '../src/forms/form.types.js';
import { buildMessage, type MessageInput } from '../src/xoev/message.builder.js';
import { messageSchemas } from '../src/xoev/message-schemas.js';
import { validateAgainstXsd } from '../src/xoev/xml-validator.js';
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
  return {
    form: FORM,
    seconds,
    buildPerSecond: Math.round(buildPerSecond),
    buildAndValidatePerSecond: Math.round(buildAndValidatePerSecond),
    xmlBuilderPerSecond: Math.round(xmlBuilderPerSecond),
    ratioBuild: Number((buildPerSecond / xmlBuilderPerSecond).toPrecision(3)),
    // validation is orders of magnitude slower, so three significant digits rather than three decimals
    ratioBuildAndValidate: Number((buildAndValidatePerSecond / xmlBuilderPerSecond).toPrecision(3)),
  };
}
