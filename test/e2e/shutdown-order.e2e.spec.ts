import { EntityManager } from '@mikro-orm/postgresql';
import type { PgBoss } from 'pg-boss';
import { QueueService } from '../../src/delivery/queue.service.js';
import { startTestApp, type TestApp } from '../support/app.js';

const QUEUE = 'lotse-test-shutdown-order';

/**
 * A job that is running when the service shuts down finishes with the database still there: the queue's workers
 * stop (within the deadline) before the ORM ends its pool. The job below asks the pool for a second connection
 * after the shutdown has begun, which fails once the pool is ending; and a close that waited on the pool while the
 * job still ran was the kind of hang seen in test teardowns under load.
 */
describe('shutdown order: job workers stop before the database pool closes', () => {
  let t: TestApp | undefined;
  afterAll(async () => {
    await t?.close().catch(() => undefined);
  });

  it('lets a job in flight use the database until it is done, then closes', async () => {
    t = await startTestApp({ env: { SHUTDOWN_TIMEOUT_MS: '10000' } });
    const app = t.app;
    const queue = app.get(QueueService);
    const em = app.get(EntityManager);
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let outcome: string | undefined;
    // a queue of the test's own (the service creates only its own queues)
    await (queue as unknown as { boss: PgBoss }).boss.createQueue(QUEUE);
    await queue.addWorker<{ n: number }>(QUEUE, async ({ n }) => {
      started();
      // the shutdown begins while this job waits
      await new Promise((r) => setTimeout(r, 1500));
      try {
        const [row] = await em.fork().getConnection().execute<Array<{ v: number }>>('select ?::int + 1 as v', [n]);
        outcome = `done ${row.v}`;
      } catch (error) {
        outcome = `failed: ${(error as Error).message}`;
      }
    });
    await queue.enqueue(QUEUE, { n: 41 });
    await running;
    const closing = t.close();
    t = undefined;
    await closing;
    expect(outcome).toBe('done 42');
  });

  it('does not let a job that never finishes hold the shutdown past its deadline', async () => {
    // SHUTDOWN_TIMEOUT_MS 3000: the queue gives its workers 1 s, then stops without them (the job expires and runs again)
    const app = (t = await startTestApp({ env: { SHUTDOWN_TIMEOUT_MS: '3000' } })).app;
    const queue = app.get(QueueService);
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    await (queue as unknown as { boss: PgBoss }).boss.createQueue(`${QUEUE}-stuck`);
    await queue.addWorker(`${QUEUE}-stuck`, async () => {
      started();
      await stuck;
    });
    await queue.enqueue(`${QUEUE}-stuck`, {});
    await running;
    try {
      const closing = t.close();
      t = undefined;
      // without the deadline, pg-boss waits for the busy worker for ever and this never settles (the test times out)
      await closing;
      expect(queue.activeJobs()).toBe(1);
    } finally {
      release();
    }
  }, 30_000);
});
