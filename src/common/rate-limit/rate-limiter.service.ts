import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { ErrorCode } from '../errors/error-code.js';
import { LotseError } from '../errors/lotse.error.js';

/**
 * Fixed-window counters in PostgreSQL, so that every instance of the service counts together.
 * One statement per check; old windows are cleaned up now and then.
 */
@Injectable()
export class RateLimiterService {
  constructor(private readonly em: EntityManager) {}

  /** Throws RATE_LIMITED when `key` already has `limit` hits in the current window (counts nothing). */
  async check(key: string, limit: number, windowSeconds: number): Promise<void> {
    const rows = await this.em.getConnection().execute<Array<{ count: number }>>(
      `select "count" from "rate_limit_bucket" where "key" = ? and "window_start" = to_timestamp(floor(extract(epoch from now()) / ?) * ?)`,
      [key, windowSeconds, windowSeconds],
    );
    if ((rows[0]?.count ?? 0) >= limit) throw new LotseError(ErrorCode.RATE_LIMITED, undefined, { retryAfterSeconds: windowSeconds });
  }

  /** Counts one hit for `key`; throws RATE_LIMITED when more than `limit` fall into the current window. */
  async hit(key: string, limit: number, windowSeconds: number): Promise<void> {
    if (limit <= 0) return;
    const rows = await this.em.getConnection().execute<Array<{ count: number }>>(`${HIT} values (?, ${WINDOW}, 1) ${COUNT}`, [key, windowSeconds, windowSeconds]);
    await this.counted(rows[0].count, limit, windowSeconds);
  }

  /**
   * The counting statement for a caller that folds it into its own statement (as a CTE): `insert … select ?, <window>, 1`
   * with the caller's condition appended (`where …`), parameters key, windowSeconds, windowSeconds; returns `count`.
   * The caller passes the count it got (none: nothing counted) to {@link counted}.
   */
  static foldedHit(condition: string): string {
    return `${HIT} select ?, ${WINDOW}, 1 ${condition} ${COUNT}`;
  }

  /** RATE_LIMITED when `count` hits exceed `limit`; now and then, windows older than two days are removed. */
  async counted(count: number | undefined, limit: number, windowSeconds: number): Promise<void> {
    if (count === undefined) return;
    if (Math.random() < 0.01) {
      await this.em.getConnection().execute(`delete from "rate_limit_bucket" where "window_start" < now() - interval '2 days'`);
    }
    if (count > limit) {
      throw new LotseError(ErrorCode.RATE_LIMITED, undefined, { retryAfterSeconds: windowSeconds });
    }
  }
}

const HIT = `insert into "rate_limit_bucket" ("key", "window_start", "count")`;
const WINDOW = `to_timestamp(floor(extract(epoch from now()) / ?) * ?)`;
const COUNT = `on conflict ("key", "window_start") do update set "count" = "rate_limit_bucket"."count" + 1 returning "count"`;
