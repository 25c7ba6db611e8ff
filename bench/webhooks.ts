/**
 * Webhook outbox figure: a backlog of `total` events for one local receiver, drained by the service's workers
 * (WEBHOOK_CONCURRENCY, signed, state recorded per delivery), against the same receiver hit directly by this process
 * with the same concurrency and the same kind of connection (kept open between requests, as the service does).
 */
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request, type Server } from 'node:http';
import pg from 'pg';
import { createBoss, WEBHOOK_QUEUE, receiverGroup } from '../src/delivery/queue.service.js';

export interface Receiver {
  port: number;
  url: string;
  count: () => number;
  firstAt: () => number;
  lastAt: () => number;
  reset: () => void;
  close: () => Promise<void>;
}

export async function startReceiver(port: number): Promise<Receiver> {
  let count = 0;
  let first = 0;
  let last = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count++;
      last = Date.now();
      if (count === 1) first = last;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    port,
    url: `http://127.0.0.1:${port}/hook`,
    count: () => count,
    firstAt: () => first,
    lastAt: () => last,
    reset: () => {
      count = 0;
      first = 0;
      last = 0;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const DIRECT_AGENT = new Agent({ keepAlive: true });

function post(url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: DIRECT_AGENT, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(body);
  });
}

const eventOf = (i: number) => ({
  id: randomUUID(),
  type: 'submission.received',
  occurredAt: new Date().toISOString(),
  organisationId: '03453',
  data: { submissionId: randomUUID(), referenceNumber: `CLP-2026-${String(i).padStart(6, '0')}-0`, formId: 'bench', formVersion: '1.0', status: 'RECEIVED', version: 1 },
});

export async function webhookBench(databaseUrl: string, receiver: Receiver, concurrency: number, total = 10_000) {
  // (1) the receiver hit directly
  receiver.reset();
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        await post(receiver.url, JSON.stringify(eventOf(next)));
      }
    }),
  );
  const directPerSecond = Math.round(total / ((Date.now() - started) / 1000));

  // (2) a backlog of `total` events in the outbox, released at once, drained by the service
  receiver.reset();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const subscriptionId = randomUUID();
  await client.query(`insert into webhook_subscription (id, created_at, updated_at, organisation_id, url, secret, active) values ($1, now(), now(), 'bench', $2, 'bench-secret', true)`, [subscriptionId, receiver.url]);
  const boss = createBoss(databaseUrl, { queueSuperviseSeconds: 60 });
  await boss.start();
  const startAfter = new Date(Date.now() + 4000 + total / 2);
  for (let offset = 0; offset < total; offset += 1000) {
    const events = Array.from({ length: Math.min(1000, total - offset) }, (_, i) => eventOf(offset + i));
    const deliveries = events.map(() => randomUUID());
    await client.query(
      `insert into webhook_delivery (id, created_at, updated_at, subscription_id, event_id, event_type, event, state)
       select d, now(), now(), $1, (e->>'id')::uuid, e->>'type', e, 'PENDING' from unnest($2::uuid[], $3::jsonb[]) as t(d, e)`,
      [subscriptionId, deliveries, events.map((e) => JSON.stringify(e))],
    );
    await boss.insert(WEBHOOK_QUEUE, events.map((event, i) => ({ data: { subscriptionId, deliveryId: deliveries[i], event }, startAfter, group: { id: receiverGroup(receiver.url) } })));
  }
  await boss.stop({ graceful: false, close: true });
  while (receiver.count() < total) {
    await new Promise((r) => setTimeout(r, 200));
    if (Date.now() > startAfter.getTime() + 600_000) throw new Error(`webhook backlog not drained: ${receiver.count()} of ${total}`);
  }
  const drainSeconds = (receiver.lastAt() - startAfter.getTime()) / 1000;
  const { rows } = await client.query(`select count(*)::int as n from webhook_delivery where subscription_id = $1 and state = 'DELIVERED'`, [subscriptionId]);
  await client.end();
  const servicePerSecond = Math.round(total / drainSeconds);
  return { events: total, concurrency, directPerSecond, servicePerSecond, deliveredRecorded: rows[0].n, ratio: +(servicePerSecond / directPerSecond).toFixed(3) };
}
