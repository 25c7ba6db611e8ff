import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('fills defaults for a development start without DATABASE_URL', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      host: '127.0.0.1',
      port: 3000,
      graphqlIntrospection: true,
      bodyLimitBytes: 102400,
      importMaxBytes: 5242880,
      shutdownTimeoutMs: 10000,
      corsOrigins: [],
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/\/\.data$/);
  });

  it('turns introspection off in production unless configured', () => {
    const secret = 'x'.repeat(40);
    expect(loadConfig({ NODE_ENV: 'production', ACCESS_CODE_SECRET: secret }).graphqlIntrospection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', ACCESS_CODE_SECRET: secret, GRAPHQL_INTROSPECTION: 'true' }).graphqlIntrospection).toBe(true);
  });

  it('reads numbers, booleans and lists', () => {
    const config = loadConfig({ PORT: '8080', GRAPHQL_INTROSPECTION: 'off', CORS_ORIGINS: 'https://a.example, http://b.example:8080' });
    expect(config.port).toBe(8080);
    expect(config.graphqlIntrospection).toBe(false);
    expect(config.corsOrigins).toEqual(['https://a.example', 'http://b.example:8080']);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT muss vom Typ ganze Zahl sein \(erhalten: "abc"\)/],
    [{ PORT: '70000' }, /PORT darf höchstens 65535 sein/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV muss einer dieser Werte sein: development, test, production/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL hat kein gültiges Format/],
    [{ BODY_LIMIT_BYTES: '200000' }, /BODY_LIMIT_BYTES darf höchstens 102400 sein/],
    [{ SHUTDOWN_TIMEOUT_MS: '30000' }, /SHUTDOWN_TIMEOUT_MS darf höchstens 10000 sein/],
    [{ GRAPHQL_INTROSPECTION: 'maybe' }, /GRAPHQL_INTROSPECTION muss vom Typ Wahrheitswert/],
    [{ CORS_ORIGINS: 'not a url' }, /CORS_ORIGINS hat kein gültiges Format/],
    [{ NODE_ENV: 'production' }, /ACCESS_CODE_SECRET muss gesetzt sein/],
    [{ ACCESS_CODE_SECRET: 'short' }, /ACCESS_CODE_SECRET muss mindestens 32 Zeichen lang sein/],
    [{ IDEMPOTENCY_TTL_HOURS: '24' }, /IDEMPOTENCY_TTL_HOURS muss mindestens 72 sein/],
  ])('rejects %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toHaveLength(2);
      expect((error as ConfigError).message).toContain('LOG_LEVEL');
    }
  });
});
