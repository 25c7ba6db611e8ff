import { readFileSync } from 'node:fs';
import pg from 'pg';
import { sampleFile } from '../src/attachments/sample-files.js';

const CHUNK = 256 * 1024;
const CONCURRENCY = 4;

function rssOf(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
}

async function post(base: string, field: string, name: string, bytes: Buffer): Promise<number> {
  const body = new FormData();
  body.set('formId', 'sportstaettenbau-zuschuss');
  body.set('version', '1.0');
  body.set('field', field);
  body.set('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), name);
  const res = await fetch(`${base}/attachments`, { method: 'POST', body });
  await res.arrayBuffer();
  return res.status;
}

/** Runs `task` with CONCURRENCY workers for `seconds`; answers completed tasks per second. */
async function throughput(seconds: number, task: (i: number) => Promise<void>): Promise<number> {
  const end = Date.now() + seconds * 1000;
  let done = 0;
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        await task(next++);
        done++;
      }
    }),
  );
  return +(done / ((Date.now() - started) / 1000)).toFixed(2);
}

/**
 * Uploads against raw pg: files of 1 MB and 10 MB through POST /attachments (multipart, inspection, hashing,
 * chunked storage in a transaction) against writing the same bytes in the same 256 KB rows with raw `pg` in one
 * transaction per file; then the service's memory while 10 × 20 MB upload in parallel, and 200 refused uploads
 * (memory before and after, rows stored).
 */
export async function uploadBench(base: string, databaseUrl: string, pid: number, seconds: number) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONCURRENCY });
  pool.on('error', (error) => console.error(`bench pool: ${error.message}`));
  await pool.query('create table if not exists bench_blob_chunk (k text, seq int, data bytea, primary key (k, seq))');
  // memory first, on a service that has not handled uploads yet: 10 uploads of 20 MB at once
  const big = Array.from({ length: 10 }, (_, i) => sampleFile('application/pdf', 20 * 1024 * 1024, { text: `Bauplan ${i}` }));
  await new Promise((r) => setTimeout(r, 500));
  const idle = rssOf(pid);
  let peak = idle;
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 20);
  const statuses = await Promise.all(big.map((bytes, i) => post(base, '/bauunterlagen', `gross-${i}.pdf`, bytes)));
  clearInterval(sampler);
  if (statuses.some((s) => s !== 201)) throw new Error(`parallel uploads answered ${statuses.join(',')}`);

  const sizes: Record<string, unknown> = {};
  for (const mb of [1, 10]) {
    // a different file per request (the storage deduplicates equal contents)
    const files = Array.from({ length: 8 }, (_, i) => sampleFile('application/pdf', mb * 1024 * 1024, { text: `Datei ${mb} MB Nr. ${i}` }));
    const lotse = await throughput(seconds, async (i) => {
      const status = await post(base, '/bauunterlagen', `plan-${i}.pdf`, files[i % files.length]);
      if (status !== 201) throw new Error(`upload answered ${status}`);
    });
    const raw = await throughput(seconds, async (i) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const bytes = files[i % files.length];
        for (let seq = 0; seq * CHUNK < bytes.length; seq++) {
          await client.query('insert into bench_blob_chunk (k, seq, data) values ($1, $2, $3)', [`f${mb}-${i}`, seq, bytes.subarray(seq * CHUNK, (seq + 1) * CHUNK)]);
        }
        await client.query('commit');
      } finally {
        client.release();
      }
    });
    sizes[`${mb}MB`] = { lotsePerSecond: lotse, rawPgPerSecond: raw, ratio: +(lotse / raw).toFixed(3) };
  }

  // 200 refusals: a PNG where only PDF is allowed (refused after the first bytes) and PDFs over 20 MB (refused at the limit)
  const count = async () => Number((await pool.query('select (select count(*) from attachment) + (select count(*) from attachment_chunk) as n')).rows[0].n);
  const png = sampleFile('image/png', 1024 * 1024);
  const tooBig = sampleFile('application/pdf', 20 * 1024 * 1024 + 1);
  const rowsBefore = await count();
  const rssBefore = rssOf(pid);
  const refused: number[] = [];
  for (let i = 0; i < 200; i++) refused.push(i % 2 ? await post(base, '/bauunterlagen', 'foto.pdf', png) : await post(base, '/bauunterlagen', 'zu-gross.pdf', tooBig));
  const rssAfter = rssOf(pid);
  const rowsAfter = await count();
  await pool.query('drop table bench_blob_chunk');
  await pool.end();
  return {
    sizes,
    parallel20MB: { files: 10, idleMiB: +(idle / 2 ** 20).toFixed(1), peakMiB: +(peak / 2 ** 20).toFixed(1), aboveIdleMiB: +((peak - idle) / 2 ** 20).toFixed(1), limitMiB: 150 },
    refusals: { count: refused.length, allRefused: refused.every((s) => s === 413 || s === 415), rssBeforeMiB: +(rssBefore / 2 ** 20).toFixed(1), rssAfterMiB: +(rssAfter / 2 ** 20).toFixed(1), rowsBefore, rowsAfter },
  };
}
