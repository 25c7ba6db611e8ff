import pg from 'pg';

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

/** Export jobs waiting or running (pg-boss's queue of the XÖV export). */
export async function pendingExportJobs(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from pgboss.job where name = 'lotse-export' and state in ('created', 'retry', 'active')`);
  return rows[0].n;
}

/** Waits until no export job is waiting or running, looking every `pollMs`; returns how long that took (ms). */
export async function drainExports(databaseUrl: string, { pollMs, timeoutMs }: { pollMs: number; timeoutMs: number }): Promise<number> {
  const started = Date.now();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    while (Date.now() - started < timeoutMs) {
      if ((await pendingExportJobs(client)) === 0) return Date.now() - started;
      await new Promise((r) => setTimeout(r, pollMs));
    }
    throw new Error(`the export jobs did not drain within ${timeoutMs / 1000} s`);
  } finally {
    await client.end();
  }
}
