// Runs once before all tests, outside Jest's module system, so it uses the build from `npm run build`
// (the `pretest` script). It provides a PostgreSQL server (DATABASE_URL, or a fresh embedded cluster) and on it
// a template database with every migration applied; each test file copies the template into its own database.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateUp } from '../../dist/src/database/migrations.js';
import { createBoss } from '../../dist/src/delivery/queue.service.js';
import { replaceDatabase, startThrowawayCluster, withClient } from '../../dist/test/support/postgres.js';

const TEST_DB_SETTINGS = { dbPoolMax: 4, dbConnectTimeoutMs: 2000, dbStatementTimeoutMs: 15000 };

export default async function globalSetup() {
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  let adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    console.log(`\n[lotse] tests use DATABASE_URL (${new URL(adminUrl).host})`);
  } else {
    const cluster = await startThrowawayCluster('postgres');
    globalThis.__LOTSE_CLUSTER__ = cluster;
    adminUrl = cluster.adminUrl;
    console.log(`\n[lotse] tests use a fresh embedded PostgreSQL on port ${cluster.port}`);
  }
  const template = `lotse_test_${runId}`;
  await withClient(adminUrl, (c) => c.query(`create database ${pg.escapeIdentifier(template)}`));
  await migrateUp(replaceDatabase(adminUrl, template), TEST_DB_SETTINGS);
  // the job queue's own tables, installed once into the template (each test database is a copy)
  const boss = createBoss(replaceDatabase(adminUrl, template), { queueSuperviseSeconds: 60 });
  await boss.start();
  await boss.stop({ graceful: false, close: true });
  process.env.LOTSE_TEST_ADMIN_URL = adminUrl;
  process.env.LOTSE_TEST_TEMPLATE_DB = template;
  // nothing in the suite may fall back to the outer DATABASE_URL by accident
  delete process.env.DATABASE_URL;
}
