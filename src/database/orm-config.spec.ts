import { loadConfig } from '../config/config.js';
import { DEFAULT_POOL_MIN, ormConfig } from './orm-config.js';

const URL = 'postgresql://lotse@127.0.0.1:5432/lotse';
const SETTINGS = { dbPoolMax: 10, dbConnectTimeoutMs: 2000, dbStatementTimeoutMs: 15000 };

describe('ormConfig: the connection pool', () => {
  it('keeps DB_POOL_MIN connections (2 by default) once opened, and closes the others after 30 s idle', () => {
    const config = loadConfig({ DATABASE_URL: URL });
    expect(config.dbPoolMin).toBe(2);
    expect(DEFAULT_POOL_MIN).toBe(2);
    expect(ormConfig(URL, config).pool).toEqual({ min: 2, max: 10, idleTimeoutMillis: 30_000 });
    // callers that give no minimum (CLIs, tests) get the default
    expect(ormConfig(URL, SETTINGS).pool).toMatchObject({ min: 2, max: 10 });
  });

  it('takes DB_POOL_MIN from the environment, 0 included, and never above DB_POOL_MAX', () => {
    expect(ormConfig(URL, loadConfig({ DATABASE_URL: URL, DB_POOL_MIN: '4' })).pool).toMatchObject({ min: 4, max: 10 });
    expect(ormConfig(URL, loadConfig({ DATABASE_URL: URL, DB_POOL_MIN: '0' })).pool).toMatchObject({ min: 0, max: 10 });
    expect(ormConfig(URL, loadConfig({ DATABASE_URL: URL, DB_POOL_MIN: '5', DB_POOL_MAX: '3' })).pool).toMatchObject({ min: 3, max: 3 });
    expect(ormConfig(URL, { ...SETTINGS, dbPoolMax: 1 }).pool).toMatchObject({ min: 1, max: 1 });
  });

  it('refuses a DB_POOL_MIN that is not a whole number from 0 to 200', () => {
    expect(() => loadConfig({ DATABASE_URL: URL, DB_POOL_MIN: '-1' })).toThrow(/DB_POOL_MIN|dbPoolMin/);
    expect(() => loadConfig({ DATABASE_URL: URL, DB_POOL_MIN: 'zwei' })).toThrow(/DB_POOL_MIN|dbPoolMin/);
  });
});
