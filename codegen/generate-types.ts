/**
 * Turns every JSON Schema in `schemas/` into a TypeScript module in `src/generated/`.
 * Runs on plain Node (type stripping), so it needs nothing built first.
 */
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join, basename } from 'node:path';
import { compile } from 'json-schema-to-typescript';
import { BANNER, GENERATED_DIR, SCHEMAS_DIR } from './paths.ts';

export async function generateTypes(): Promise<Map<string, string>> {
  const outputs = new Map<string, string>();
  const files = (await readdir(SCHEMAS_DIR)).filter((f) => f.endsWith('.schema.json')).sort();
  for (const file of files) {
    const schema = JSON.parse(await readFile(join(SCHEMAS_DIR, file), 'utf8'));
    const name = basename(file, '.schema.json');
    const ts = await compile(schema, schema.title ?? name, {
      bannerComment: BANNER.replace('{source}', `schemas/${file}`),
      cwd: SCHEMAS_DIR,
      additionalProperties: false,
      strictIndexSignatures: true,
      maxItems: -1,
      unreachableDefinitions: true,
      format: true,
      style: { singleQuote: true, printWidth: 120 },
    });
    outputs.set(join(GENERATED_DIR, `${name}.ts`), ts);
  }
  return outputs;
}

export async function writeOutputs(outputs: Map<string, string>): Promise<void> {
  await mkdir(GENERATED_DIR, { recursive: true });
  for (const [path, content] of outputs) await writeFile(path, content);
}
