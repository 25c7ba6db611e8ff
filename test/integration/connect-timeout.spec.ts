import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { MikroORM } from '@mikro-orm/postgresql';
import { isDatabaseUnavailable } from '../../src/common/errors/error-mapper.js';
import { CHECKOUT_TIMEOUT_MESSAGE, CONNECT_TIMEOUT_MESSAGE, LoopAwareClient, loopAwareCheckout } from '../../src/database/loop-aware-timeout.js';
import { ormConfig } from '../../src/database/orm-config.js';
import { stall } from '../support/stall.js';

/**
 * DB_CONNECT_TIMEOUT_MS counts the time the event loop was free (README, Connection pool): a stretch of synchronous
 * work while a connection is being opened must not fail it, while a database that does not answer still fails fast.
 */
const url = () => {
  const admin = process.env.LOTSE_TEST_ADMIN_URL;
  if (!admin) throw new Error('the Jest global setup did not run');
  return admin;
};

/** Starts `connect` and stalls the event loop in the turn after it began, while the handshake is under way. */
async function connectThroughStall<T>(connect: () => Promise<T>, stallMs: number): Promise<T> {
  const attempt = connect();
  await new Promise<void>((resolve) =>
    setImmediate(() => {
      stall(stallMs);
      resolve();
    }),
  );
  return attempt;
}

function loopAwarePool(options: pg.PoolConfig, timeoutMs: number): pg.Pool {
  const pool = new pg.Pool({ ...options, Client: LoopAwareClient, connectionTimeoutMillis: 0, loopAwareConnectTimeoutMillis: timeoutMs } as pg.PoolConfig);
  loopAwareCheckout(pool, timeoutMs);
  return pool;
}

describe('connect timeout counted on the free event loop', () => {
  let blackHole: Server;
  let blackHolePort: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    // accepts TCP connections and never answers, like a database host whose server hangs
    blackHole = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    blackHolePort = (blackHole.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  });

  it("pg's own timer fails a connection the database answered in time when the loop stalls (the failure this prevents)", async () => {
    const pool = new pg.Pool({ connectionString: url(), max: 1, connectionTimeoutMillis: 500 });
    try {
      const error = await connectThroughStall(() => pool.connect(), 1200).then(
        (client) => {
          client.release();
          return undefined;
        },
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(/timeout/);
    } finally {
      await pool.end();
    }
  });

  it('a loop-aware pool connects through the same stall', async () => {
    const pool = loopAwarePool({ connectionString: url(), max: 1 }, 500);
    try {
      const client = await connectThroughStall(() => pool.connect(), 1200);
      const { rows } = await client.query<{ one: number }>('select 1 as one');
      expect(rows[0].one).toBe(1);
      client.release();
    } finally {
      await pool.end();
    }
  });

  it('a server that never answers still fails the attempt with SERVICE_UNAVAILABLE, and the pool keeps no connection', async () => {
    const client = new LoopAwareClient({ host: '127.0.0.1', port: blackHolePort, user: 'lotse', database: 'lotse', loopAwareConnectTimeoutMillis: 300 });
    const error = await client.connect().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toBe(CONNECT_TIMEOUT_MESSAGE);
    expect(isDatabaseUnavailable(error)).toBe(true);

    const pool = loopAwarePool({ host: '127.0.0.1', port: blackHolePort, user: 'lotse', database: 'lotse', max: 2 }, 300);
    try {
      const failed = await pool.connect().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(isDatabaseUnavailable(failed)).toBe(true);
      // the hung attempt's socket is destroyed: its slot is free again
      for (let i = 0; i < 50 && pool.totalCount > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(pool.totalCount).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it('a checkout waiting for a full pool times out with pg-pool\'s error; the connection freed later goes back to the pool', async () => {
    const pool = loopAwarePool({ connectionString: url(), max: 1 }, 300);
    try {
      const held = await pool.connect();
      const waiting = await pool.connect().then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(waiting?.message).toBe(CHECKOUT_TIMEOUT_MESSAGE);
      expect(isDatabaseUnavailable(waiting)).toBe(true);
      held.release();
      // the timed-out waiter was handed the connection and gave it straight back
      const next = await pool.connect();
      const { rows } = await next.query<{ one: number }>('select 1 as one');
      expect(rows[0].one).toBe(1);
      next.release();
      expect(pool.totalCount).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it("the service's ORM configuration opens its connections loop-aware", async () => {
    const orm = await MikroORM.init(ormConfig(url(), { dbPoolMax: 4, dbPoolMin: 0, dbConnectTimeoutMs: 500, dbStatementTimeoutMs: 5000 }));
    try {
      const connection = orm.em.getConnection();
      // four at once: at least three of them open a new connection, and the stall hits their handshakes
      const results = await connectThroughStall(() => Promise.all([1, 2, 3, 4].map((n) => connection.execute<Array<{ n: number }>>(`select ${n} as n`))), 1200);
      expect(results.map((r) => r[0].n)).toEqual([1, 2, 3, 4]);
    } finally {
      await orm.close(true);
    }
  });
});
