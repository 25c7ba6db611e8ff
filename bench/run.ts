/**
 * `npm run bench`: one run that says it all. Starts its own embedded PostgreSQL (or uses BENCH_DATABASE_URL, never the
 * caller's DATABASE_URL), Lotse (built, its own process) and a bare Fastify baseline, pins the servers to one core and
 * the load generator (autocannon, its own process) to the other where taskset and two cores exist, and measures, each
 * pair in BENCH_ROUNDS rounds (default 3) with service and baseline back to back, the medians and the median ratio:
 *   catalog       services(first: 20), service(id), services(filter: { query: "Führerschein" }) vs bare Fastify
 *                 answering the same JSON;
 *   submitForm    vs a raw pg INSERT of the same row behind a bare Fastify route;
 *   malformed     a burst of malformed requests, the service's memory before and after;
 *   xoev          XÖV build + validation vs native `xmllint --schema` (in the bench process, see export.ts);
 *   import        the XDatenfelder pipeline and hostile files (in the bench process, see import.ts);
 *   uploads       POST /attachments vs raw pg writes of the same bytes, memory (see uploads.ts);
 *   webhooks      a backlog drained by the service vs the receiver hit directly (see webhooks.ts);
 *   twoInstances  a second instance on the same database (CATALOG_SYNC_ON_START=false): catalog throughput of both
 *                 together, load split evenly, vs one alone;
 *   soak          BENCH_SOAK_S (default 600) of mixed traffic (catalog 80 %, validateSubmission 15 %, submitForm 5 %),
 *                 RSS sampled every 10 s, least-squares slope and whether it is flat within noise (stats.ts).
 * After each section the service's memory is recorded (/proc and, after a forced GC, heap/external/array buffers:
 * memory-probe.ts) in `memory.timeline`. BENCH_ONLY=catalog,soak runs a part (written to bench/results/partial.json);
 * a full run writes bench/results/latest.json and latest.md (the README table; BENCH_WRITE_README=1 puts it into
 * README.md) and fails when a required key is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../src/common/project-root.js';
import { migrateUp } from '../src/database/migrations.js';
import { freePort, reachableTempDir, startThrowawayCluster, type ThrowawayCluster } from '../test/support/postgres.js';
import { exportBench } from './export.js';
import { importBench } from './import.js';
import { failed, runLoad, type LoadResult, type LoadTarget } from './load.js';
import { cpuPlan, machineInfo, nodeCommand, pinProcess, procMemory, projectServiceFlags, smapsBreakdown } from './machine.js';
import {
  missingKeys,
  parseOnly,
  readmeTable,
  replaceBetweenMarkers,
  SECTIONS,
  summarise,
  type BenchParts,
  type PairResult,
  type SoakResult,
  type TwoInstancesResult,
} from './report.js';
import { drainExports } from './measure.js';
import { median, memoryTrend, ratio } from './stats.js';
import { shiftExampleDates } from './example-dates.js';
import { berlinDate } from '../src/catalog/opening-hours.js';
import { uploadBench } from './uploads.js';
import { startReceiver, webhookBench } from './webhooks.js';

const ROOT = projectRoot();
/** The service's Node flags as `npm start` gives them. */
const SERVICE_FLAGS = projectServiceFlags(ROOT);
const DIST_BENCH = join(ROOT, 'dist', 'bench');

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!(value > 0)) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
}

const CONNECTIONS = setting('BENCH_CONNECTIONS', 20);
const DURATION = setting('BENCH_DURATION', 6);
const ROUNDS = Math.round(setting('BENCH_ROUNDS', 3));
const SOAK_S = setting('BENCH_SOAK_S', 600);
const SOAK_SAMPLE_S = 10;
const IDLE_AFTER_SOAK_S = 30;
const WEBHOOK_CONCURRENCY = 8;
const only = parseOnly(process.env.BENCH_ONLY);
const fullRun = only.size === SECTIONS.length;

const SERVICES_QUERY = '{ services(first: 20) { totalCount edges { cursor node { id title teaser area { id name } responsibilityLevel onlineAvailability } } } }';
const SERVICE_QUERY =
  'query($id: ID!) { service(id: $id) { id title teaser description hints deadlines keywords lastReviewed area { id name } formLinks { formId title url } } }';
const SEARCH_QUERY =
  '{ services(first: 20, filter: { query: "Führerschein" }) { totalCount edges { cursor node { id title teaser area { id name } responsibilityLevel onlineAvailability } } } }';
const SUBMIT_QUERY = 'mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) { __typename ... on SubmissionReceipt { referenceNumber } } }';
const VALIDATE_QUERY = 'query($f: ID!, $v: String!, $d: JSON!) { validateSubmission(formId: $f, version: $v, data: $d) { valid truncated errors { field message } } }';

const startedAt = Date.now();
const plan = cpuPlan();
const machine = machineInfo(plan);
console.log(`bench: ${plan.reason}; load average at start ${machine.loadAverageAtStart.one}`);
console.log(`bench: sections ${[...only].join(', ')}; ${CONNECTIONS} connections, ${DURATION} s a run, ${ROUNDS} rounds, soak ${SOAK_S} s; service started with node ${SERVICE_FLAGS.join(' ') || '(no flags)'}`);
pinProcess(plan, process.pid, plan.loadCpus);

const problems: string[] = [];
const children: ChildProcess[] = [];

interface Instance {
  name: string;
  base: string;
  child: ChildProcess;
  pid: number;
  memoryFile: string;
}

function startChild(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const [command, commandArgs] = nodeCommand(plan, plan.serverCpus, args);
  const child = spawn(command, commandArgs, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function waitFor(url: string, child: ChildProcess, init?: RequestInit): Promise<void> {
  for (let i = 0; i < 480; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode} before answering`);
    try {
      if ((await fetch(url, init)).status < 500) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up`);
}

/** The caller's environment without the variables that would point the service elsewhere (DATABASE_URL above all). */
function serviceEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['DATABASE_URL', 'PORT', 'LOTSE_DATA_DIR', 'LOTSE_EMBEDDED_PG_PORT', 'CATALOG_SYNC_ON_START']) delete env[key];
  return { ...env, ...extra };
}

async function startInstance(name: string, databaseUrl: string, dataDir: string, extra: Record<string, string>): Promise<Instance> {
  const port = await freePort();
  const memoryFile = join(dataDir, `${name}.memory.jsonl`);
  const child = startChild(
    [...SERVICE_FLAGS, '--expose-gc', '--import', pathToFileURL(join(DIST_BENCH, 'memory-probe.js')).href, join(ROOT, 'dist', 'src', 'main.js')],
    serviceEnv({
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      LOTSE_DATA_DIR: join(dataDir, name),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      ACCESS_CODE_SECRET: 'bench-secret-bench-secret-bench-secret',
      SUBMIT_RATE_LIMIT_PER_HOUR: '0',
      ATTACHMENT_RATE_LIMIT_PER_HOUR: '0',
      DB_POOL_MAX: '10',
      WEBHOOK_CONCURRENCY: String(WEBHOOK_CONCURRENCY),
      BENCH_MEMORY_FILE: memoryFile,
      ...extra,
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/health/ready`, child);
  return { name, base, child, pid: child.pid!, memoryFile };
}

/** The service's heap, external and array-buffer memory after a forced GC (memory-probe.ts), or null when it does not answer. */
async function heapAfterGc(instance: Instance): Promise<Record<string, unknown> | null> {
  const lines = async () => (existsSync(instance.memoryFile) ? (await readFile(instance.memoryFile, 'utf8')).trim().split('\n').filter(Boolean) : []);
  const before = (await lines()).length;
  process.kill(instance.pid, 'SIGUSR2');
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const now = await lines();
    if (now.length > before) return JSON.parse(now[now.length - 1]) as Record<string, unknown>;
  }
  return null;
}

async function graphql(base: string, query: string, variables?: unknown): Promise<string> {
  const response = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return response.text();
}

const target = (url: string, bodies: string[], connections = CONNECTIONS): LoadTarget => ({ url, connections, bodies });

async function loadOne(t: LoadTarget, seconds = DURATION): Promise<LoadResult> {
  return (await runLoad(plan, DIST_BENCH, { durationSeconds: seconds, targets: [t] }))[0];
}

/**
 * One pair in ROUNDS rounds, service and baseline back to back (the order alternating between rounds so neither
 * always runs on a warmer machine): medians of requests/s and p99, and the median of the per-round ratios.
 */
async function pair(name: string, lotse: LoadTarget, baseline: LoadTarget, settle?: () => Promise<void>): Promise<PairResult> {
  const l: LoadResult[] = [];
  const b: LoadResult[] = [];
  // `settle` runs after each of the service's runs: work its run left behind (the export jobs of the submissions, which
  // the service's worker runs beside the load) must not run during the baseline's run, or the next run of either
  const lotseRun = async () => {
    const result = await loadOne(lotse);
    await settle?.();
    return result;
  };
  for (let round = 0; round < ROUNDS; round++) {
    if (round % 2 === 0) {
      b.push(await loadOne(baseline));
      l.push(await lotseRun());
    } else {
      l.push(await lotseRun());
      b.push(await loadOne(baseline));
    }
    const last = l[l.length - 1];
    if (failed(last)) problems.push(`${name}, round ${round + 1}: the service answered with ${last.errors} errors, ${last.timeouts} timeouts, ${last.non2xx} non-2xx`);
    const lastBase = b[b.length - 1];
    if (failed(lastBase)) problems.push(`${name}, round ${round + 1}: the baseline answered with errors (${JSON.stringify(lastBase)})`);
  }
  const roundRatios = l.map((r, i) => ratio(r.rps, b[i].rps) ?? 0);
  const result: PairResult = {
    name,
    rounds: ROUNDS,
    lotse: { rps: median(l.map((r) => r.rps)), p99: median(l.map((r) => r.p99)) },
    baseline: { rps: median(b.map((r) => r.rps)), p99: median(b.map((r) => r.p99)) },
    ratio: median(roundRatios),
    roundRatios,
  };
  console.log(
    `${name.padEnd(22)} Lotse ${String(result.lotse.rps).padStart(6)} req/s p99 ${String(result.lotse.p99).padStart(4)} ms | baseline ${String(result.baseline.rps).padStart(6)} req/s p99 ${String(result.baseline.p99).padStart(4)} ms | ratio ${result.ratio} (rounds ${roundRatios.join(', ')})`,
  );
  return result;
}

const dataDir = await reachableTempDir('lotse-bench-');
const receiver = await startReceiver(await freePort());
let cluster: ThrowawayCluster | undefined;
const parts: BenchParts = {};
const sections: Record<string, unknown> = {};
const timeline: Array<Record<string, unknown>> = [];
let exitCode = 0;
try {
  // the database: our own embedded cluster unless BENCH_DATABASE_URL names one; never the caller's DATABASE_URL
  let databaseUrl = process.env.BENCH_DATABASE_URL;
  if (databaseUrl) {
    console.log('bench: using BENCH_DATABASE_URL (not pinned)');
  } else {
    cluster = await startThrowawayCluster('lotse');
    databaseUrl = cluster.url;
    const postmaster = Number(readFileSync(join(cluster.dir, 'cluster', 'postmaster.pid'), 'utf8').split('\n')[0]);
    pinProcess(plan, postmaster, plan.serverCpus, true);
  }
  const applied = await migrateUp(databaseUrl, { dbPoolMax: 2, dbConnectTimeoutMs: 10_000, dbStatementTimeoutMs: 120_000 });
  if (applied.length) console.log(`bench: ${applied.length} migration(s) applied`);

  const lotse = await startInstance('a', databaseUrl, dataDir, { WEBHOOK_ALLOWED_HOSTS: `127.0.0.1:${receiver.port}` });
  const mark = async (after: string) => {
    const entry = { after, atSeconds: Math.round((Date.now() - startedAt) / 1000), proc: procMemory(lotse.pid), smaps: smapsBreakdown(lotse.pid), afterGc: await heapAfterGc(lotse) };
    timeline.push(entry);
    console.log(`memory after ${after}: RSS ${entry.proc.rssMiB} MiB (anon ${entry.proc.rssAnonMiB}; ${JSON.stringify(entry.smaps)}), after GC ${JSON.stringify(entry.afterGc)}`);
  };
  await mark('start');
  const base = lotse.base;
  const gqlUrl = `${base}/graphql`;

  // what Lotse answers, for the baselines to answer the same
  const servicesBody = await graphql(base, SERVICES_QUERY);
  if (!servicesBody.includes('"edges"')) throw new Error(`services query failed: ${servicesBody.slice(0, 300)}`);
  const firstId = (JSON.parse(servicesBody) as { data: { services: { edges: Array<{ node: { id: string } }> } } }).data.services.edges[0]?.node.id;
  if (!firstId) throw new Error('the catalog is empty');
  const serviceBody = await graphql(base, SERVICE_QUERY, { id: firstId });
  if (!serviceBody.includes(`"id":"${firstId}"`)) throw new Error(`service(id) failed: ${serviceBody.slice(0, 300)}`);
  const searchBody = await graphql(base, SEARCH_QUERY);
  const found = (JSON.parse(searchBody) as { data?: { services: { totalCount: number } } }).data?.services.totalCount ?? 0;
  if (!(found > 0)) throw new Error(`the search for "Führerschein" found nothing: ${searchBody.slice(0, 300)}`);

  // a form without attachments (an attachment binds to one submission only); the first example valid today, its dates
  // moved from the day it pins to today
  let submitForm = '';
  let example: unknown;
  for (const [form, file] of [['sperrmuell-anmeldung', 'valid-moebel.json'], ['rufbus-buchung', 'valid-einzelfahrt.json'], ['sperrmuell-anmeldung', 'valid-hof-mit-elektrogeraeten.json']]) {
    const pinned = JSON.parse(readFileSync(join(ROOT, 'catalog', 'forms', form, 'examples', file), 'utf8')) as { today?: string; data: unknown };
    const data = pinned.today ? shiftExampleDates(pinned.data, pinned.today, berlinDate(new Date())) : pinned.data;
    if ((await graphql(base, SUBMIT_QUERY, { i: { formId: form, version: '1.0', data }, k: `bench-probe-${form}-${file}-${startedAt}` })).includes('SubmissionReceipt')) {
      [submitForm, example] = [form, data];
      break;
    }
  }
  if (!submitForm) throw new Error('no example without attachments validates today');

  const bodyDir = join(dataDir, 'bodies');
  await mkdir(bodyDir);
  await Promise.all([writeFile(join(bodyDir, 'services.json'), servicesBody), writeFile(join(bodyDir, 'service.json'), serviceBody), writeFile(join(bodyDir, 'search.json'), searchBody)]);
  const barePort = await freePort();
  const bare = startChild([join(DIST_BENCH, 'bare-server.js'), String(barePort), databaseUrl, bodyDir], serviceEnv({}));
  const bareBase = `http://127.0.0.1:${barePort}`;
  await waitFor(`${bareBase}/json/services`, bare, { method: 'POST' });

  const bodies = {
    services: JSON.stringify({ query: SERVICES_QUERY }),
    service: JSON.stringify({ query: SERVICE_QUERY, variables: { id: firstId } }),
    search: JSON.stringify({ query: SEARCH_QUERY }),
    submit: JSON.stringify({ query: SUBMIT_QUERY, variables: { i: { formId: submitForm, version: '1.0', data: example }, k: 'bench-__N__' } }),
    validate: JSON.stringify({ query: VALIDATE_QUERY, variables: { f: submitForm, v: '1.0', d: example } }),
  };

  if (only.has('catalog')) {
    parts.catalog = {
      servicesList: await pair('services(first: 20)', target(gqlUrl, [bodies.services]), target(`${bareBase}/json/services`, ['{}'])),
      serviceById: await pair('service(id)', target(gqlUrl, [bodies.service]), target(`${bareBase}/json/service`, ['{}'])),
      search: await pair('search "Führerschein"', target(gqlUrl, [bodies.search]), target(`${bareBase}/json/search`, ['{}'])),
    };
    await mark('catalog');
  }
  if (only.has('submitForm')) {
    // the receipts are measured with the export worker running in the same process, as it comes; the exports left when
    // a run ends are drained (and timed) before anything else runs
    const drained: number[] = [];
    const settle = async () => {
      drained.push(await drainExports(databaseUrl!, { pollMs: 250, timeoutMs: 600_000 }));
    };
    parts.submitForm = await pair('submitForm', target(gqlUrl, [bodies.submit]), target(`${bareBase}/insert`, [JSON.stringify({ data: example })]), settle);
    console.log(`exports left at the end of each submitForm run drained in ${drained.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}`);
    sections.exportDrainSeconds = drained.map((ms) => +(ms / 1000).toFixed(1));
    parts.sameRows = await pair('receipt rows, raw', target(`${bareBase}/insert-receipt`, [JSON.stringify({ data: example })]), target(`${bareBase}/insert`, [JSON.stringify({ data: example })]));
    await mark('submitForm');
  }
  if (only.has('malformed')) {
    const before = procMemory(lotse.pid);
    const bad = await loadOne(target(gqlUrl, ['{"query": "{ services { totalCount ']));
    const after = procMemory(lotse.pid);
    sections.malformedRequests = { requests: bad.total, non2xx: bad.non2xx, rssBeforeMiB: before.rssMiB, rssAfterMiB: after.rssMiB };
    console.log(`malformed requests: ${bad.total}, RSS ${before.rssMiB} -> ${after.rssMiB} MiB`);
    await mark('malformed');
  }
  if (only.has('xoev')) {
    const xoevExport = await exportBench(ROOT, DURATION / 2);
    parts.xoev = xoevExport;
    sections.xoevExport = xoevExport;
    console.log(`XÖV export (${xoevExport.form}): build ${xoevExport.buildPerSecond}/s, build + XSD validation ${xoevExport.buildAndValidatePerSecond}/s, XMLBuilder ${xoevExport.xmlBuilderPerSecond}/s`);
    console.log(
      xoevExport.xmllintValidatedPerSecond === null
        ? 'xmllint not installed (Debian libxml2-utils): no native baseline for validation'
        : `XSD validation vs native xmllint --schema (compiled once): ${xoevExport.buildAndValidatePerSecond}/s vs ${xoevExport.xmllintValidatedPerSecond}/s, ratio ${xoevExport.ratioAgainstXmllint}`,
    );
  }
  if (only.has('import')) {
    const imports = await importBench(DURATION / 2);
    sections.imports = imports;
    console.log(`import (xdf2, ${imports.schemaBytes} bytes): ${imports.importsPerSecond}/s, plain fast-xml-parser ${imports.plainParsesPerSecond}/s, ratio ${imports.ratioImport}`);
    for (const a of imports.attacks) console.log(`  ${a.name.padEnd(42)} ${a.code.padEnd(28)} refused in ${a.refuseMs} ms (plain parse of that size: ${a.plainParseMs} ms)`);
  }
  if (only.has('uploads')) {
    const uploads = await uploadBench(base, databaseUrl, lotse.pid, DURATION / 2);
    sections.uploads = uploads;
    for (const [size, r] of Object.entries(uploads.sizes) as Array<[string, { lotsePerSecond: number; rawPgPerSecond: number; ratio: number }]>) {
      console.log(`uploads ${size}: ${r.lotsePerSecond}/s through POST /attachments, raw pg ${r.rawPgPerSecond}/s, ratio ${r.ratio}`);
    }
    console.log(`10 × 20 MB in parallel: RSS ${uploads.parallel20MB.idleMiB} -> peak ${uploads.parallel20MB.peakMiB} MiB (+${uploads.parallel20MB.aboveIdleMiB} MiB, limit +150)`);
    console.log(`200 refused uploads: all refused ${uploads.refusals.allRefused}, RSS ${uploads.refusals.rssBeforeMiB} -> ${uploads.refusals.rssAfterMiB} MiB, rows ${uploads.refusals.rowsBefore} -> ${uploads.refusals.rowsAfter}`);
    await mark('uploads');
  }
  if (only.has('webhooks')) {
    const webhookDelivery = await webhookBench(databaseUrl, receiver, WEBHOOK_CONCURRENCY, Number(process.env.BENCH_WEBHOOK_EVENTS ?? 10_000));
    sections.webhookDelivery = webhookDelivery;
    parts.webhooks = webhookDelivery;
    console.log(`webhook backlog (${webhookDelivery.events} events): drained at ${webhookDelivery.servicePerSecond}/s, the receiver hit directly ${webhookDelivery.directPerSecond}/s, ratio ${webhookDelivery.ratio}`);
    if (webhookDelivery.servicePerSecond < 100) problems.push(`the webhook backlog drained at ${webhookDelivery.servicePerSecond}/s, below the 100/s target`);
    await mark('webhooks');
  }
  if (only.has('twoInstances')) {
    const second = await startInstance('b', databaseUrl, dataDir, { CATALOG_SYNC_ON_START: 'false' });
    const probe = await graphql(second.base, SERVICES_QUERY);
    if (!probe.includes('"edges"')) throw new Error(`the second instance does not answer the catalog: ${probe.slice(0, 300)}`);
    const single: LoadResult[] = [];
    const both: Array<[LoadResult, LoadResult]> = [];
    const half = Math.floor(CONNECTIONS / 2);
    for (let round = 0; round < ROUNDS; round++) {
      single.push(await loadOne(target(gqlUrl, [bodies.services])));
      const [a, b] = await runLoad(plan, DIST_BENCH, {
        durationSeconds: DURATION,
        targets: [target(gqlUrl, [bodies.services], half), target(`${second.base}/graphql`, [bodies.services], CONNECTIONS - half)],
      });
      both.push([a, b]);
      for (const r of [single[round], a, b]) if (failed(r)) problems.push(`twoInstances, round ${round + 1}: errors under load (${JSON.stringify(r)})`);
    }
    const roundRatios = both.map(([a, b], i) => ratio(a.rps + b.rps, single[i].rps) ?? 0);
    const result: TwoInstancesResult = {
      rounds: ROUNDS,
      connections: CONNECTIONS,
      catalogRps: median(both.map(([a, b]) => a.rps + b.rps)),
      singleRps: median(single.map((r) => r.rps)),
      ratio: median(roundRatios),
      roundRatios,
      p99: { single: median(single.map((r) => r.p99)), both: median(both.map(([a, b]) => Math.max(a.p99, b.p99))) },
      cpus: plan.serverCpus,
    };
    parts.twoInstances = result;
    console.log(`two instances: ${result.catalogRps} req/s together vs ${result.singleRps} one alone, ratio ${result.ratio} (both on CPU ${plan.serverCpus})`);
    await stopChild(second.child);
    await mark('twoInstances');
  }
  if (only.has('soak')) {
    // 20 requests per connection cycle: 16 catalog (8 list, 5 detail, 3 search), 3 validateSubmission, 1 submitForm
    const cycle = [
      ...Array<string>(8).fill(bodies.services),
      ...Array<string>(5).fill(bodies.service),
      ...Array<string>(3).fill(bodies.search),
      ...Array<string>(3).fill(bodies.validate),
      bodies.submit,
    ];
    const samples: SoakResult['samples'] = [];
    const soakStart = Date.now();
    const sample = () => {
      const m = procMemory(lotse.pid);
      samples.push({ seconds: Math.round((Date.now() - soakStart) / 1000), mib: m.rssMiB, anonMiB: m.rssAnonMiB });
    };
    // the JavaScript heap in use after a forced GC, just before the load and just after it (outside the RSS samples'
    // window): RSS can grow by what V8 and malloc keep (code space, threads' arenas) while the live objects do not
    const heapUsed = async () => {
      const after = await heapAfterGc(lotse);
      return typeof after?.heapUsedMiB === 'number' ? after.heapUsedMiB : null;
    };
    const heapStartMiB = await heapUsed();
    sample();
    const sampler = setInterval(sample, SOAK_SAMPLE_S * 1000);
    let soakLoad: LoadResult;
    try {
      soakLoad = await loadOne(target(gqlUrl, cycle), SOAK_S);
    } finally {
      clearInterval(sampler);
    }
    sample();
    const heapEndMiB = await heapUsed();
    const warmup = Math.min(60, Math.round(SOAK_S * 0.2));
    const soak: SoakResult = {
      seconds: SOAK_S,
      mix: 'catalog 80 %, validateSubmission 15 %, submitForm 5 %',
      rps: soakLoad.rps,
      p99: soakLoad.p99,
      requests: soakLoad.total,
      failures: soakLoad.errors + soakLoad.timeouts + soakLoad.non2xx,
      rssStartMiB: samples[0].mib,
      rssEndMiB: samples[samples.length - 1].mib,
      heapAfterGcMiB: { start: heapStartMiB, end: heapEndMiB },
      trend: memoryTrend(samples, warmup),
      samples,
    };
    if (soak.failures) problems.push(`soak: ${soak.failures} failed requests (${JSON.stringify(soakLoad)})`);
    parts.soak = soak;
    console.log(
      `soak ${SOAK_S} s: ${soak.rps} req/s, p99 ${soak.p99} ms; RSS ${soak.rssStartMiB} -> ${soak.rssEndMiB} MiB; heap after GC ${heapStartMiB} -> ${heapEndMiB} MiB; slope ${soak.trend.slopeMiBPerMin} MiB/min ` +
        `(noise ±${soak.trend.noiseMiBPerMin}, ${soak.trend.samplesUsed} samples after ${warmup} s warm-up): ${soak.trend.verdict}`,
    );
    if (SOAK_S < 300) console.log('soak: shorter than 5 minutes, so the slope mostly sees the ramp after the load starts; the 10-minute default is the test');
    await mark('soak');
    // does the memory come back once the load stops? (V8 gives pooled pages back when the process is quiet)
    await new Promise((r) => setTimeout(r, IDLE_AFTER_SOAK_S * 1000));
    await mark(`${IDLE_AFTER_SOAK_S} s idle after the soak`);
  }
  await stopChild(bare);

  const durationSeconds = Math.round((Date.now() - startedAt) / 1000);
  const summary = summarise(parts);
  const settings = { connections: CONNECTIONS, durationSeconds: DURATION, rounds: ROUNDS, serviceNodeFlags: SERVICE_FLAGS, soakSeconds: only.has('soak') ? SOAK_S : null, sections: [...only], database: cluster ? 'own embedded cluster' : 'BENCH_DATABASE_URL' };
  const results = {
    date: new Date(startedAt).toISOString(),
    benchSeconds: durationSeconds,
    machine,
    settings,
    load: { tool: 'autocannon', connections: CONNECTIONS, durationSeconds: DURATION, process: 'child process', cpus: plan.loadCpus },
    ...summary,
    catalog: parts.catalog,
    submitForm: parts.submitForm,
    ...sections,
    memory: { timeline },
    problems,
  };
  const table = readmeTable(parts, {
    date: results.date.slice(0, 10),
    machine: `${machine.cpus} cores ${machine.cpuModel}, Node ${machine.node}, load average ${machine.loadAverageAtStart.one} at the start, ${plan.reason}`,
    settings: `${CONNECTIONS} connections, ${DURATION} s a run, median of ${ROUNDS} rounds, whole bench ${Math.round(durationSeconds / 60)} min`,
  });
  console.log(`\n${table}\n`);
  await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
  if (fullRun) {
    const missing = missingKeys(results);
    if (missing.length) problems.push(`latest.json lacks ${missing.join(', ')}`);
    await writeFile(join(ROOT, 'bench', 'results', 'latest.json'), JSON.stringify(results, null, 2) + '\n');
    await writeFile(join(ROOT, 'bench', 'results', 'latest.md'), table + '\n');
    if (process.env.BENCH_WRITE_README === '1') {
      const readme = join(ROOT, 'README.md');
      await writeFile(readme, replaceBetweenMarkers(await readFile(readme, 'utf8'), table));
      console.log('README.md: bench table updated');
    }
    console.log('written: bench/results/latest.json, bench/results/latest.md');
  } else {
    await writeFile(join(ROOT, 'bench', 'results', 'partial.json'), JSON.stringify(results, null, 2) + '\n');
    console.log('written: bench/results/partial.json (BENCH_ONLY: latest.json left as it was)');
  }
  console.log(`bench took ${durationSeconds} s`);
  if (problems.length) {
    console.error(`bench: ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`);
    exitCode = 1;
  }
} catch (error) {
  console.error(error);
  exitCode = 1;
} finally {
  await receiver.close();
  for (const child of children.reverse()) await stopChild(child);
  await cluster?.destroy();
  await rm(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
