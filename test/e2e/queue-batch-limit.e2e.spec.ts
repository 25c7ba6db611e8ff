import type { PgBoss } from 'pg-boss';
import { batchedJobLimit, QueueService } from '../../src/delivery/queue.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { withClient } from '../support/postgres.js';

const QUEUE = 'lotse-test-batch-limit';

/**
 * A batched worker (addWorker with batchSize, as the XÖV export) is background work on the ORM pool the requests use:
 * however many of its jobs are fetched at once, at most batchedJobLimit of them run at a time in one process (a quarter
 * of DB_POOL_MAX, 2 by default), so that requests always find a pooled connection.
 */
describe('job queue: a batched worker runs at most batchedJobLimit jobs at once', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { WORKER_ENABLED: 'true' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('is a quarter of the pool, at least one and at most WEBHOOK_CONCURRENCY', () => {
    expect(batchedJobLimit({ dbPoolMax: 10, webhookConcurrency: 8 })).toBe(2);
    expect(batchedJobLimit({ dbPoolMax: 3, webhookConcurrency: 8 })).toBe(1);
    expect(batchedJobLimit({ dbPoolMax: 40, webhookConcurrency: 8 })).toBe(8);
    expect(batchedJobLimit({ dbPoolMax: 10, webhookConcurrency: 1 })).toBe(1);
  });

  it('fetches several jobs at once but never runs more than the limit side by side', async () => {
    const limit = batchedJobLimit(t.config);
    expect(limit).toBe(2); // the test configuration's defaults: DB_POOL_MAX 10, WEBHOOK_CONCURRENCY 8
    const queue = t.app.get(QueueService);
    const boss = (queue as unknown as { boss: PgBoss }).boss;
    await boss.createQueue(QUEUE, { retryLimit: 0 });
    const jobs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    for (const n of jobs) await queue.enqueue(QUEUE, { n });
    let inFlight = 0;
    let most = 0;
    const runs: number[] = [];
    await queue.addWorker<{ n: number }>(
      QUEUE,
      async ({ n }) => {
        inFlight++;
        most = Math.max(most, inFlight);
        runs.push(n);
        try {
          await new Promise((r) => setTimeout(r, 50));
        } finally {
          inFlight--;
        }
      },
      { batchSize: 4 },
    );
    const states = async () =>
      (await withClient(t.databaseUrl, (c) => c.query<{ state: string; started: string }>(`select state, started_on::text as started from pgboss.job where name = $1`, [QUEUE]))).rows;
    for (let i = 0; i < 300; i++) {
      if ((await states()).every((r) => r.state === 'completed')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const rows = await states();
    expect(rows.map((r) => r.state)).toEqual(jobs.map(() => 'completed'));
    expect([...runs].sort((a, b) => a - b)).toEqual(jobs);
    expect(most).toBeGreaterThanOrEqual(1);
    expect(most).toBeLessThanOrEqual(limit);
    // still fetched together: one fetch statement starts its jobs at the same transaction time
    const started = new Map<string, number>();
    for (const r of rows) started.set(r.started, (started.get(r.started) ?? 0) + 1);
    expect(Math.max(...started.values())).toBeGreaterThan(1);
    await boss.offWork(QUEUE);
  });
});
