import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { projectRoot } from '../../src/common/project-root.js';

export const MINI_CATALOG = join(projectRoot(), 'test', 'fixtures', 'catalog-mini');

/** A writable copy of a catalog folder, for tests that break or change it. */
export class CatalogCopy {
  private constructor(readonly dir: string) {}

  static async of(source = MINI_CATALOG): Promise<CatalogCopy> {
    const dir = await mkdtemp(join(tmpdir(), 'lotse-catalog-'));
    await cp(source, dir, { recursive: true });
    return new CatalogCopy(dir);
  }

  async read<T = Record<string, unknown>>(path: string): Promise<T> {
    return JSON.parse(await readFile(join(this.dir, path), 'utf8')) as T;
  }

  async write(path: string, content: unknown): Promise<void> {
    await mkdir(dirname(join(this.dir, path)), { recursive: true });
    await writeFile(join(this.dir, path), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }

  async edit<T = Record<string, unknown>>(path: string, change: (data: T) => void): Promise<void> {
    const data = await this.read<T>(path);
    change(data);
    await this.write(path, data);
  }

  async remove(path: string): Promise<void> {
    await rm(join(this.dir, path), { force: true });
  }

  async destroy(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
