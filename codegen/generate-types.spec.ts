import { readFile } from 'node:fs/promises';
import { generateTypes } from './generate-types.ts';

describe('codegen: JSON Schema -> TypeScript', () => {
  it('is deterministic and matches the committed files', async () => {
    const first = await generateTypes();
    const second = await generateTypes();
    expect([...first.entries()]).toEqual([...second.entries()]);
    expect(first.size).toBeGreaterThan(0);
    for (const [path, content] of first) {
      expect(content.startsWith('/* eslint-disable */\n/**\n * DO NOT EDIT.')).toBe(true);
      expect(await readFile(path, 'utf8')).toBe(content);
    }
  });
});
