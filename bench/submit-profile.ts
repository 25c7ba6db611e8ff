/**
 * `npm run bench:submit`: submitForm alone, for profiling. Starts Lotse on its own embedded PostgreSQL
 * (NODE_ENV=production, rate limits off) and the bare Fastify baseline of `npm run bench` (bench/bare-server.ts,
 * one raw pg INSERT of the same row), loads both with autocannon (same connections and duration) and prints
 * requests/s, p99 and the ratio.
 *
 *   --cpu-prof   the service runs under `node --cpu-prof`; the profile is written to bench/results/profiles/ and
 *                summarised (self time per package / source file)
 *   --explain    no load: after a warm-up, one submission runs with auto_explain (EXPLAIN ANALYZE, BUFFERS of every
 *                statement, nested ones too) and its statements are printed with their time and plan
 *   --exports    no load: the export job alone. BENCH_EXPORTS (400) submissions are received and exported, then, in
 *                BENCH_ROUNDS (3) rounds, their stored messages are deleted and their export jobs queued again (copies
 *                of the completed jobs); the CPU of the service and of PostgreSQL until the queue is empty, less that of
 *                as long an idle time (polling), is printed per job. With --cpu-prof the profile covers the rounds.
 *   BENCH_CONNECTIONS (20), BENCH_DURATION (8 s), DB_POOL_MAX (service and baseline, 10)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { projectRoot } from '../src/common/project-root.js';
import { berlinDate } from '../src/catalog/opening-hours.js';
import { freePort, reachableTempDir } from '../test/support/postgres.js';
import { shiftExampleDates } from './example-dates.js';
import { cpuPlan, nodeCommand, pinProcess, projectServiceFlags } from './machine.js';
import { drainExports, pendingExportJobs } from './measure.js';

const ROOT = projectRoot();
/** The service's Node flags as `npm start` gives them. */
const SERVICE_FLAGS = projectServiceFlags(ROOT);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const POOL = process.env.DB_POOL_MAX ?? '10';
const CPU_PROF = process.argv.includes('--cpu-prof');
const EXPLAIN = process.argv.includes('--explain');
const EXPORTS = process.argv.includes('--exports');
const EXPORT_JOBS = Number(process.env.BENCH_EXPORTS ?? 400);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PROFILE_DIR = join(ROOT, 'bench', 'results', 'profiles');
/** How the export jobs a run leaves behind are waited for. */
const DRAIN = { pollMs: 500, timeoutMs: 120_000 };
const SUBMIT = 'mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) { __typename ... on SubmissionReceipt { referenceNumber } ... on SubmissionValidationError { errors { message } } } }';

async function waitFor(url: string, init?: RequestInit): Promise<void> {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(url, init)).status < 500) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up`);
}

async function load(url: string, body: (i: number) => string): Promise<{ rps: number; p50: number; p99: number; errors: number; non2xx: number }> {
  let i = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: body(i++) }) }],
  });
  return { rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

/** CPU time (user + system) of a process, in milliseconds (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * CPU time of the PostgreSQL cluster in milliseconds: the postmaster with the backends that have ended (its children's
 * time, counted when they exit) and every backend still running.
 */
function postgresCpuMs(dataDir: string): number {
  const postmaster = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const fields = readFileSync(`/proc/${postmaster}/stat`, 'utf8');
  const [utime, stime, cutime, cstime] = fields.slice(fields.lastIndexOf(')') + 2).split(' ').slice(11, 15).map(Number);
  let total = (utime + stime + cutime + cstime) * 10;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) total += cpuMs(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Monotonic clock in microseconds (the clock of V8's profile timestamps on Linux). */
const micros = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Self time per package (node_modules/<name>) or per source file of ours, from a .cpuprofile, counting only the
 * samples taken while submitForm was under load (`window`, monotonic microseconds).
 */
function summarise(file: string, window: [number, number]): Array<[string, number]> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at >= window[0] && at <= window[1]) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const buckets = new Map<string, number>();
  for (const [id, micros] of self) {
    const { url, functionName } = byId.get(id)!.callFrame;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    const key = pkg ?? (url.includes('/dist/') ? url.slice(url.indexOf('/dist/') + 6) : url ? url.replace(/^node:/, 'node:') : `(${functionName || 'native'})`);
    buckets.set(key, (buckets.get(key) ?? 0) + micros);
  }
  const total = [...buckets.values()].reduce((a, b) => a + b, 0);
  return [...buckets.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, +((100 * v) / total).toFixed(1)]);
}

/**
 * Inclusive time per function of ours (dist/src, dist/bench) and of the request path's packages, in the same window,
 * as a share of the samples in which the process was running JavaScript or native code (idle time and socket writes,
 * where a single core is handed to PostgreSQL, left out).
 */
function inclusive(file: string, window: [number, number]): Array<[string, number]> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const waiting = new Set(['(idle)', '(program)', 'writeBuffer', 'writev', 'writeUtf8String']);
  const times = new Map<string, number>();
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < window[0] || at > window[1] || waiting.has(byId.get(id)!.callFrame.functionName)) return;
    total += delta;
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const { functionName, url, lineNumber } = byId.get(node)!.callFrame;
      if (!/\/dist\/(src|bench)\/|node_modules\/(mercurius|graphql|@mikro-orm|pg|pg-boss|ajv|fastify)\//.test(url)) continue;
      const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(dist|node_modules)\//, '')}:${lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      times.set(key, (times.get(key) ?? 0) + delta);
    }
  });
  return [...times.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, +((100 * v) / total).toFixed(1)]);
}

/** Waits until the export queue holds no job that is waiting or running (at most 120 s). */
/**
 * The export job alone: EXPORT_JOBS submissions received and exported, then per round their stored messages deleted
 * and their jobs queued again in one statement; CPU per job until the queue is empty, less the idle rate (pg-boss's
 * polling, the drain's own query) measured over as long a time right after.
 */
async function measureExports(databaseUrl: string, submit: (i: number) => Promise<string>): Promise<void> {
  for (let i = 0; i < EXPORT_JOBS; i++) {
    const answer = await submit(i);
    if (!answer.includes('SubmissionReceipt')) throw new Error(`submission failed: ${answer.slice(0, 300)}`);
  }
  await drainExports(databaseUrl, DRAIN);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  // PostgreSQL's CPU split by who is served: the ORM's connections (application_name lotse: the export's own
  // statements), pg-boss's (fetching and completing jobs) and the rest (background processes, backends that ended)
  const cpu = async () => {
    const { rows: backends } = await client.query<{ pid: number; app: string }>(`select pid, application_name as app from pg_stat_activity where pid <> pg_backend_pid()`);
    const of = (match: (app: string) => boolean) =>
      backends.filter((b) => match(b.app)).reduce((sum, b) => {
        try {
          return sum + cpuMs(b.pid);
        } catch {
          return sum; // ended meanwhile
        }
      }, 0);
    return { service: cpuMs(service.pid!), postgres: postgresCpuMs(dataDir), orm: of((app) => app === 'lotse'), boss: of((app) => app.startsWith('pgboss')) };
  };
  try {
    const { rows } = await client.query<{ id: string }>(
      `select distinct on (data->>'submissionId') id from pgboss.job where name = 'lotse-export' and state = 'completed' order by data->>'submissionId', completed_on desc`,
    );
    const ids = rows.map((r) => r.id);
    // the queue's count every 200 ms on this one connection, until it is empty (or, idle, until `done`)
    const poll = async (done: () => boolean) => {
      for (;;) {
        const left = await pendingExportJobs(client);
        if (left === 0 && done()) return;
        if (left > 0 && Date.now() - t0 > DRAIN.timeoutMs) throw new Error(`export jobs not done within ${DRAIN.timeoutMs / 1000} s`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    let t0 = 0;
    console.log(`export jobs per round: ${ids.length}`);
    if (CPU_PROF) loadWindow[0] = micros();
    for (let round = 0; round < ROUNDS; round++) {
      await client.query(`delete from submission_export where submission_id in (select (data->>'submissionId')::uuid from pgboss.job where id = any($1::uuid[]))`, [ids]);
      const c0 = await cpu();
      t0 = Date.now();
      await client.query(
        `insert into pgboss.job (name, data, priority, retry_limit, retry_delay, retry_backoff, retry_delay_max, expire_seconds, deletion_seconds, keep_until, dead_letter, policy, heartbeat_seconds)
         select name, data, priority, retry_limit, retry_delay, retry_backoff, retry_delay_max, expire_seconds, deletion_seconds, now() + (keep_until - created_on), dead_letter, policy, heartbeat_seconds
           from pgboss.job where id = any($1::uuid[])`,
        [ids],
      );
      await poll(() => true);
      const c1 = await cpu();
      const elapsed = Date.now() - t0;
      const { rows: stored } = await client.query<{ n: number }>(
        `select count(*)::int as n from submission_export where submission_id in (select (data->>'submissionId')::uuid from pgboss.job where id = any($1::uuid[]))`,
        [ids],
      );
      // as long an idle time: what pg-boss's polling and the drain's query cost without jobs
      const t1 = Date.now();
      await poll(() => Date.now() - t1 >= elapsed);
      const c2 = await cpu();
      const idle = (key: 'service' | 'postgres' | 'orm' | 'boss') => ((c2[key] - c1[key]) * elapsed) / Math.max(1, Date.now() - t1);
      const per = (key: 'service' | 'postgres' | 'orm' | 'boss') => ((c1[key] - c0[key] - idle(key)) / ids.length).toFixed(2);
      console.log(
        `round ${round + 1}: ${stored[0].n} messages stored in ${elapsed} ms; CPU ms per export job: Lotse ${per('service')} + PostgreSQL ${per('postgres')} ` +
          `(of it ORM connections ${per('orm')}, pg-boss ${per('boss')}; raw ${((c1.service - c0.service) / ids.length).toFixed(2)} + ${((c1.postgres - c0.postgres) / ids.length).toFixed(2)}, idle ${idle('service').toFixed(0)} + ${idle('postgres').toFixed(0)} ms)`,
      );
    }
    if (CPU_PROF) loadWindow[1] = micros();
  } finally {
    await client.end();
  }
}

// pinned like `npm run bench`: service, baseline and PostgreSQL on one core, this process (autocannon) on the other
const plan = cpuPlan();
console.log(`bench:submit: ${plan.reason}`);
pinProcess(plan, process.pid, plan.loadCpus);
const dataDir = await reachableTempDir('lotse-bench-submit-');
const [port, pgPort, barePort] = await Promise.all([freePort(), freePort(), freePort()]);
if (CPU_PROF) await mkdir(PROFILE_DIR, { recursive: true });
const serviceOutput: string[] = [];
const service = spawn(...nodeCommand(plan, plan.serverCpus, [...SERVICE_FLAGS, ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []), join(ROOT, 'dist', 'src', 'main.js')]), {
  env: {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'DATABASE_URL')),
    PORT: String(port),
    LOTSE_DATA_DIR: dataDir,
    LOTSE_EMBEDDED_PG_PORT: String(pgPort),
    LOG_LEVEL: EXPLAIN ? 'debug' : 'warn',
    NODE_ENV: 'production',
    ACCESS_CODE_SECRET: 'bench-secret-bench-secret-bench-secret',
    SUBMIT_RATE_LIMIT_PER_HOUR: '0',
    ATTACHMENT_RATE_LIMIT_PER_HOUR: '0',
    DB_POOL_MAX: POOL,
  },
  stdio: ['ignore', EXPLAIN ? 'pipe' : 'ignore', 'inherit'],
});
service.stdout?.on('data', (chunk: Buffer) => serviceOutput.push(chunk.toString('utf8')));
let bare: ChildProcess | undefined;
const loadWindow: [number, number] = [0, 0];
try {
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/health/ready`);
  const gql = (query: string, variables?: unknown) =>
    fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) }).then((r) => r.text());
  // the form of `npm run bench`: one without attachments (an attachment binds to one submission only)
  let formId = '';
  let example: unknown;
  for (const [form, file] of [['sperrmuell-anmeldung', 'valid-moebel.json'], ['rufbus-buchung', 'valid-einzelfahrt.json'], ['sperrmuell-anmeldung', 'valid-hof-mit-elektrogeraeten.json']]) {
    const pinned = JSON.parse(readFileSync(join(ROOT, 'catalog', 'forms', form, 'examples', file), 'utf8')) as { today?: string; data: unknown };
    const data = pinned.today ? shiftExampleDates(pinned.data, pinned.today, berlinDate(new Date())) : pinned.data;
    const answer = await gql(SUBMIT, { i: { formId: form, version: '1.0', data }, k: `probe-${form}-${file}` });
    if (!answer.includes('SubmissionReceipt')) console.error(`${form}/${file}: ${answer.slice(0, 300)}`);
    if (answer.includes('SubmissionReceipt')) {
      [formId, example] = [form, data];
      break;
    }
  }
  if (!formId) throw new Error('no example without attachments validates today');
  const databaseUrl = `postgresql://postgres:${encodeURIComponent(readFileSync(join(dataDir, 'postgres.password'), 'utf8').trim())}@127.0.0.1:${pgPort}/lotse`;
  // the embedded cluster's processes join the servers' core
  pinProcess(plan, Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]), plan.serverCpus, true);
  const bodyDir = join(dataDir, 'bodies');
  await mkdir(bodyDir);
  bare = spawn(...nodeCommand(plan, plan.serverCpus, [join(ROOT, 'dist', 'bench', 'bare-server.js'), String(barePort), databaseUrl, bodyDir]), { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitFor(`http://127.0.0.1:${barePort}/json/none`, { method: 'POST' });

  const runId = Date.now().toString(36);
  const submitBody = (i: number) => JSON.stringify({ query: SUBMIT, variables: { i: { formId, version: '1.0', data: example }, k: `bench-${runId}-${i}` } });
  // warm-up: JIT, pools and caches of both
  if (!EXPLAIN && !EXPORTS) await load(`http://127.0.0.1:${barePort}/insert`, () => JSON.stringify({ data: example })).catch(() => undefined);
  for (let i = 0; i < (EXPLAIN ? 20 : 200); i++) await gql(SUBMIT, { i: { formId, version: '1.0', data: example }, k: `warm-${runId}-${i}` });
  // the warm-up's exports must not run while the baseline is measured
  if (process.env.WORKER_ENABLED !== 'false') await drainExports(databaseUrl, DRAIN);

  if (EXPORTS) await measureExports(databaseUrl, (i) => gql(SUBMIT, { i: { formId, version: '1.0', data: example }, k: `export-${runId}-${i}` }));

  if (!EXPLAIN && !EXPORTS) {
    console.log(`autocannon: ${CONNECTIONS} connections, ${DURATION} s per run, DB_POOL_MAX ${POOL}, ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}`);
    // CPU per request: what the machine's noise (other processes on the same cores) changes least
    const cpu = () => ({ service: cpuMs(service.pid!), bare: cpuMs(bare!.pid!), postgres: postgresCpuMs(dataDir) });
    const c0 = cpu();
    const raw = await load(`http://127.0.0.1:${barePort}/insert`, () => JSON.stringify({ data: example }));
    const c1 = cpu();
    loadWindow[0] = micros();
    const lotse = await load(`${base}/graphql`, submitBody);
    loadWindow[1] = micros();
    // the export worker goes on after the load: its CPU for these submissions is counted until the queue is empty
    if (process.env.WORKER_ENABLED !== 'false') await drainExports(databaseUrl, DRAIN);
    const c2 = cpu();
    const perRequest = (ms: number, r: { rps: number }) => (ms / (r.rps * DURATION)).toFixed(2);
    const row = (name: string, r: { rps: number; p50: number; p99: number; non2xx: number; errors: number }) =>
      `${name.padEnd(30)} ${String(r.rps).padStart(6)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   non-2xx ${r.non2xx}   errors ${r.errors}`;
    console.log(row('submitForm (Lotse)', lotse));
    console.log(row('raw pg INSERT (bare Fastify)', raw));
    console.log(`ratio submitForm: ${(lotse.rps / raw.rps).toFixed(3)}`);
    console.log(
      `CPU ms per request: Lotse ${perRequest(c2.service - c1.service, lotse)} + PostgreSQL ${perRequest(c2.postgres - c1.postgres, lotse)} (export worker included); ` +
        `bare ${perRequest(c1.bare - c0.bare, raw)} + PostgreSQL ${perRequest(c1.postgres - c0.postgres, raw)}`,
    );
    const check = JSON.parse(await gql(SUBMIT, { i: { formId, version: '1.0', data: example }, k: `check-${runId}` })) as { data?: { submitForm?: { __typename: string } } };
    if (check.data?.submitForm?.__typename !== 'SubmissionReceipt') throw new Error(`submitForm failed after the load: ${JSON.stringify(check)}`);
  }

  if (EXPLAIN) {
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    for (const [name, value] of [
      ['session_preload_libraries', 'auto_explain'],
      ['auto_explain.log_min_duration', '0'],
      ['auto_explain.log_analyze', 'on'],
      ['auto_explain.log_buffers', 'on'],
      ['auto_explain.log_timing', 'on'],
      ['auto_explain.log_nested_statements', 'on'],
      ['auto_explain.log_format', 'text'],
      ['log_min_duration_statement', '0'],
    ]) {
      await admin.query(`alter system set ${name} = '${value}'`);
    }
    await admin.query('select pg_reload_conf()');
    // only new sessions load auto_explain, and the pool keeps DB_POOL_MIN connections open: end the service's sessions
    // (it reconnects, see database-outage.spec.ts) so that the submission runs on a new one
    await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'lotse' and datname = current_database()");
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < 3; i++) await gql(SUBMIT, { i: { formId, version: '1.0', data: example }, k: `explain-${runId}-${i}-warm` });
    serviceOutput.length = 0;
    await gql(SUBMIT, { i: { formId, version: '1.0', data: example }, k: `explain-${runId}` });
    await new Promise((r) => setTimeout(r, 500));
    await admin.query('alter system reset all');
    await admin.query('select pg_reload_conf()');
    await admin.end();
    const lines = serviceOutput
      .join('')
      .split('\n')
      .flatMap((line) => {
        try {
          const entry = JSON.parse(line) as { msg?: string; context?: string };
          return entry.context === 'EmbeddedPostgres' && entry.msg ? [entry.msg.replace(/^\[STDERR\]\s*/, '')] : [];
        } catch {
          return [];
        }
      })
      .join('\n')
      .split('\n')
      .filter((l) => !/pgboss|pg_stat_activity/.test(l));
    console.log('\nstatements of one submitForm (auto_explain, EXPLAIN ANALYZE BUFFERS; pg-boss polling left out):');
    console.log(lines.join('\n'));
  }
} finally {
  bare?.kill('SIGTERM');
  service.kill('SIGTERM');
  await new Promise((r) => service.once('exit', r));
  await rm(dataDir, { recursive: true, force: true });
}
if (CPU_PROF) {
  const files = (await readdir(PROFILE_DIR)).filter((f) => f.endsWith('.cpuprofile')).sort();
  const newest = files.at(-1);
  if (newest) {
    console.log(`\nCPU profile ${join(PROFILE_DIR, newest)} (self time % while submitForm was under load):`);
    for (const [name, share] of summarise(join(PROFILE_DIR, newest), loadWindow).slice(0, 30)) console.log(`${String(share).padStart(5)} %  ${name}`);
    console.log('\ninclusive time of functions on the request path (% of the running samples in the same window):');
    for (const [name, share] of inclusive(join(PROFILE_DIR, newest), loadWindow).slice(0, 40)) console.log(`${String(share).padStart(5)} %  ${name}`);
  }
}
