import { performance } from 'node:perf_hooks';
import pg from 'pg';

/**
 * Connect timeouts that count only the time the event loop was free to notice an answer.
 *
 * pg and pg-pool time a connection attempt with one `setTimeout`. Timers run before I/O in each turn of the event
 * loop, so after a stretch of synchronous work longer than the timeout (an export's schema validation, a catalog
 * rebuild, a starved CPU) the timer fires first and fails a connection whose answer is already waiting to be read: the
 * request gets SERVICE_UNAVAILABLE although the database answered in time. Here the timeout advances in ticks of at
 * most `TICK_MS`, and a tick that comes late counts for at most two ticks; the stall itself is not counted, and the
 * I/O that waited behind it is read before the next tick.
 */
const TICK_MS = 100;

/** Calls `onExpire` once `ms` of loop time has passed (see above); the returned function cancels it. */
export function loopAwareTimeout(ms: number, onExpire: () => void): () => void {
  const tick = Math.min(TICK_MS, ms);
  let counted = 0;
  let last = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const step = () => {
    const now = performance.now();
    counted += Math.min(now - last, 2 * tick);
    last = now;
    if (counted >= ms) {
      timer = undefined;
      onExpire();
    } else arm();
  };
  const arm = () => {
    timer = setTimeout(step, Math.min(tick, ms - counted));
    // like pg's own timer: a pending connection attempt does not keep the process alive
    timer.unref();
  };
  arm();
  return () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
}

/** The error of a connection attempt that ran out of time (SERVICE_UNAVAILABLE, see error-mapper.ts). */
export const CONNECT_TIMEOUT_MESSAGE = 'Connection terminated due to connection timeout';
/** The error of a pool checkout that ran out of time, as pg-pool words it. */
export const CHECKOUT_TIMEOUT_MESSAGE = 'timeout exceeded when trying to connect';

export interface LoopAwareClientConfig extends pg.ClientConfig {
  /** The connect timeout, counted as {@link loopAwareTimeout} counts (pg's own `connectionTimeoutMillis` must stay 0). */
  loopAwareConnectTimeoutMillis?: number;
}

/** pg's client with a loop-aware connect timeout: the attempt's socket is destroyed when it expires, as pg does. */
export class LoopAwareClient extends pg.Client {
  private readonly connectTimeoutMs: number;

  constructor(config: LoopAwareClientConfig = {}) {
    // not a copy: pg-pool hands its options over with the password as a hidden (non-enumerable) property
    if (config.connectionTimeoutMillis) throw new Error('LoopAwareClient: pg\'s own connectionTimeoutMillis must stay 0');
    super(config);
    this.connectTimeoutMs = config.loopAwareConnectTimeoutMillis ?? 0;
  }

  // pg's connect has a callback and a promise form; both are timed
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override connect(callback?: any): any {
    if (!(this.connectTimeoutMs > 0)) return callback ? super.connect(callback) : super.connect();
    const connection = (this as unknown as { connection: { _ending: boolean; stream: { destroy(error: Error): void } } }).connection;
    const cancel = loopAwareTimeout(this.connectTimeoutMs, () => {
      connection._ending = true;
      connection.stream.destroy(new Error(CONNECT_TIMEOUT_MESSAGE));
    });
    if (callback) {
      return super.connect((error: Error | null, client?: pg.Client) => {
        cancel();
        callback(error, client);
      });
    }
    return super.connect().finally(cancel);
  }
}

/**
 * Times the pool's checkouts (`pool.connect()`, as Kysely calls it) loop-aware, for a pool created with
 * `connectionTimeoutMillis: 0`: a caller still waiting after `ms` gets pg-pool's timeout error, and a connection that
 * arrives after that goes straight back to the pool. (A new connection's attempt is timed by {@link LoopAwareClient}.)
 */
export function loopAwareCheckout(pool: pg.Pool, ms: number): void {
  if (!(ms > 0)) return;
  const checkout = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  const timed = (): Promise<pg.PoolClient> =>
    new Promise((resolve, reject) => {
      let settled = false;
      const cancel = loopAwareTimeout(ms, () => {
        settled = true;
        reject(new Error(CHECKOUT_TIMEOUT_MESSAGE));
      });
      checkout().then(
        (client) => {
          if (settled) return client.release();
          settled = true;
          cancel();
          resolve(client);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          cancel();
          reject(error as Error);
        },
      );
    });
  // the callback form (not used by Kysely) stays pg-pool's own
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (pool as any).connect = (callback?: (...args: any[]) => void) => (callback ? (checkout as any)(callback) : timed());
}
