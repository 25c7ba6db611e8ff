import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../../src/common/project-root.js';
import { sampleFile } from '../../src/attachments/sample-files.js';
import { upload } from '../support/uploads.js';

const SCHULBESCHEINIGUNG = sampleFile('application/pdf', 4000, { text: 'Schulbescheinigung' });

/**
 * The form data with a Schulbescheinigung uploaded for it just now (an attachment binds to one submission only), or
 * undefined when the service does not take the upload (not up, shutting down).
 */
export async function withFreshUpload(baseUrl: string, data: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
  try {
    const res = await upload(baseUrl, { formId: 'schuelerbefoerderung-antrag', version: '1.0', field: '/schulbescheinigung' }, { name: 'schulbescheinigung.pdf', type: 'application/pdf', data: SCHULBESCHEINIGUNG });
    if (res.status !== 201) return undefined;
    const { sha256: _hash, ...reference } = res.body;
    return { ...data, schulbescheinigung: reference };
  } catch {
    return undefined; // connection refused or reset: the service is down or going down
  }
}

/** The built service (`node dist/src/main.js`) in a process group of its own, with its embedded PostgreSQL. */
export interface Service {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startService(env: Record<string, string>): Service {
  const child = spawn(process.execPath, [join(projectRoot(), 'dist', 'src', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: a SIGKILL to the group takes PostgreSQL with it, as in a crash of the host
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exited };
}

export async function waitUntilReady(baseUrl: string, service: Service, seconds = 90): Promise<void> {
  for (let i = 0; i < seconds * 4; i++) {
    if (service.child.exitCode !== null || service.child.signalCode !== null) throw new Error(`the service exited while starting:\n${service.output()}`);
    try {
      if ((await fetch(`${baseUrl}/health/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the service did not become ready:\n${service.output()}`);
}

/** Kills the whole process group (node and its PostgreSQL) at once. */
export function killGroup(service: Service): void {
  process.kill(-service.child.pid!, 'SIGKILL');
}

/** Processes (not zombies) whose working directory is the cluster folder: a running PostgreSQL of it. */
export async function postgresOf(clusterDir: string): Promise<number[]> {
  const dir = await realpath(clusterDir);
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if ((await readlink(`/proc/${entry}/cwd`).catch(() => '')) !== dir) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (stat && !/^\S+ \(.*\) [ZX]/s.test(stat)) found.push(Number(entry));
  }
  return found;
}

export function databaseUrl(dataDir: string, port: number): string {
  const password = readFileSync(join(dataDir, 'postgres.password'), 'utf8').trim();
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/lotse`;
}

/** A request, with network failures as a value (the service may be gone). */
export async function gql<T = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: { data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } } | { failed: string }> {
  try {
    const res = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, body: (await res.json()) as never };
  } catch (error) {
    return { failed: String((error as Error).message ?? error) };
  }
}

/**
 * `workers` submitters, each submitting again and again until `stop()`; every acknowledged receipt (a reference
 * number in a 200 answer) is recorded with the name it carried.
 */
export function submitters(baseUrl: string, workers: number, data: Record<string, unknown>) {
  const acknowledged = new Map<string, string>();
  let running = true;
  let sent = 0;
  const query = 'mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) { __typename ... on SubmissionReceipt { referenceNumber } } }';
  const loops = Array.from({ length: workers }, async (_, w) => {
    while (running) {
      const key = `fault-${process.pid}-${w}-${++sent}-${Date.now()}`;
      const withFile = await withFreshUpload(baseUrl, data);
      if (!withFile) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const res = await gql<{ submitForm: { referenceNumber?: string } }>(baseUrl, query, {
        i: { formId: 'schuelerbefoerderung-antrag', version: '1.0', data: withFile },
        k: key,
      });
      const reference = 'body' in res ? res.body.data?.submitForm?.referenceNumber : undefined;
      if (reference) acknowledged.set(reference, key);
      else await new Promise((r) => setTimeout(r, 50));
    }
  });
  return {
    acknowledged,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}
