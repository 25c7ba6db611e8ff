import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { sql, type Kysely, type Transaction } from 'kysely';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/config.js';
import type { AttachmentStorage, StoredContent } from './attachment-storage.js';

/** A text[] literal of hex digests or uuids (nothing to escape in them). */
export const pgTextArray = (values: string[]) => `{${values.map((v) => { if (!/^[0-9a-f-]+$/.test(v)) throw new Error('not an id'); return v; }).join(',')}}`;

/**
 * Attachments in PostgreSQL: rows of at most ATTACHMENT_CHUNK_BYTES in `attachment_chunk`, written while the
 * upload streams in (under a staging key) and renamed to the content's SHA-256 at the end, or dropped when
 * that content is already stored. Everything happens in the caller's transaction.
 */
@Injectable()
export class PgAttachmentStorage implements AttachmentStorage {
  constructor(
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async write(tx: EntityManager, bytes: AsyncIterable<Buffer>): Promise<StoredContent> {
    const trx = tx.getTransactionContext<Transaction<unknown>>();
    if (!trx) throw new Error('PgAttachmentStorage.write needs a transaction');
    const staging = `staging:${randomUUID()}`;
    const hash = createHash('sha256');
    const limit = this.config.attachmentChunkBytes;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let seq = 0;
    let size = 0;
    const flush = async (data: Buffer) => {
      // through the driver's parameters: MikroORM's execute would inline the bytes into the SQL text
      await sql`insert into "attachment_chunk" ("blob_key", "seq", "data") values (${staging}, ${seq++}, ${data})`.execute(trx);
    };
    for await (const chunk of bytes) {
      hash.update(chunk);
      size += chunk.length;
      let rest = chunk;
      while (pendingBytes + rest.length >= limit) {
        const take = limit - pendingBytes;
        pending.push(rest.subarray(0, take));
        rest = rest.subarray(take);
        const data = Buffer.concat(pending);
        pending = [];
        pendingBytes = 0;
        await flush(data);
      }
      if (rest.length > 0) {
        pending.push(rest);
        pendingBytes += rest.length;
      }
    }
    if (pendingBytes > 0) await flush(Buffer.concat(pending));
    const sha256 = hash.digest('hex');
    // locks the content's row, so that a concurrent sweep cannot remove it before this transaction commits
    const [row] = await tx.execute<Array<{ inserted: boolean }>>(
      `insert into "attachment_blob" ("sha256", "size", "chunks", "created_at") values (?, ?, ?, now())
       on conflict ("sha256") do update set "sha256" = excluded."sha256"
       returning (xmax = 0) as "inserted"`,
      [sha256, size, seq],
    );
    if (row.inserted) await tx.execute('update "attachment_chunk" set "blob_key" = ? where "blob_key" = ?', [sha256, staging]);
    else await tx.execute('delete from "attachment_chunk" where "blob_key" = ?', [staging]);
    return { sha256, size };
  }

  async *read(sha256: string): AsyncIterable<Buffer> {
    const connection = this.em.getConnection();
    const [blob] = await connection.execute<Array<{ chunks: number }>>('select "chunks" from "attachment_blob" where "sha256" = ?', [sha256]);
    if (!blob) throw new Error(`content ${sha256} is not stored`);
    const db: Kysely<unknown> = connection.getClient();
    for (let seq = 0; seq < blob.chunks; seq++) {
      const { rows } = await sql<{ data: Buffer }>`select "data" from "attachment_chunk" where "blob_key" = ${sha256} and "seq" = ${seq}`.execute(db);
      if (!rows[0]) throw new Error(`content ${sha256} lacks chunk ${seq}`);
      yield rows[0].data;
    }
  }

  async has(sha256: string): Promise<boolean> {
    const rows = await this.em.getConnection().execute('select 1 from "attachment_blob" where "sha256" = ?', [sha256]);
    return rows.length > 0;
  }

  async removeUnreferenced(): Promise<number> {
    return this.em.fork().transactional(async (tx) => {
      // rows an upload is writing right now are locked by it and skipped
      const candidates = await tx.execute<Array<{ sha256: string }>>(
        `select "sha256" from "attachment_blob" b where not exists (select 1 from "attachment" a where a."sha256" = b."sha256")
         for update skip locked`,
      );
      if (candidates.length === 0) return 0;
      // checked again with a fresh snapshot: an upload that committed meanwhile keeps its content
      const gone = await tx.execute<Array<{ sha256: string }>>(
        `delete from "attachment_blob" b where b."sha256" = any(?::text[]) and not exists (select 1 from "attachment" a where a."sha256" = b."sha256") returning "sha256"`,
        [pgTextArray(candidates.map((c) => c.sha256))],
      );
      if (gone.length > 0) await tx.execute('delete from "attachment_chunk" where "blob_key" = any(?::text[])', [pgTextArray(gone.map((g) => g.sha256))]);
      return gone.length;
    });
  }
}
