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
    const connection = this.em.getConnection();
    const rows = await connection.execute<Array<{ count: number }>>(
      `insert into "rate_limit_bucket" ("key", "window_start", "count")
       values (?, to_timestamp(floor(extract(epoch from now()) / ?) * ?), 1)
       on conflict ("key", "window_start") do update set "count" = "rate_limit_bucket"."count" + 1
       returning "count"`,
      [key, windowSeconds, windowSeconds],
    );
    if (Math.random() < 0.01) {
      await connection.execute(`delete from "rate_limit_bucket" where "window_start" < now() - interval '2 days'`);
    }
    if (rows[0].count > limit) {
      throw new LotseError(ErrorCode.RATE_LIMITED, undefined, { retryAfterSeconds: windowSeconds });
    }
  }
}
