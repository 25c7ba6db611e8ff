import type { PgBoss } from 'pg-boss';
import { QueueService } from '../../src/delivery/queue.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { withClient } from '../support/postgres.js';

const QUEUE = 'lotse-test-batch';

/**
 * A worker that fetches several jobs at once (addWorker with batchSize, as the XÖV export does) still settles each
 * job on its own: one that fails is retried (and given up after its retries) while the others of its batch complete.
 */
describe('job queue: a batched worker settles each job on its own', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { WORKER_ENABLED: 'true' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('completes the jobs that succeed and retries, then fails, the one that throws, with its own error', async () => {
    const queue = t.app.get(QueueService);
    const boss = (queue as unknown as { boss: PgBoss }).boss;
    // one retry, at once: the failing job runs twice, the others once
    await boss.createQueue(QUEUE, { retryLimit: 1, retryDelay: 0 });
    for (const n of [1, 2, 3, 4, 5, 6]) await queue.enqueue(QUEUE, { n });
    const runs: number[] = [];
    await queue.addWorker<{ n: number }>(
      QUEUE,
      async ({ n }) => {
        runs.push(n);
        await new Promise((r) => setTimeout(r, 50));
        if (n === 3) throw new Error(`Auftrag ${n} schlägt fehl`);
      },
      { batchSize: 4 },
    );
    const states = async () =>
      (await withClient(t.databaseUrl, (c) => c.query<{ n: number; state: string; retry_count: number; output: { message?: string } | null; started: string }>(
        `select (data->>'n')::int as n, state, retry_count, output, started_on::text as started from pgboss.job where name = $1 order by 1`,
        [QUEUE],
      ))).rows;
    for (let i = 0; i < 200; i++) {
      const rows = await states();
      if (rows.every((r) => r.state === 'completed' || r.state === 'failed')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const rows = await states();
    expect(rows.map((r) => [r.n, r.state])).toEqual([
      [1, 'completed'],
      [2, 'completed'],
      [3, 'failed'],
      [4, 'completed'],
      [5, 'completed'],
      [6, 'completed'],
    ]);
    const failed = rows.find((r) => r.n === 3)!;
    expect(failed.retry_count).toBe(1);
    expect(failed.output?.message).toBe('Auftrag 3 schlägt fehl');
    expect(runs.filter((n) => n === 3)).toHaveLength(2);
    expect(runs.filter((n) => n !== 3).sort()).toEqual([1, 2, 4, 5, 6]);
    // fetched together: one fetch statement starts its jobs at the same transaction time
    const started = new Map<string, number>();
    for (const r of rows) started.set(r.started, (started.get(r.started) ?? 0) + 1);
    expect(Math.max(...started.values())).toBeGreaterThan(1);
    await boss.offWork(QUEUE);
  });
});
