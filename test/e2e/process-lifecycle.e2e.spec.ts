import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { projectRoot } from '../../src/common/project-root.js';
import { freePort, reachableTempDir } from '../support/postgres.js';

/**
 * The built service as a user starts it (`node dist/src/main.js`, what `npm start` runs after building):
 * embedded PostgreSQL under the data folder, data kept across restarts, graceful shutdown on SIGTERM.
 */
interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startService(env: Record<string, string>): Running {
  const child = spawn(process.execPath, [join(projectRoot(), 'dist', 'src', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

async function waitUntilReady(baseUrl: string, running: Running): Promise<void> {
  for (let i = 0; i < 240; i++) {
    if (running.child.exitCode !== null) throw new Error(`service exited early:\n${running.output()}`);
    try {
      const res = await fetch(`${baseUrl}/health/ready`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`service did not become ready:\n${running.output()}`);
}

function portAcceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function instanceId(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ apiInfo { instanceId } }' }),
  });
  const body = (await res.json()) as { data: { apiInfo: { instanceId: string } } };
  return body.data.apiInfo.instanceId;
}

describe('the service process', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let baseUrl: string;
  let pgPort: number;

  beforeAll(async () => {
    dataDir = await reachableTempDir('lotse-data-');
    const port = await freePort();
    pgPort = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    env = { PORT: String(port), LOTSE_DATA_DIR: dataDir, LOTSE_EMBEDDED_PG_PORT: String(pgPort), NODE_ENV: 'development' };
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses to start with a bad setting and names the variable', async () => {
    const running = startService({ ...env, PORT: 'abc', DB_POOL_MAX: '0' });
    const { code } = await running.exited;
    expect(code).toBe(78);
    expect(running.output()).toContain('PORT muss vom Typ ganze Zahl sein');
    expect(running.output()).toContain('DB_POOL_MAX muss mindestens 1 sein');
  });

  it('starts on the embedded database, finishes an in-flight request on SIGTERM, and stops everything', async () => {
    const running = startService(env);
    await waitUntilReady(baseUrl, running);
    const id = await instanceId(baseUrl);

    const logLines = running.output().split('\n').filter((l) => l.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(() => JSON.parse(line)).not.toThrow();
    expect(running.output()).toMatch(/"reqId":"[0-9a-f-]{36}"/);

    // Hold a lock so that a request stays in flight while we ask the service to stop.
    const password = (await readFile(join(dataDir, 'postgres.password'), 'utf8')).trim();
    const locker = new pg.Client({ connectionString: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/lotse` });
    await locker.connect();
    await locker.query('begin');
    await locker.query('lock table platform_instance in access exclusive mode');
    const inFlight = fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify({ query: '{ apiInfo { instanceId } }' }),
    });
    await new Promise((r) => setTimeout(r, 300));

    running.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    await expect(fetch(`${baseUrl}/health/live`)).rejects.toThrow();

    await locker.query('commit');
    await locker.end();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: { apiInfo: { instanceId: string } } }).data.apiInfo.instanceId).toBe(id);

    // exit code 0: the shutdown finished before its 10-second deadline (which exits with 1)
    const { code } = await running.exited;
    expect(code).toBe(0);
    expect(running.output()).toContain('embedded PostgreSQL stopped');
    expect(await portAcceptsConnections(pgPort)).toBe(false);

    // The data survives: a second start finds the same installation.
    const second = startService(env);
    await waitUntilReady(baseUrl, second);
    expect(await instanceId(baseUrl)).toBe(id);
    expect(second.output()).not.toContain('initialising embedded PostgreSQL');
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });
});
