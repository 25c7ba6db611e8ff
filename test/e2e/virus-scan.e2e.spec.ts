import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { sampleFile } from '../../src/attachments/sample-files.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { freePort, reachableTempDir, withClient } from '../support/postgres.js';
import { upload } from '../support/uploads.js';

/** The EICAR test string (harmless by design), as the signature this test writes for clamd. */
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const CLAMD = ['/usr/sbin/clamd', '/usr/bin/clamd'].find((p) => existsSync(p)) ?? (spawnSync('which', ['clamd']).stdout?.toString().trim() || undefined);

const ping = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.end('zPING\0'));
    let answer = '';
    socket.on('data', (d) => (answer += d.toString()));
    socket.on('close', () => resolve(answer.startsWith('PONG')));
    socket.on('error', () => resolve(false));
  });

const describeWithClamd = CLAMD ? describe : describe.skip;
if (!CLAMD) {
  if (process.env.CI) throw new Error('clamd (Debian clamav-daemon) is missing; .ci/run installs it');
  console.log('skipped: clamd (Debian clamav-daemon) is not installed, virus scanning is not tested against a real daemon');
}

describeWithClamd('virus scanning with a real clamd (INSTREAM)', () => {
  let clamd: ChildProcess;
  let port: number;
  let t: TestApp;
  let copy: CatalogCopy;
  const nachweis = { formId: 'nachweisantrag', version: '1.0', field: '/nachweis' };

  beforeAll(async () => {
    const dir = await reachableTempDir('lotse-clamd-');
    mkdirSync(join(dir, 'db'));
    // no signature download is possible here: the database is this one signature, written by the test
    writeFileSync(join(dir, 'db', 'lotse-test.ndb'), `Lotse-EICAR-Test:0:*:${Buffer.from(EICAR).toString('hex')}\n`);
    port = await freePort();
    const conf = [`DatabaseDirectory ${join(dir, 'db')}`, `TCPSocket ${port}`, 'TCPAddr 127.0.0.1', 'Foreground yes', `LogFile ${join(dir, 'clamd.log')}`, 'StreamMaxLength 50M'];
    if (process.getuid?.() === 0) conf.push('User root');
    writeFileSync(join(dir, 'clamd.conf'), `${conf.join('\n')}\n`);
    clamd = spawn(CLAMD!, ['-c', join(dir, 'clamd.conf')], { stdio: 'ignore' });
    for (let i = 0; i < 120 && !(await ping(port)); i++) await new Promise((r) => setTimeout(r, 250));
    expect(await ping(port)).toBe(true);
    copy = await CatalogCopy.of();
    t = await startTestApp({ env: { CLAMAV_URL: `tcp://127.0.0.1:${port}`, ATTACHMENT_RATE_LIMIT_PER_HOUR: '1000' } });
    await t.app.get(CatalogSyncService).sync(copy.dir);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await copy?.destroy();
    clamd?.kill('SIGTERM');
  });

  it('accepts a clean file after scanning it', async () => {
    const res = await upload(t.baseUrl, nachweis, { name: 'sauber.pdf', type: 'application/pdf', data: sampleFile('application/pdf', 300_000) });
    expect(res.status).toBe(201);
    const row = await withClient(t.databaseUrl, (c) => c.query('select scanned from attachment where id = $1', [res.body.attachmentId]));
    expect(row.rows[0].scanned).toBe(true);
  });

  it('refuses an infected file with INFECTED and stores nothing', async () => {
    const count = async () => (await withClient(t.databaseUrl, (c) => c.query('select (select count(*) from attachment)::int + (select count(*) from attachment_chunk)::int as n'))).rows[0].n;
    const before = await count();
    const res = await upload(t.baseUrl, nachweis, { name: 'virus.pdf', type: 'application/pdf', data: sampleFile('application/pdf', 40_000, { comment: EICAR }) });
    expect([res.status, res.body.error?.code]).toEqual([422, 'INFECTED']);
    expect(await count()).toBe(before);
  });

  it('refuses uploads with SCANNER_UNAVAILABLE when clamd cannot be reached', async () => {
    const closed = await freePort();
    const other = await startTestApp({ env: { CLAMAV_URL: `tcp://127.0.0.1:${closed}` }, databaseUrl: t.databaseUrl });
    try {
      const res = await upload(other.baseUrl, nachweis, { name: 'sauber.pdf', type: 'application/pdf', data: sampleFile('application/pdf') });
      expect([res.status, res.body.error?.code]).toEqual([503, 'SCANNER_UNAVAILABLE']);
    } finally {
      await other.close();
    }
  });
});
