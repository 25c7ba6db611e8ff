import { performance } from 'node:perf_hooks';

/** Keeps the event loop busy for `ms`, as a long synchronous computation (a schema compile on a starved CPU) does. */
export function stall(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy
  }
}
