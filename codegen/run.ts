/**
 * `npm run codegen`: schemas/*.schema.json -> src/generated/*.ts, then resolvers -> src/generated/schema.gql.
 * `npm run codegen:check`: the same in memory; exits 1 naming every committed file that is stale.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateTypes, writeOutputs } from './generate-types.ts';
import { GENERATED_DIR, ROOT, SDL_FILE } from './paths.ts';

const check = process.argv.includes('--check');

const outputs = await generateTypes();
if (!check) await writeOutputs(outputs);

// The SDL comes from the compiled resolvers.
execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')], {
  stdio: 'inherit',
});
const sdlModule = await import(pathToFileURL(join(ROOT, 'dist', 'codegen', 'generate-sdl.js')).href);
outputs.set(SDL_FILE, await sdlModule.generateSdl());
if (!check) await writeOutputs(new Map([[SDL_FILE, outputs.get(SDL_FILE)!]]));

if (check) {
  const stale: string[] = [];
  for (const [path, content] of outputs) {
    if (!existsSync(path) || readFileSync(path, 'utf8') !== content) stale.push(relative(ROOT, path));
  }
  const expected = new Set([...outputs.keys()].map((p) => relative(ROOT, p)));
  for (const file of await readdir(GENERATED_DIR)) {
    const rel = relative(ROOT, join(GENERATED_DIR, file));
    if (!expected.has(rel)) stale.push(`${rel} (no longer generated)`);
  }
  if (stale.length) {
    console.error(`Generated files are out of date; run \`npm run codegen\`:\n  ${stale.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`codegen: ${outputs.size} generated files are up to date`);
} else {
  console.log(`codegen: wrote ${[...outputs.keys()].map((p) => relative(ROOT, p)).join(', ')}`);
}
