import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/database/embedded-postgres.js';
import { freePort, reachableTempDir, withClient } from '../support/postgres.js';

const postmasterPid = async (clusterDir: string) => Number((await readFile(join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
/** Whether `pid` runs (a zombie waiting for its parent to reap it does not). */
const alive = async (pid: number) => {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return !!stat && !/^\S+ \(.*\) [ZX]/s.test(stat);
};
/** Runs pg_ctl as the user PostgreSQL runs as (an operator restarting the server under the service). */
async function pgCtl(args: string[]): Promise<void> {
  const { pg_ctl } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { pg_ctl: string };
  const id = (flag: string) => new Promise<number>((r, j) => execFile('id', [flag, 'postgres'], (e, out) => (e ? j(e) : r(Number(out)))));
  const user = userInfo().uid === 0 ? { uid: await id('-u'), gid: await id('-g') } : {};
  await new Promise<void>((resolve, reject) =>
    execFile(pg_ctl, args, { ...user, timeout: 30_000 }, (error, _out, err) => (error ? reject(new Error(`${error.message} ${err}`)) : resolve())),
  );
}

describe('embedded PostgreSQL: stop, restart under the service, leftovers', () => {
  let dir: string;
  let clusterDir: string;
  let port: number;
  const start = (leftoverWaitMs?: number) => startEmbeddedPostgres({ clusterDir, port, database: 'lotse', persistent: true, leftoverWaitMs });

  beforeAll(async () => {
    dir = await reachableTempDir('lotse-pgctl-');
    clusterDir = join(dir, 'cluster');
    port = await freePort();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stops a postmaster that was restarted under it (pg_ctl -m fast stop), leaving nothing running', async () => {
    const db = await start();
    const first = await postmasterPid(clusterDir);
    await pgCtl(['-D', clusterDir, '-m', 'fast', '-w', '-l', join(clusterDir, 'restart.log'), '-o', `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=`, 'restart']);
    const second = await postmasterPid(clusterDir);
    expect(second).not.toBe(first);
    expect(await withClient(db.url, async (c) => (await c.query('select 1 as one')).rows[0].one)).toBe(1);
    await db.stop();
    // pg_ctl returns once postmaster.pid is gone, which the postmaster removes just before it exits
    for (let i = 0; i < 50 && (await alive(second)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await alive(second)).toBe(false);
  });

  it('refuses a second start while a postmaster serves the folder, with a German message', async () => {
    const db = await start();
    await expect(start()).rejects.toThrow(/wird bereits von Prozess \d+ verwendet/);
    await db.stop();
  });

  it('starts at the first try after the postmaster was killed (leftover postmaster.pid)', async () => {
    let db: EmbeddedDatabase = await start();
    for (let round = 0; round < 3; round++) {
      const pid = await postmasterPid(clusterDir);
      process.kill(pid, 'SIGKILL');
      db = await start();
      expect(await withClient(db.url, async (c) => (await c.query('select 1 as one')).rows[0].one)).toBe(1);
    }
    await db.stop();
  });
});
