// Deletes the embedded cluster of this run, or drops every database the run created on DATABASE_URL.
import pg from 'pg';
import { withClient } from '../../dist/test/support/postgres.js';

export default async function globalTeardown() {
  const cluster = globalThis.__LOTSE_CLUSTER__;
  if (cluster) {
    await cluster.destroy();
    return;
  }
  const adminUrl = process.env.LOTSE_TEST_ADMIN_URL;
  const template = process.env.LOTSE_TEST_TEMPLATE_DB;
  if (!adminUrl || !template) return;
  await withClient(adminUrl, async (client) => {
    const { rows } = await client.query('select datname from pg_database where datname like $1', [`${template}%`]);
    for (const { datname } of rows) {
      await client.query(`drop database if exists ${pg.escapeIdentifier(datname)} with (force)`);
    }
  });
}
