/**
 * `npm run bench`: starts Lotse on a fresh embedded PostgreSQL (its own process) and a bare Fastify baseline,
 * then measures with autocannon, same connections and duration for each pair:
 *   (a) the `services` query (20 nodes) against a bare Fastify route answering the same JSON;
 *   (b) `submitForm` against a raw pg INSERT of the same row behind a bare Fastify route;
 *   (c) a burst of malformed requests, reporting the service's memory before and after;
 *   (d) XÖV export in-process: message building with and without XSD validation against a schema-less XMLBuilder,
 *       and the validation against native `xmllint --schema` validating the same messages (schemas compiled once);
 *   (e) imports in-process: the XDatenfelder pipeline against plain fast-xml-parser, and the refusal of hostile files;
 *   (f) uploads of 1 MB and 10 MB files against raw pg writes of the same bytes, memory during 10 × 20 MB in
 *       parallel, and 200 refused uploads (memory and rows before and after).
 *   (g) the webhook outbox: a backlog of 10,000 events drained by the service against the same receiver hit directly.
 * Prints requests/s, p99 latency and the ratios, and writes bench/results/latest.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { projectRoot } from '../src/common/project-root.js';
import { freePort, reachableTempDir } from '../test/support/postgres.js';
import { exportBench } from './export.js';
import { importBench } from './import.js';
import { uploadBench } from './uploads.js';
import { startReceiver, webhookBench } from './webhooks.js';

const ROOT = projectRoot();
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const SERVICES_QUERY = '{ services(first: 20) { totalCount edges { cursor node { id title teaser area { id name } responsibilityLevel onlineAvailability } } } }';

function start(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return child;
}

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

async function load(url: string, body: string | ((i: number) => string)): Promise<{ rps: number; p99: number; errors: number; non2xx: number }> {
  let i = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (req) => ({ ...req, body: typeof body === 'string' ? body : body(i++) }) }],
  });
  return { rps: Math.round(result.requests.average), p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

function memoryOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

const dataDir = await reachableTempDir('lotse-bench-');
const [port, pgPort, barePort, receiverPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
const receiver = await startReceiver(receiverPort);
const WEBHOOK_CONCURRENCY = 8;
const service = start([join(ROOT, 'dist', 'src', 'main.js')], {
  PORT: String(port),
  LOTSE_DATA_DIR: dataDir,
  LOTSE_EMBEDDED_PG_PORT: String(pgPort),
  LOG_LEVEL: 'warn',
  NODE_ENV: 'production',
  ACCESS_CODE_SECRET: 'bench-secret-bench-secret-bench-secret',
  SUBMIT_RATE_LIMIT_PER_HOUR: '0',
  ATTACHMENT_RATE_LIMIT_PER_HOUR: '0',
  DB_POOL_MAX: '10',
  WEBHOOK_CONCURRENCY: String(WEBHOOK_CONCURRENCY),
  WEBHOOK_ALLOWED_HOSTS: `127.0.0.1:${receiverPort}`,
});
let bare: ChildProcess | undefined;
try {
  const base = `http://127.0.0.1:${port}`;
  await waitFor(`${base}/health/ready`);
  const gql = (query: string, variables?: unknown) =>
    fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) }).then((r) => r.text());
  const servicesBody = await gql(SERVICES_QUERY);
  if (!servicesBody.includes('"edges"')) throw new Error(`services query failed: ${servicesBody.slice(0, 300)}`);
  // a form without attachments (an attachment binds to one submission only); the first example valid today
  const submitQuery = 'mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) { __typename ... on SubmissionReceipt { referenceNumber } } }';
  let submitForm = '';
  let example: unknown;
  for (const [form, file] of [['sperrmuell-anmeldung', 'valid-moebel.json'], ['rufbus-buchung', 'valid-einzelfahrt.json'], ['sperrmuell-anmeldung', 'valid-hof-mit-elektrogeraeten.json']]) {
    const data = JSON.parse(readFileSync(join(ROOT, 'catalog', 'forms', form, 'examples', file), 'utf8')).data;
    if ((await gql(submitQuery, { i: { formId: form, version: '1.0', data }, k: `bench-probe-${form}-${file}` })).includes('SubmissionReceipt')) {
      [submitForm, example] = [form, data];
      break;
    }
  }
  if (!submitForm) throw new Error('no example without attachments validates today');

  const password = readFileSync(join(dataDir, 'postgres.password'), 'utf8').trim();
  const bodyFile = join(dataDir, 'services.json');
  await writeFile(bodyFile, servicesBody);
  bare = start([join(ROOT, 'dist', 'bench', 'bare-server.js'), String(barePort), `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/lotse`, bodyFile], {});
  await waitFor(`http://127.0.0.1:${barePort}/services`, { method: 'POST' });

  console.log(`autocannon: ${CONNECTIONS} connections, ${DURATION} s per run`);
  const servicesBare = await load(`http://127.0.0.1:${barePort}/services`, '{}');
  const servicesLotse = await load(`${base}/graphql`, JSON.stringify({ query: SERVICES_QUERY }));
  const insertBare = await load(`http://127.0.0.1:${barePort}/insert`, JSON.stringify({ data: example }));
  const runId = Date.now().toString(36);
  const submitLotse = await load(`${base}/graphql`, (i) =>
    JSON.stringify({ query: submitQuery, variables: { i: { formId: submitForm, version: '1.0', data: example }, k: `bench-${runId}-${i}` } }),
  );

  const rssBefore = memoryOf(service.pid!);
  const bad = await load(`${base}/graphql`, '{"query": "{ services { totalCount ');
  const rssAfter = memoryOf(service.pid!);
  const xoevExport = await exportBench(ROOT, DURATION / 2);
  const imports = await importBench(DURATION / 2);
  const uploads = await uploadBench(base, `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/lotse`, service.pid!, DURATION / 2);
  const webhookDelivery = await webhookBench(`postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/lotse`, receiver, WEBHOOK_CONCURRENCY, Number(process.env.BENCH_WEBHOOK_EVENTS ?? 10_000));

  const measured = { servicesList: +(servicesLotse.rps / servicesBare.rps).toFixed(3), submitForm: +(submitLotse.rps / insertBare.rps).toFixed(3) };
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    load: { tool: 'autocannon', connections: CONNECTIONS, durationSeconds: DURATION },
    servicesQuery: { lotse: servicesLotse, bareFastify: servicesBare, ratio: measured.servicesList },
    submitForm: { lotse: submitLotse, rawPgInsert: insertBare, ratio: measured.submitForm },
    xoevExport,
    imports,
    uploads,
    webhookDelivery,
    ratios: {
      ...measured,
      xoevValidated: xoevExport.ratioAgainstXmllint,
      webhookDelivery: webhookDelivery.ratio,
    },
    p99ms: { servicesList: servicesLotse.p99, submitForm: submitLotse.p99 },
    xoev: { validatedPerSecond: xoevExport.buildAndValidatePerSecond, xmllintValidatedPerSecond: xoevExport.xmllintValidatedPerSecond },
    malformedRequests: { requests: bad.rps * DURATION, non2xx: bad.non2xx, rssBeforeMiB: +(rssBefore / 2 ** 20).toFixed(1), rssAfterMiB: +(rssAfter / 2 ** 20).toFixed(1) },
  };
  const row = (name: string, r: { rps: number; p99: number }) => `${name.padEnd(34)} ${String(r.rps).padStart(7)} req/s   p99 ${String(r.p99).padStart(4)} ms`;
  console.log(row('services (Lotse GraphQL)', servicesLotse));
  console.log(row('services (bare Fastify, same JSON)', servicesBare));
  console.log(`ratio services: ${results.servicesQuery.ratio}`);
  console.log(row('submitForm (Lotse)', submitLotse));
  console.log(row('raw pg INSERT (bare Fastify)', insertBare));
  console.log(`ratio submitForm: ${results.submitForm.ratio}`);
  console.log(`XÖV export (${xoevExport.form}): build ${xoevExport.buildPerSecond}/s, build + XSD validation ${xoevExport.buildAndValidatePerSecond}/s, XMLBuilder baseline ${xoevExport.xmlBuilderPerSecond}/s`);
  console.log(`ratio export: ${xoevExport.ratioBuild} (build), ${xoevExport.ratioBuildAndValidate} (build + validation)`);
  console.log(
    xoevExport.xmllintValidatedPerSecond === null
      ? 'xmllint not installed (Debian libxml2-utils): no native baseline for validation'
      : `XSD validation vs native xmllint --schema (compiled once): ${xoevExport.buildAndValidatePerSecond}/s vs ${xoevExport.xmllintValidatedPerSecond}/s, ratio ${xoevExport.ratioAgainstXmllint}`,
  );
  console.log(`import (xdf2, ${imports.schemaBytes} bytes): ${imports.importsPerSecond}/s, plain fast-xml-parser ${imports.plainParsesPerSecond}/s, ratio ${imports.ratioImport}`);
  for (const a of imports.attacks) console.log(`  ${a.name.padEnd(42)} ${a.code.padEnd(28)} refused in ${a.refuseMs} ms (plain parse of a harmless file that size: ${a.plainParseMs} ms, ratio ${a.ratio})`);
  console.log(`RSS around the refusals: ${imports.rssBeforeMiB} -> ${imports.rssAfterMiB} MiB`);
  for (const [size, r] of Object.entries(uploads.sizes) as Array<[string, { lotsePerSecond: number; rawPgPerSecond: number; ratio: number }]>) {
    console.log(`uploads ${size}: ${r.lotsePerSecond}/s through POST /attachments, raw pg ${r.rawPgPerSecond}/s, ratio ${r.ratio}`);
  }
  console.log(`10 × 20 MB in parallel: RSS ${uploads.parallel20MB.idleMiB} -> peak ${uploads.parallel20MB.peakMiB} MiB (+${uploads.parallel20MB.aboveIdleMiB} MiB, limit +150)`);
  console.log(`200 refused uploads: all refused ${uploads.refusals.allRefused}, RSS ${uploads.refusals.rssBeforeMiB} -> ${uploads.refusals.rssAfterMiB} MiB, rows ${uploads.refusals.rowsBefore} -> ${uploads.refusals.rowsAfter}`);
  console.log(
    `webhook backlog (${webhookDelivery.events} events, one receiver): drained at ${webhookDelivery.servicePerSecond}/s, the receiver hit directly ${webhookDelivery.directPerSecond}/s, ratio ${webhookDelivery.ratio}`,
  );
  if (webhookDelivery.servicePerSecond < 100) throw new Error(`the webhook backlog drained at ${webhookDelivery.servicePerSecond}/s, below the 100/s target`);
  console.log(`malformed requests: ${results.malformedRequests.requests}, RSS ${results.malformedRequests.rssBeforeMiB} -> ${results.malformedRequests.rssAfterMiB} MiB`);
  if (servicesLotse.non2xx + submitLotse.non2xx + servicesLotse.errors + submitLotse.errors > 0) throw new Error('the service answered with errors under load');
  await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
  await writeFile(join(ROOT, 'bench', 'results', 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  console.log('written: bench/results/latest.json');
} finally {
  bare?.kill('SIGTERM');
  await receiver.close();
  service.kill('SIGTERM');
  await new Promise((r) => service.once('exit', r));
  await rm(dataDir, { recursive: true, force: true });
}
