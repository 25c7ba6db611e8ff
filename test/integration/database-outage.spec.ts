import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/database/embedded-postgres.js';
import { migrateUp } from '../../src/database/migrations.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startThrowawayCluster, withClient, type ThrowawayCluster } from '../support/postgres.js';

const SETTINGS = { dbPoolMax: 4, dbConnectTimeoutMs: 1000, dbStatementTimeoutMs: 5000 };

async function apiInfo(t: TestApp) {
  return t.gql<{ apiInfo: { instanceId: string } }>('{ apiInfo { instanceId } }');
}

async function eventually<T>(fn: () => Promise<T>, ok: (value: T) => boolean, attempts = 60): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < attempts; i++) {
    last = await fn();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  return last as T;
}

/**
 * The service must outlive its database: while PostgreSQL is gone, requests fail fast with
 * SERVICE_UNAVAILABLE; when it is back, they succeed again, in the same process.
 * Runs on a cluster of its own, because it stops and starts the server.
 */
describe('database outage', () => {
  let cluster: ThrowawayCluster;
  let restarted: EmbeddedDatabase | undefined;
  let t: TestApp;
  let instanceId: string;

  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    await migrateUp(cluster.url, SETTINGS);
    t = await startTestApp({ databaseUrl: cluster.url, env: { DB_CONNECT_TIMEOUT_MS: '1000' } });
    const res = await apiInfo(t);
    instanceId = res.body.data!.apiInfo.instanceId;
  });

  afterAll(async () => {
    await t?.close();
    await restarted?.stop();
    await cluster?.destroy();
  });

  it('survives pg_terminate_backend of every connection', async () => {
    // fill the pool with several connections first
    await Promise.all(Array.from({ length: 6 }, () => apiInfo(t)));
    const killed = await withClient(cluster.adminUrl, (c) =>
      c.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = 'lotse' and pid <> pg_backend_pid()"),
    );
    expect(killed.rowCount).toBeGreaterThan(0);
    const after = await eventually(() => apiInfo(t), (r) => r.body.data?.apiInfo.instanceId === instanceId, 8);
    expect(after.body.data?.apiInfo.instanceId).toBe(instanceId);
    const again = await Promise.all(Array.from({ length: 6 }, () => apiInfo(t)));
    for (const r of again) expect(r.body.errors).toBeUndefined();
  });

  it('fails fast with SERVICE_UNAVAILABLE while PostgreSQL is down, and recovers after its restart', async () => {
    await cluster.stop();

    const during = await apiInfo(t);
    expect(during.status).toBe(200);
    expect(during.body.data).toBeNull();
    expect(during.body.errors?.[0].extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(during.body.errors?.[0].message).toContain('vorübergehend nicht erreichbar');
    expect(JSON.stringify(during.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);

    const ready = await fetch(`${t.baseUrl}/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { status: string }).status).toBe('error');
    expect((await fetch(`${t.baseUrl}/health/live`)).status).toBe(200);

    restarted = await startEmbeddedPostgres({
      clusterDir: join(cluster.dir, 'cluster'),
      port: cluster.port,
      database: 'lotse',
      persistent: true,
    });

    const recovered = await eventually(() => apiInfo(t), (r) => r.body.data?.apiInfo.instanceId === instanceId);
    expect(recovered.body.errors).toBeUndefined();
    expect(recovered.body.data?.apiInfo.instanceId).toBe(instanceId);
    expect((await fetch(`${t.baseUrl}/health/ready`)).status).toBe(200);
  });
});
