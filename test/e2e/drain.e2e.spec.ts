import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { closeApp, drainOf } from '../../src/app.factory.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { withClient } from '../support/postgres.js';
import pg from 'pg';

/** A POST over a keep-alive agent that also hands out the socket it used. */
function post(baseUrl: string, agent: Agent, body: string): Promise<{ status: number; headers: Record<string, unknown>; body: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}/graphql`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, socket: req.socket as Socket }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const QUERY = JSON.stringify({ query: '{ apiInfo { instanceId } }' });

describe('graceful drain (the path of SIGTERM and of every test teardown)', () => {
  let t: TestApp;
  let dropped = false;

  beforeAll(async () => {
    t = await startTestApp({ env: { WORKER_ENABLED: 'false' } });
  });
  afterAll(async () => {
    if (!dropped) await t.close();
  });

  it('finishes responses in flight with Connection: close, closes idle keep-alive connections at once, and never waits on keep-alive', async () => {
    const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000, maxSockets: 4 });
    // an idle keep-alive connection: it answered once and stays open
    const idle = await post(t.baseUrl, agent, QUERY);
    expect(idle.status).toBe(200);
    expect(idle.headers.connection).toBe('keep-alive');
    const idleClosed = new Promise<void>((r) => idle.socket.once('close', () => r()));

    // a request held in flight by a lock, on a second keep-alive connection
    const locker = new pg.Client({ connectionString: t.databaseUrl });
    await locker.connect();
    await locker.query('begin');
    await locker.query('lock table platform_instance in access exclusive mode');
    const busyAgent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
    const inFlight = post(t.baseUrl, busyAgent, QUERY);
    await new Promise((r) => setTimeout(r, 300));

    const closing = closeApp(t.app);
    expect(drainOf(t.app)?.isDraining).toBe(true);
    await idleClosed; // closed at once, although its keep-alive would have lasted 72 s
    await locker.query('commit');
    await locker.end();
    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(finished.headers.connection).toBe('close');
    expect(JSON.parse(finished.body).data.apiInfo.instanceId).toMatch(/^[0-9a-f-]{36}$/);
    // close() returns although keep-alive agents still hold their sockets: each was closed after its last response
    await closing;
    expect(drainOf(t.app)?.open()).toEqual({ connections: 0, requests: 0 });
    await expect(fetch(`${t.baseUrl}/health/live`)).rejects.toThrow();
    agent.destroy();
    busyAgent.destroy();
    await withClient(process.env.LOTSE_TEST_ADMIN_URL!, (c) => c.query(`drop database if exists ${pg.escapeIdentifier(new URL(t.databaseUrl).pathname.slice(1))} with (force)`));
    dropped = true;
  });
});
