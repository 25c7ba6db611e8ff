import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';

/** Root fields whose answer depends only on the request, the catalog generation and the day. */
export const PUBLIC_CATALOG_FIELDS: ReadonlySet<string> = new Set([
  'serviceAreas',
  'services',
  'service',
  'organisations',
  'responsibleOrganisation',
  'servicePoints',
  'servicemobilStops',
  'forms',
  'form',
  '__typename',
]);

const MAX_ENTRIES = 2000;
const MAX_BYTES = 32 * 1024 * 1024;
const MAX_RESPONSE_BYTES = 1024 * 1024;
const MAX_QUERY_LENGTH = 8 * 1024;
const PENDING = Symbol('lotse.responseCache');

interface Pending {
  key: string;
  generation: number;
}

/**
 * Whole-response cache for anonymous public catalog queries, in front of GraphQL execution. An answer is kept only
 * when it is for a request without any credential (no Authorization, no X-Access-Code), for a document whose root
 * fields are all public catalog fields, with HTTP 200 and no `errors`, and when the catalog generation did not change
 * while it was made. The key is the query text, the variables, the operation name, Accept-Language and
 * today's date (Europe/Berlin; validity and date-bounded form schemas change with the day). A new catalog generation
 * empties the cache. Bounded by entries and bytes (LRU). Everything that depends on a principal (staff fields,
 * authentication errors, rate limits, complexity and depth refusals, any error) is never stored: such a request
 * carries a credential or its answer carries errors.
 */
export class PublicResponseCache {
  /** Answers as UTF-8 bytes, so that a hit is written without encoding it again. */
  private readonly responses = new LRUCache<string, Buffer>({ max: MAX_ENTRIES, maxSize: MAX_BYTES, sizeCalculation: (body, key) => body.length + 2 * key.length });
  /** Per query text: may its answers be cached? (parsed once) */
  private readonly documents = new LRUCache<string, boolean>({ max: 1000 });
  private generationSeen = -1;
  hits = 0;
  stores = 0;

  constructor(
    private readonly generation: () => number,
    private readonly today: () => string,
  ) {}

  register(fastify: FastifyInstance): void {
    fastify.addHook('preHandler', async (request, reply) => this.answer(request, reply));
    fastify.addHook('onSend', async (request, reply, payload) => {
      this.keep(request, reply, payload);
      return payload;
    });
  }

  get size(): number {
    return this.responses.size;
  }

  private answer(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
    const key = this.keyOf(request);
    if (!key) return undefined;
    const generation = this.generation();
    if (generation !== this.generationSeen) {
      this.responses.clear();
      this.generationSeen = generation;
    }
    const body = this.responses.get(key);
    if (body !== undefined) {
      this.hits += 1;
      return reply.header('content-type', 'application/json; charset=utf-8').send(body);
    }
    (request as FastifyRequest & { [PENDING]?: Pending })[PENDING] = { key, generation };
    return undefined;
  }

  private keep(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
    const pending = (request as FastifyRequest & { [PENDING]?: Pending })[PENDING];
    if (!pending || reply.statusCode !== 200 || typeof payload !== 'string') return;
    if (payload.length > MAX_RESPONSE_BYTES || !payload.startsWith('{"data"') || payload.includes('"errors"')) return;
    if (this.generation() !== pending.generation || this.generationSeen !== pending.generation) return;
    this.responses.set(pending.key, Buffer.from(payload, 'utf8'));
    this.stores += 1;
  }

  /** The cache key of a cacheable request, else undefined. */
  private keyOf(request: FastifyRequest): string | undefined {
    if (request.method !== 'POST' || request.headers.authorization !== undefined || request.headers['x-access-code'] !== undefined) return undefined;
    const q = request.url.indexOf('?');
    if ((q === -1 ? request.url : request.url.slice(0, q)) !== '/graphql') return undefined;
    const body = request.body as { query?: unknown; variables?: unknown; operationName?: unknown } | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
    const { query, variables, operationName } = body;
    if (typeof query !== 'string' || query.length > MAX_QUERY_LENGTH) return undefined;
    if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return undefined;
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
    const documentKey = `${operationName ?? ''}\u0000${query}`;
    let cacheable = this.documents.get(documentKey);
    if (cacheable === undefined) {
      cacheable = isPublicCatalogQuery(query, operationName ?? undefined);
      this.documents.set(documentKey, cacheable);
    }
    if (!cacheable) return undefined;
    const language = request.headers['accept-language'] ?? '';
    // the request itself is the key (the query is at most 8 KB): no hashing per request
    return JSON.stringify([query, variables ?? null, operationName ?? null, language, this.today()]);
  }
}

/** Whether the operation to run is a query that selects only public catalog root fields (no fragments at the root). */
export function isPublicCatalogQuery(query: string, operationName?: string): boolean {
  let document: DocumentNode;
  try {
    document = parse(query, { noLocation: true, maxTokens: 2000 });
  } catch {
    return false;
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation || operation.operation !== 'query' || (operation.directives?.length ?? 0) > 0) return false;
  return operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && PUBLIC_CATALOG_FIELDS.has(s.name.value) && (s.directives?.length ?? 0) === 0);
}
