import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { projectRoot } from '../../src/common/project-root.js';

export const CHROMIUM = process.env.LOTSE_CHROMIUM ?? '/usr/bin/chromium';

/** Headless flags for a closed network: nothing phones home, nothing waits for a GPU or a sandbox. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const chromiumAvailable = () => existsSync(CHROMIUM);

export interface BuiltPage {
  html: string;
  script: string;
  axe: string;
}

/**
 * Bundles test/browser/page.mjs (with the upload widgets of test/browser/upload-widgets.jsx) with esbuild into a temporary directory (never into the tree) and reads it back,
 * with axe-core's browser build beside it.
 */
export async function buildTestPage(): Promise<BuiltPage> {
  const { build } = await import('esbuild');
  const dir = await mkdtemp(join(tmpdir(), 'lotse-browser-'));
  try {
    const outfile = join(dir, 'page.js');
    await build({
      entryPoints: [join(projectRoot(), 'test', 'browser', 'page.mjs')],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      jsx: 'automatic',
      outfile,
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    });
    const require = createRequire(import.meta.url);
    const axe = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
    const html = '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Lotse Formular</title></head><body><main><h1>Formular</h1><div id="root"></div></main></body></html>';
    return { html, script: await readFile(outfile, 'utf8'), axe };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
