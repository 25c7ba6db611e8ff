/**
 * Runs `task` every `ms` milliseconds in the background: the timer does not keep the process alive, and a failed run
 * goes to `onError` while the next run still comes. Returns the function that stops it.
 */
export function every(ms: number, task: () => Promise<unknown>, onError: (error: Error) => void): () => void {
  const timer = setInterval(() => void task().catch((error: unknown) => onError(error as Error)), ms);
  timer.unref();
  return () => clearInterval(timer);
}
