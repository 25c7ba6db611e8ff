import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { nodeCommand, type CpuPlan } from './machine.js';

export interface LoadTarget {
  url: string;
  connections: number;
  /** Request bodies (POST, JSON), sent in this order by every connection, round and round; __N__ becomes a unique number. */
  bodies: string[];
  headers?: Record<string, string>;
}

export interface LoadSpec {
  durationSeconds: number;
  targets: LoadTarget[];
}

export interface LoadResult {
  rps: number;
  p99: number;
  total: number;
  errors: number;
  timeouts: number;
  non2xx: number;
}

/** Runs autocannon in a child process on the load generator's CPU (see load-worker.ts); one result per target. */
export function runLoad(plan: CpuPlan, distBench: string, spec: LoadSpec): Promise<LoadResult[]> {
  const [command, args] = nodeCommand(plan, plan.loadCpus, [join(distBench, 'load-worker.js'), JSON.stringify(spec)]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as LoadResult[]);
      } catch (error) {
        reject(new Error(`load generator printed no result: ${out.slice(0, 300)}`, { cause: error }));
      }
    });
  });
}

/** Whether a load run saw failures (transport errors, timeouts or non-2xx answers). */
export const failed = (r: LoadResult) => r.errors + r.timeouts + r.non2xx > 0;
