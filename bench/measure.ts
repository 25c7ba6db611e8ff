/** How often `run` completes per second, run back to back for `seconds`. */
export async function rate(seconds: number, run: () => unknown): Promise<number> {
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  let n = 0;
  while (performance.now() < end) {
    await run();
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}
