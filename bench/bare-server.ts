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
// The rows a receipt writes (idempotency key, submission with its reference number, three events, a pg-boss job) in
// one prepared statement: what raw SQL needs for what submitForm guarantees, the floor of its ratio. The job goes to a
// queue no worker takes (the dead letters of webhooks), with pg-boss's defaults.
const RECEIPT = `with "claim" as (insert into submission_idempotency_key (key, request_hash, submission_id, created_at, expires_at)
    values ($1, 'hash', $2::uuid, now(), now() + interval '72 hours') on conflict (key) do nothing returning key),
  "number" as materialized (select lotse_reference_number('BENCH', 2026, nextval('submission_reference_seq')) as reference_number from "claim"),
  "s" as (insert into submission (id, created_at, updated_at, reference_number, access_code_salt, access_code_hash, form_id, form_version,
      service_id, organisation_id, ags, locale, status, version, data, canonical_json, sha256, submitted_at)
    select $2::uuid, now(), now(), reference_number, 'salt', 'hash', 'bench', '1.0', 'bench', '03453', null, 'de', 'RECEIVED', 1, $3::jsonb, $4, 'sha', now() from "number" returning 1),
  "e" as (insert into submission_event (id, created_at, updated_at, submission_id, kind, actor_type, to_status, public_note_de)
    select gen_random_uuid(), now(), now(), $2::uuid, kind, 'SYSTEM', 'RECEIVED', 'Eingegangen: ' || reference_number
    from "number", unnest(array['RECEIVED', 'IN_REVIEW', 'NOTE']) as kind returning 1),
  "job" as (insert into pgboss.job (name, data) select 'lotse-webhook-dead', jsonb_build_object('submissionId', $2::text) from "number" returning 1)
  select reference_number from "number"`;
app.post('/insert-receipt', async (request) => {
  const body = request.body as { data: Record<string, unknown> };
  counter += 1;
  const json = JSON.stringify(body.data);
  const { rows } = await pool.query({ name: 'receipt', text: RECEIPT, values: [`bench-${process.pid}-${counter}`, randomUUID(), json, json] });
  return { referenceNumber: rows[0].reference_number };
});
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
