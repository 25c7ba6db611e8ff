/**
 * `npm run example -- <form id> <example> [--url http://127.0.0.1:3000]`: submits a catalog example to a
 * running service, uploading generated files for its attachment objects first, and prints the receipt.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../../common/project-root.js';
import { compareVersions } from '../../forms/form-version.js';
import { submitExample } from '../example-submission.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { url: { type: 'string' }, catalog: { type: 'string' } } });
const [formId, exampleName] = positionals;
if (!formId || !exampleName) {
  console.error('Aufruf: npm run example -- <Formular> <Beispiel> [--url http://127.0.0.1:3000]');
  process.exit(2);
}
const dir = join(values.catalog ?? join(projectRoot(), process.env.LOTSE_CATALOG_DIR ?? 'catalog'), 'forms', formId);
const versions = readdirSync(dir).filter((f) => /^\d+\.\d+\.json$/.test(f)).map((f) => f.replace(/\.json$/, '')).sort(compareVersions);
const form = JSON.parse(readFileSync(join(dir, `${versions[versions.length - 1]}.json`), 'utf8')) as { id: string; version: string; schema: unknown };
const example = JSON.parse(readFileSync(join(dir, 'examples', exampleName.endsWith('.json') ? exampleName : `${exampleName}.json`), 'utf8')) as { data: Record<string, unknown> };
const base = values.url ?? process.env.LOTSE_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
const { uploads, result } = await submitExample(base, form, example.data);
for (const u of uploads) console.error(`hochgeladen: ${String(u.pointer)} ${String(u.fileName)} (${String(u.mediaType)}, ${String(u.size)} Bytes) -> ${String(u.attachmentId)}`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
if (result.__typename !== 'SubmissionReceipt') process.exitCode = 1;
