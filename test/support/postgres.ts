import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/database/embedded-postgres.js';

/** A free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** A throwaway folder that the `postgres` user can reach (mkdtemp makes 0700 folders). */
export async function reachableTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chmod(dir, 0o755);
  return dir;
}

export interface ThrowawayCluster extends EmbeddedDatabase {
  dir: string;
  /** Stops the server and deletes its files. */
  destroy(): Promise<void>;
}

/** A fresh embedded cluster in a temporary folder, deleted on destroy. */
export async function startThrowawayCluster(database = 'lotse'): Promise<ThrowawayCluster> {
  const dir = await reachableTempDir('lotse-pg-');
  const port = await freePort();
  const db = await startEmbeddedPostgres({
    clusterDir: join(dir, 'cluster'),
    port,
    database,
    persistent: true,
  });
  return {
    ...db,
    dir,
    destroy: async () => {
      await db.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function replaceDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A database of its own for one test file, copied from the migrated template that the global setup made.
 */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.LOTSE_TEST_ADMIN_URL;
  const template = process.env.LOTSE_TEST_TEMPLATE_DB;
  if (!adminUrl || !template) throw new Error('the Jest global setup did not run');
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  await withClient(adminUrl, async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`create database ${pg.escapeIdentifier(name)} template ${pg.escapeIdentifier(template)}`);
        return;
      } catch (error) {
        // another worker may be copying the template at this moment
        if (attempt >= 20 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  return {
    url: replaceDatabase(adminUrl, name),
    drop: () =>
      withClient(adminUrl, (client) => client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`)).then(
        () => undefined,
      ),
  };
}

export { ensureDatabase };
