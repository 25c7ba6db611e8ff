/**
 * Where the bench runs: the machine it reports, and the CPU plan. With `taskset` (util-linux) and at least two
 * usable cores, the servers (Lotse, the bare Fastify baseline, PostgreSQL) get all cores but the last and the load
 * generator (and the bench process itself, which measures the in-process sections) the last one; otherwise nothing
 * is pinned and the run says so. BENCH_PIN=0 switches pinning off.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

export interface CpuPlan {
  pinned: boolean;
  /** Why it is (not) pinned, printed at the start and kept in latest.json. */
  reason: string;
  /** taskset CPU lists, e.g. "0" and "1". */
  serverCpus: string;
  loadCpus: string;
}

/** "0-2,4" → [0, 1, 2, 4]. */
export function parseCpuList(list: string): number[] {
  return list
    .trim()
    .split(',')
    .filter(Boolean)
    .flatMap((part) => {
      const [a, b] = part.split('-').map(Number);
      return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
    });
}

export function cpuPlan(): CpuPlan {
  const allowed = parseCpuList(/Cpus_allowed_list:\s*(\S+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0');
  const none = (reason: string): CpuPlan => ({ pinned: false, reason, serverCpus: allowed.join(','), loadCpus: allowed.join(',') });
  if (process.env.BENCH_PIN === '0') return none('not pinned (BENCH_PIN=0)');
  if (spawnSync('taskset', ['--version']).status !== 0) return none('not pinned: taskset (util-linux) not found');
  if (allowed.length < 2) return none(`not pinned: only ${allowed.length} usable core`);
  const load = allowed[allowed.length - 1];
  const server = allowed.slice(0, -1);
  return {
    pinned: true,
    reason: `pinned with taskset: servers and PostgreSQL on CPU ${server.join(',')}, load generator and bench process on CPU ${load}`,
    serverCpus: server.join(','),
    loadCpus: String(load),
  };
}

/**
 * The Node flags the service runs with, read from package.json's `start:prod` (`npm start` runs the same after
 * building, see machine.spec.ts): the bench measures the service as it is started.
 */
export function serviceNodeFlags(scripts: Record<string, string>): string[] {
  const match = /(?:^|&&\s*)node((?:\s+--\S+)*)\s+dist\/src\/main\.js\s*$/.exec(scripts['start:prod'] ?? '');
  if (!match) throw new Error('package.json: start:prod does not run `node [flags] dist/src/main.js`');
  return match[1].split(/\s+/).filter(Boolean);
}

/** {@link serviceNodeFlags} of the project's package.json. */
export function projectServiceFlags(root: string): string[] {
  return serviceNodeFlags((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
}

/** The command and arguments that run `node args…` on `cpus` (plain node when not pinned). */
export function nodeCommand(plan: CpuPlan, cpusList: string, args: string[]): [string, string[]] {
  return plan.pinned ? ['taskset', ['-c', cpusList, process.execPath, ...args]] : [process.execPath, args];
}

/** Pins a running process with all its threads (and, with `withChildren`, its child processes) to `cpusList`. */
export function pinProcess(plan: CpuPlan, pid: number, cpusList: string, withChildren = false): void {
  if (!plan.pinned) return;
  const pids = withChildren ? [pid, ...childrenOf(pid)] : [pid];
  for (const p of pids) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', cpusList, String(p)], { stdio: 'ignore' });
    } catch {
      // the process ended in between
    }
  }
}

function childrenOf(parent: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may contain spaces and parentheses
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) found.push(Number(entry));
    } catch {
      // gone
    }
  }
  return found;
}

export function machineInfo(plan: CpuPlan) {
  const [one, five, fifteen] = loadavg();
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: { one: +one.toFixed(2), five: +five.toFixed(2), fifteen: +fifteen.toFixed(2) },
    pinned: plan.pinned,
    pinning: plan.reason,
  };
}

/** Memory of a process from /proc/PID/status, MiB (RSS split into anonymous and file-backed). */
export function procMemory(pid: number): { rssMiB: number; rssAnonMiB: number; rssFileMiB: number; hwmMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  const mib = (k: number) => +(k / 1024).toFixed(1);
  return { rssMiB: mib(kib('VmRSS')), rssAnonMiB: mib(kib('RssAnon')), rssFileMiB: mib(kib('RssFile')), hwmMiB: mib(kib('VmHWM')) };
}

/**
 * Where a process's anonymous memory sits, from /proc/PID/smaps (MiB resident): in 256 KiB mappings (V8 heap pages,
 * including pages V8 has freed but keeps pooled, which `heapTotal` no longer counts), in the brk heap (malloc's main
 * arena), in other anonymous mappings (WebAssembly memory, thread arenas, stacks).
 */
export function smapsBreakdown(pid: number): { v8PagesMiB: number; mallocHeapMiB: number; otherAnonMiB: number } {
  return parseSmaps(readFileSync(`/proc/${pid}/smaps`, 'utf8'));
}

export function parseSmaps(text: string): { v8PagesMiB: number; mallocHeapMiB: number; otherAnonMiB: number } {
  let v8 = 0;
  let brk = 0;
  let other = 0;
  let sizeKiB = 0;
  let path = '';
  for (const line of text.split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      sizeKiB = (parseInt(header[2], 16) - parseInt(header[1], 16)) / 1024;
      path = header[3];
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (!rss) continue;
    const kib = Number(rss[1]);
    if (path === '[heap]') brk += kib;
    else if (path === '' && sizeKiB === 256) v8 += kib;
    else if (path === '') other += kib;
  }
  const mib = (k: number) => +(k / 1024).toFixed(1);
  return { v8PagesMiB: mib(v8), mallocHeapMiB: mib(brk), otherAnonMiB: mib(other) };
}
