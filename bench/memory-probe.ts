/**
 * Loaded into the service child by the bench only (`node --expose-gc --import …/memory-probe.js`), never in
 * production: on SIGUSR2 it runs a full garbage collection and appends `process.memoryUsage()` as one JSON line to
 * BENCH_MEMORY_FILE. The bench asks at each section's end, so it can tell a growing heap (live objects) from memory
 * outside it (external, array buffers, WebAssembly, malloc) in the RSS it reads from /proc.
 */
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_MEMORY_FILE;
if (file) {
  process.on('SIGUSR2', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const m = process.memoryUsage();
    const mib = (n: number) => +(n / 2 ** 20).toFixed(1);
    appendFileSync(
      file,
      JSON.stringify({ at: Date.now(), gc: Boolean(gc), rssMiB: mib(m.rss), heapTotalMiB: mib(m.heapTotal), heapUsedMiB: mib(m.heapUsed), externalMiB: mib(m.external), arrayBuffersMiB: mib(m.arrayBuffers) }) + '\n',
    );
  });
}
