import { EntityManager } from '@mikro-orm/postgresql';
import { sql } from 'kysely';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { executePrepared, preparedTransaction } from '../../src/database/prepared-statements.js';
import { XoevService } from '../../src/xoev/xoev.service.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { CatalogCopy } from '../support/catalog-copy.js';
import { withClient } from '../support/postgres.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SUBMIT = `mutation($i: SubmitFormInput!, $k: String!) { submitForm(input: $i, idempotencyKey: $k) { ... on SubmissionReceipt { referenceNumber } } }`;
const VALID = { name: 'Store Stefanie', gemeinde: '03453004', personen: [{ vorname: 'Ä', einkommen: '0.50' }], zahlungsart: 'BAR', bestaetigt: true };

/** The export's store transaction (a plain transaction on a pooled connection, no forked EntityManager). */
describe('XÖV export: storing the message', () => {
  let t: TestApp;
  let copy: CatalogCopy;
  let key = 0;
  const submit = async () => {
    const res = await t.gql<Json>(SUBMIT, { i: { formId: 'testantrag', version: '1.0', data: VALID }, k: `xoev-store-${Date.now()}-${++key}` });
    expect(res.body.errors).toBeUndefined();
    const reference = res.body.data!.submitForm.referenceNumber as string;
    const [{ id }] = (await withClient(t.databaseUrl, (c) => c.query('select id from submission where reference_number = $1', [reference]))).rows;
    return id as string;
  };

  beforeAll(async () => {
    copy = await CatalogCopy.of();
    // no export worker: the test runs the export itself
    t = await startTestApp({ env: { WORKER_ENABLED: 'false', SUBMIT_RATE_LIMIT_PER_HOUR: '1000' } });
    await t.app.get(CatalogSyncService).sync(copy.dir);
    await withClient(t.databaseUrl, (c) => c.query('create table prepared_tx_probe (n int not null)'));
  });
  afterAll(async () => {
    await withClient(t.databaseUrl, (c) => c.query('drop table if exists prepared_tx_probe'));
    await t.close();
    await copy.destroy();
  });

  it('runs the statements of preparedTransaction in one transaction, committed when the work returns and rolled back when it throws', async () => {
    const em = t.app.get(EntityManager);
    const seen = await preparedTransaction(em, async (trx) => {
      const [first] = await executePrepared<{ pid: number; xact: string }>(em, 'select pg_backend_pid() as pid, pg_current_xact_id()::text as xact', [], trx);
      await executePrepared(em, 'insert into prepared_tx_probe (n) values (?)', [1], trx);
      const [second] = await executePrepared<{ pid: number; xact: string }>(em, 'select pg_backend_pid() as pid, pg_current_xact_id()::text as xact', [], trx);
      // not yet visible to another connection
      const outside = await withClient(t.databaseUrl, (c) => c.query('select count(*)::int as n from prepared_tx_probe'));
      const inside = await sql<{ in_block: boolean }>`select now() = statement_timestamp() as in_block`.execute(trx);
      return { first, second, outside: outside.rows[0].n as number, inBlock: inside.rows[0].in_block };
    });
    expect(seen.second).toEqual(seen.first);
    expect(seen.outside).toBe(0);
    // now() is the transaction's start: inside a transaction block it differs from the statement's time
    expect(seen.inBlock).toBe(false);
    const committed = await withClient(t.databaseUrl, (c) => c.query('select n from prepared_tx_probe'));
    expect(committed.rows).toEqual([{ n: 1 }]);

    await expect(
      preparedTransaction(em, async (trx) => {
        await executePrepared(em, 'insert into prepared_tx_probe (n) values (?)', [2], trx);
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    const after = await withClient(t.databaseUrl, (c) => c.query('select n from prepared_tx_probe order by n'));
    expect(after.rows).toEqual([{ n: 1 }]);
  });

  it('waits for a change of the case that holds its row and sees it: a case erased meanwhile gets no stored message', async () => {
    const id = await submit();
    const xoev = t.app.get(XoevService);
    await withClient(t.databaseUrl, async (c) => {
      await c.query('begin');
      await c.query('select 1 from submission where id = $1 for update', [id]);
      await c.query(
        `insert into deletion_record (id, created_at, updated_at, submission_id, reference_number, organisation_id, service_id, status, submitted_at, deleted_at, reason, deleted_sha256, counts)
         select gen_random_uuid(), now(), now(), id, reference_number, organisation_id, service_id, status, submitted_at, now(), 'test', sha256, '{}'::jsonb from submission where id = $1`,
        [id],
      );
      const exporting = xoev.exportById(id).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      // the export has read the case and built its message; its store now waits for this transaction's row lock
      for (let i = 0; ; i++) {
        // from another connection: pg_stat_activity is read once per transaction
        const { rows } = await withClient(t.databaseUrl, (probe) =>
          probe.query(`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and query = 'select 1 from submission where id = $1 for share'`),
        );
        if (rows[0].n > 0) break;
        if (i > 100) throw new Error(`the export never waited for the row lock: ${JSON.stringify(await Promise.race([exporting, Promise.resolve('pending')]))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await c.query('commit');
      const outcome = await exporting;
      expect(outcome).toMatchObject({ error: { code: 'NOT_FOUND' } });
    });
    const stored = await withClient(t.databaseUrl, (c) => c.query('select count(*)::int as n from submission_export where submission_id = $1', [id]));
    expect(stored.rows[0].n).toBe(0);
  });

  it('stores the first message of a case and hands out that one on every later export', async () => {
    const id = await submit();
    const xoev = t.app.get(XoevService);
    const first = await xoev.exportById(id);
    const again = await xoev.exportById(id);
    expect(first).toBeDefined();
    expect(again!.exported).toEqual(first!.exported);
    const { rows } = await withClient(t.databaseUrl, (c) => c.query('select message_id, xml, sha512 from submission_export where submission_id = $1', [id]));
    expect(rows).toEqual([{ message_id: first!.exported.metadata.messageId, xml: first!.exported.xml, sha512: first!.exported.metadata.hash.content }]);
  });
});
