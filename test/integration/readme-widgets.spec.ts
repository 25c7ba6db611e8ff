import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../src/common/project-root.js';

/**
 * The README's upload widgets are the ones the browser test runs: each section of test/browser/upload-widgets.jsx
 * (from a `// --- name` line to the next) stands in the README as one ```jsx block, character for character.
 */
describe('README upload widgets', () => {
  it('shows every section of test/browser/upload-widgets.jsx verbatim, and no other jsx block', async () => {
    const source = await readFile(join(projectRoot(), 'test', 'browser', 'upload-widgets.jsx'), 'utf8');
    const readme = await readFile(join(projectRoot(), 'README.md'), 'utf8');
    const parts = source.split(/^\/\/ --- (\w+)\n/m);
    const sections = parts.slice(1).filter((_, i) => i % 2 === 1).map((code) => code.trim());
    expect(parts.slice(1).filter((_, i) => i % 2 === 0)).toEqual(['upload', 'rjsf', 'jsonforms']);
    const blocks = [...readme.matchAll(/^```jsx\n([\s\S]*?)\n```$/gm)].map((m) => m[1]);
    expect(blocks).toEqual(sections);
  });
});
