import { createHash } from 'node:crypto';
import { LoopAwareClient } from './loop-aware-timeout.js';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Server-side prepared statements for the hot paths (submitForm, the export job): PostgreSQL parses, analyses and plans
 * a statement sent by name once per connection, where MikroORM's `execute` inlines every value into the text and
 * PostgreSQL parses and plans it again on every call (for submitForm's statement of data-modifying CTEs that was
 * half of PostgreSQL's time per submission).
 *
 * A statement text is registered with `preparedText` (or the first time `executePrepared` runs it); the pool's
 * client class (`PreparingClient`, set in the ORM config) sends registered texts by name. The registry is bounded:
 * past `MAX_STATEMENTS` texts a statement simply runs unnamed, so a text built with varying shapes cannot grow the
 * server's statement cache of each connection without limit.
 */
const MAX_STATEMENTS = 256;
const names = new Map<string, string>();
const numbered = new Map<string, string>();

/** Registers `text` (with `$1…` placeholders) as a prepared statement; returns it. */
export function preparedText(text: string): string {
  if (!names.has(text) && names.size < MAX_STATEMENTS) names.set(text, `lotse_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`);
  return text;
}

/**
 * `?` placeholders (MikroORM's style) as `$1…`, outside quoted strings and identifiers; memoised per text. `??` is
 * not supported (the hot statements do not use the jsonb operators that contain `?`).
 */
export function numberedPlaceholders(sql: string): string {
  let out = numbered.get(sql);
  if (out !== undefined) return out;
  let n = 0;
  let quote: string | undefined;
  out = '';
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = undefined;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else out += ch === '?' ? `$${++n}` : ch;
  }
  if (numbered.size < MAX_STATEMENTS * 4) numbered.set(sql, out);
  return out;
}

/** pg's client, sending registered statement texts as named (prepared) statements (its connect timed loop-aware). */
export class PreparingClient extends LoopAwareClient {
  // pg's query has many overloads; only (text, values[, callback]) with a registered text is changed
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === 'string' && Array.isArray(values)) {
      const name = names.get(config);
      if (name) return super.query({ name, text: config, values }, callback);
    }
    return super.query(config, values, callback);
  }
}

/**
 * Runs `sql` (`?` placeholders) with `params` as a prepared statement: in `trx` when given (a transaction of the ORM's
 * Kysely client, see `preparedTransaction`), else in `em`'s transaction when there is one, otherwise on a pooled
 * connection. Values are sent as parameters, never inlined. The ORM's `onQuery` hook sees the statement as it sees
 * every other.
 */
export async function executePrepared<T extends object>(em: EntityManager, sql: string, params: readonly unknown[], trx?: Transaction<unknown>): Promise<T[]> {
  const text = preparedText(numberedPlaceholders(sql));
  em.config.get('onQuery')?.(text, params as unknown[]);
  const executor: Kysely<unknown> = trx ?? em.getTransactionContext<Transaction<unknown>>() ?? em.getConnection().getClient();
  const result = await executor.executeQuery<T>(CompiledQuery.raw(text, params as unknown[]));
  return result.rows;
}

/**
 * Runs `work` in a transaction on one pooled connection of the ORM (BEGIN … COMMIT, ROLLBACK when it throws), without
 * forking an EntityManager: for a hot path whose statements all go through `executePrepared(em, …, trx)` and that
 * writes no entities.
 */
export function preparedTransaction<T>(em: EntityManager, work: (trx: Transaction<unknown>) => Promise<T>): Promise<T> {
  return em.getConnection().getClient<unknown>().transaction().execute(work);
}
