import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The folder that holds the project's package.json, whether we run from `src/` (tests) or `dist/src/`. */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  cached = dir;
  return dir;
}

/** True when this module was loaded from TypeScript sources (Jest), false when from the compiled `dist/`. */
export function runningFromSources(): boolean {
  return import.meta.url.endsWith('.ts');
}
