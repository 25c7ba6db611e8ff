/**
 * Baselines for `npm run bench`, in their own process like the service:
 * POST /json/NAME answers the fixed JSON body in BODY_DIR/NAME.json (what Lotse answered for the same query), and
 * POST /insert writes the same row as submitForm with one raw pg INSERT.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import pg from 'pg';

const [port, databaseUrl, bodyDir] = process.argv.slice(2);
const bodies = new Map(
  readdirSync(bodyDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f.slice(0, -'.json'.length), readFileSync(join(bodyDir, f), 'utf8')]),
);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
let counter = 0;

const app = Fastify({ logger: false });
app.post('/json/:name', async (request, reply) => {
  const body = bodies.get((request.params as { name: string }).name);
  if (body === undefined) return reply.code(404).send({ error: 'no such body' });
  return reply.header('content-type', 'application/json').send(body);
});
app.post('/insert', async (request) => {
  const body = request.body as { data: Record<string, unknown> };
  counter += 1;
  const json = JSON.stringify(body.data);
  await pool.query(
    `insert into submission (id, created_at, updated_at, reference_number, access_code_salt, access_code_hash, form_id, form_version,
       service_id, organisation_id, ags, locale, status, version, data, canonical_json, sha256, submitted_at)
     values ($1, now(), now(), $2, 'salt', 'hash', 'bench', '1.0', 'bench', '03453', null, 'de', 'RECEIVED', 1, $3, $4, 'sha', now())`,
    [randomUUID(), `BENCH-${process.pid}-${counter}`, json, json],
  );
  return { ok: true };
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
