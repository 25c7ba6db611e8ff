/**
 * Loaded into the service child by the bench only (`node --expose-gc --import …/memory-probe.js`), never in
 * production: on SIGUSR2 it runs a full garbage collection and appends `process.memoryUsage()` as one JSON line to
 * BENCH_MEMORY_FILE. The bench asks at each section's end, so it can tell a growing heap (live objects) from memory
 * outside it (external, array buffers, WebAssembly, malloc) in the RSS it reads from /proc.
 */
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_MEMORY_FILE;
// the project compiles without the DOM typings, which declare WebAssembly: the little used here, typed by hand
interface WasmMemory {
  buffer: ArrayBuffer;
}
interface WasmInstance {
  exports: Record<string, unknown>;
}
interface WasmApi {
  Memory: abstract new (...args: never[]) => WasmMemory;
  Instance: abstract new (...args: never[]) => WasmInstance;
  instantiate: (...args: unknown[]) => Promise<unknown>;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
/** WebAssembly memories of the process (libxml2-wasm's above all): not part of the heap, external or array buffers. */
const wasmMemories: WasmMemory[] = [];

function remember(instance: WasmInstance): void {
  for (const value of Object.values(instance.exports)) if (value instanceof wasm.Memory) wasmMemories.push(value);
}

if (file) {
  const instantiate = wasm.instantiate.bind(wasm);
  // every module instantiated after this preload: note its exported memory
  wasm.instantiate = async (...args: unknown[]) => {
    const result = await instantiate(...args);
    remember(result instanceof wasm.Instance ? result : (result as { instance: WasmInstance }).instance);
    return result;
  };
  process.on('SIGUSR2', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const m = process.memoryUsage();
    const mib = (n: number) => +(n / 2 ** 20).toFixed(1);
    appendFileSync(
      file,
      JSON.stringify({ at: Date.now(), gc: Boolean(gc), rssMiB: mib(m.rss), heapTotalMiB: mib(m.heapTotal), heapUsedMiB: mib(m.heapUsed), externalMiB: mib(m.external), arrayBuffersMiB: mib(m.arrayBuffers), wasmMiB: mib(wasmMemories.reduce((sum, w) => sum + w.buffer.byteLength, 0)) }) + '\n',
    );
  });
}
