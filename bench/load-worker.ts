/**
 * The load generator of `npm run bench`, in its own process (pinned by the bench to the load generator's core):
 * reads a LoadSpec as JSON from argv[2], runs autocannon against every target at the same time, prints one JSON
 * line with the results. Every occurrence of __N__ in a body becomes a number unique within the run (idempotency keys).
 */
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load.js';

const spec = JSON.parse(process.argv[2]) as LoadSpec;
let counter = 0;
const tag = `${process.pid}-${Date.now().toString(36)}`;

const results: LoadResult[] = await Promise.all(
  spec.targets.map(async (target) => {
    const result = await autocannon({
      url: target.url,
      connections: target.connections,
      duration: spec.durationSeconds,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(target.headers ?? {}) },
      requests: target.bodies.map((body) => ({
        method: 'POST',
        setupRequest: (req: autocannon.Request) => ({ ...req, body: body.includes('__N__') ? body.replaceAll('__N__', `${tag}-${counter++}`) : body }),
      })),
    });
    return {
      rps: Math.round(result.requests.average),
      p99: result.latency.p99,
      total: result.requests.total,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
    };
  }),
);
process.stdout.write(JSON.stringify(results) + '\n');
