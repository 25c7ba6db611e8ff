import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Kind, parse, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { EarlyRequestLog } from '../common/logging/request-log.js';

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
/** Longest request body (characters) whose answer is kept: the query (8 KB) and its variables. */
const MAX_BODY_LENGTH = 16 * 1024;
const CONTENT_TYPE = 'application/json; charset=utf-8';
const PENDING = Symbol('lotse.responseCache');
/** The JSON body as text, kept by the JSON parser for the key. */
const RAW_BODY = Symbol('lotse.rawBody');
/** On the Node request: the body the early path read for a request it did not answer. */
const READ_EARLY = Symbol('lotse.readEarly');
/** On the Node request: the error that broke its body off while the early path read it. */
const BROKEN_EARLY = Symbol('lotse.brokenEarly');

type ReadEarly = IncomingMessage & { [READ_EARLY]?: Buffer; [BROKEN_EARLY]?: Error };

/** The media type every GraphQL POST must declare (the rest is refused with 415 before the body is read). */
export const JSON_CONTENT_TYPE = /^application\/json\s*(;|$)/i;

interface Pending {
  key: string;
  generation: number;
  /** The request body's length in bytes. */
  bodyBytes: number;
}

interface Answer {
  /** The response body; as a string, Node writes it with the headers in one write. */
  body: string;
  /** Its length in UTF-8 bytes (Content-Length). */
  bytes: number;
  /** The length in bytes of the request body it answers (see `bodyLengths`). */
  bodyBytes: number;
}

type Parsed = FastifyRequest & { [PENDING]?: Pending; [RAW_BODY]?: string };

/** What the early path needs from the application. */
export interface EarlyAnswerOptions {
  /** The request id of a response (the application's `genReqId`): sent as `x-request-id` like on every response. */
  requestId: (request: IncomingMessage) => string;
  /**
   * True while the early path must leave every request to Fastify: when something else has to see each request
   * (CORS headers) or the server is draining or shutting down (`Connection: close`, 503).
   */
  standAside: () => boolean;
  /** Writes for each answer given early the request log lines Fastify writes for the answers it gives. */
  requestLog?: EarlyRequestLog;
}

/**
 * Whole-response cache for anonymous public catalog queries, in front of GraphQL execution. An answer is kept only
 * when it is for a request without any credential (no Authorization, no X-Access-Code), for a document whose root
 * fields are all public catalog fields, with HTTP 200 and no `errors`, and when the catalog generation did not change
 * while it was made. The key is the request body as sent (query, variables and operation name as one JSON text),
 * Accept-Language and today's date (Europe/Berlin; validity and date-bounded form schemas change with the day): the
 * same text parses to the same request, so every check that depends on the body alone (batching, nesting, the
 * document's root fields) gave the same result when the answer was stored. A new catalog generation empties the cache.
 * Bounded by entries and bytes (LRU). Everything that depends on a principal (staff fields, authentication errors,
 * rate limits, complexity and depth refusals, any error) is never stored: such a request carries a credential or its
 * answer carries errors.
 *
 * Hits are answered at two places. The early path (`answerEarly`) runs before Fastify: a POST to exactly `/graphql`
 * without credentials whose Content-Length equals that of a stored request body is read by it and, on a hit, answered
 * with the same status, headers and bytes as below, without routing, hooks or body parsing, and with the request log
 * lines Fastify would write (`requestLog`); on a miss the body it read (or the error that broke it off) is handed on
 * to Fastify (`preParsing`) and the request goes the usual way. Any other request only costs it a look at its
 * headers. The `preHandler` hook answers hits for the requests the early path left alone (CORS, draining, a URL with
 * a query string, a body without Content-Length) and notes the key of a cacheable miss, which `onSend` stores.
 */
export class PublicResponseCache {
  private readonly responses = new LRUCache<string, Answer>({
    max: MAX_ENTRIES,
    maxSize: MAX_BYTES,
    sizeCalculation: (answer, key) => answer.bytes + 2 * key.length,
    dispose: (answer) => this.forgetLength(answer.bodyBytes),
  });
  /** How many stored answers there are per request body length in bytes: a request of another length cannot hit. */
  private readonly bodyLengths = new Map<number, number>();
  /** Per query text: may its answers be cached? (parsed once) */
  private readonly documents = new LRUCache<string, boolean>({ max: 1000 });
  private generationSeen = -1;
  hits = 0;
  /** Of the hits, those answered before Fastify. */
  earlyHits = 0;
  stores = 0;

  constructor(
    private readonly generation: () => number,
    private readonly today: () => string,
  ) {}

  /**
   * The JSON parser that keeps the body's text, the hand-over of a body read early, and the cache's hooks. Before
   * every other `preParsing` hook, so that those see the body handed over.
   */
  register(fastify: FastifyInstance): void {
    // Fastify's own JSON parser (same refusals, same errors, the route's body limit), keeping the text for the key
    const parseJson = fastify.getDefaultJsonParser('error', 'error');
    fastify.removeContentTypeParser('application/json');
    fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body: string | Buffer, done) => {
      const text = body as string; // parseAs 'string'
      (request as Parsed)[RAW_BODY] = text;
      parseJson(request, text, done);
    });
    fastify.addHook('preParsing', (request, _reply, payload, done) => {
      const raw = request.raw as ReadEarly;
      const body = raw[READ_EARLY];
      const broken = raw[BROKEN_EARLY];
      done(null, body !== undefined ? replay(body) : broken !== undefined ? failing(broken) : payload);
    });
    fastify.addHook('preHandler', async (request, reply) => this.answer(request, reply));
    fastify.addHook('onSend', async (request, reply, payload) => {
      this.keep(request, reply, payload);
      return payload;
    });
  }

  /**
   * Puts the early path in front of Fastify's request handler on `server`. Call right after Fastify made the server,
   * before anything else listens for its requests (listeners added later, such as the drain's, still see every request).
   */
  installEarly(server: Server, options: EarlyAnswerOptions): void {
    const handlers = server.listeners('request') as Array<(request: IncomingMessage, response: ServerResponse) => void>;
    if (handlers.length !== 1) throw new Error(`expected Fastify's request handler alone on the server, found ${handlers.length} listeners`);
    const [handler] = handlers;
    server.removeListener('request', handler);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => this.answerEarly(request, response, handler, options));
  }

  get size(): number {
    return this.responses.size;
  }

  /** Before Fastify: answers a hit, hands everything else to `next` (with the body when it was read). */
  private answerEarly(request: IncomingMessage, response: ServerResponse, next: (request: IncomingMessage, response: ServerResponse) => void, options: EarlyAnswerOptions): void {
    const headers = request.headers;
    const declared = headers['content-length'];
    if (
      declared === undefined ||
      request.method !== 'POST' ||
      request.url !== '/graphql' ||
      !this.bodyLengths.has(Number(declared)) ||
      headers.authorization !== undefined ||
      headers['x-access-code'] !== undefined ||
      headers['transfer-encoding'] !== undefined ||
      !JSON_CONTENT_TYPE.test(headers['content-type'] ?? '') ||
      options.standAside()
    ) {
      next(request, response);
      return;
    }
    // when Fastify would have taken the request up: the start of `responseTime` in the request log
    const startedAt = options.requestLog === undefined ? 0 : performance.now();
    // the client's address is read while the connection is open (Node then keeps it on the socket), as Fastify reads it
    // for "incoming request": a request that breaks off and is handed on afterwards still has it in its log
    if (options.requestLog !== undefined) void request.socket.remoteAddress;
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
    };
    const onEnd = () => {
      request.removeListener('data', onData);
      request.removeListener('error', onError);
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      const answer = options.standAside() ? undefined : this.lookup(cacheKey(body.toString('utf8'), headers['accept-language'], this.today()));
      if (answer === undefined) {
        (request as ReadEarly)[READ_EARLY] = body;
        next(request, response);
        return;
      }
      this.hits += 1;
      this.earlyHits += 1;
      const requestId = options.requestId(request);
      options.requestLog?.(request, response, requestId, startedAt);
      // the headers Fastify sends for the same answer, in its order (x-request-id from the onRequest hook)
      response.writeHead(200, { 'x-request-id': requestId, 'content-type': CONTENT_TYPE, 'content-length': String(answer.bytes) });
      response.end(answer.body);
    };
    // a request that breaks off while its body is read goes on to Fastify with the error, which Fastify's body reader
    // then meets as it would have (its request log, the error handler's, no answer: the connection is gone)
    const onError = (error: Error) => {
      request.removeListener('data', onData);
      request.removeListener('end', onEnd);
      (request as ReadEarly)[BROKEN_EARLY] = error;
      next(request, response);
    };
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('error', onError);
  }

  /** The stored answer for `key` (none once the generation has changed: the cache is emptied first). */
  private lookup(key: string): Answer | undefined {
    const generation = this.generation();
    if (generation !== this.generationSeen) {
      this.responses.clear();
      this.generationSeen = generation;
    }
    return this.responses.get(key);
  }

  private answer(request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
    const key = this.keyOf(request);
    if (key === undefined || !this.cacheable(request)) return undefined;
    const answer = this.lookup(key);
    if (answer !== undefined) {
      this.hits += 1;
      return reply.header('content-type', CONTENT_TYPE).send(answer.body);
    }
    (request as Parsed)[PENDING] = { key, generation: this.generationSeen, bodyBytes: Buffer.byteLength((request as Parsed)[RAW_BODY]!) };
    return undefined;
  }

  private keep(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
    const pending = (request as Parsed)[PENDING];
    if (!pending || reply.statusCode !== 200 || typeof payload !== 'string') return;
    if (payload.length > MAX_RESPONSE_BYTES || !payload.startsWith('{"data"') || payload.includes('"errors"')) return;
    if (this.generation() !== pending.generation || this.generationSeen !== pending.generation) return;
    this.responses.set(pending.key, { body: payload, bytes: Buffer.byteLength(payload), bodyBytes: pending.bodyBytes });
    this.bodyLengths.set(pending.bodyBytes, (this.bodyLengths.get(pending.bodyBytes) ?? 0) + 1);
    this.stores += 1;
  }

  private forgetLength(bytes: number): void {
    const left = (this.bodyLengths.get(bytes) ?? 0) - 1;
    if (left > 0) this.bodyLengths.set(bytes, left);
    else this.bodyLengths.delete(bytes);
  }

  /** The cache key of a request that may be answered from the cache or stored in it, else undefined. */
  private keyOf(request: FastifyRequest): string | undefined {
    if (request.method !== 'POST' || request.headers.authorization !== undefined || request.headers['x-access-code'] !== undefined) return undefined;
    const q = request.url.indexOf('?');
    if ((q === -1 ? request.url : request.url.slice(0, q)) !== '/graphql') return undefined;
    const raw = (request as Parsed)[RAW_BODY];
    if (typeof raw !== 'string' || raw.length > MAX_BODY_LENGTH) return undefined;
    return cacheKey(raw, request.headers['accept-language'], this.today());
  }

  /** Whether the parsed body is one query of public catalog fields only. */
  private cacheable(request: FastifyRequest): boolean {
    const body = request.body as { query?: unknown; variables?: unknown; operationName?: unknown } | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
    const { query, variables, operationName } = body;
    if (typeof query !== 'string' || query.length > MAX_QUERY_LENGTH) return false;
    if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return false;
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return false;
    const documentKey = `${operationName ?? ''}\u0000${query}`;
    let cacheable = this.documents.get(documentKey);
    if (cacheable === undefined) {
      cacheable = isPublicCatalogQuery(query, operationName ?? undefined);
      this.documents.set(documentKey, cacheable);
    }
    return cacheable;
  }
}

/**
 * The key of a request body (as text) with its Accept-Language and the day; a NUL cannot occur in a header value,
 * so the parts cannot run into each other. The body itself is the key (at most 16 KB): no hashing per request.
 */
const cacheKey = (body: string, language: string | undefined, today: string): string => `${language ?? ''}\u0000${today}\u0000${body}`;

/** A body read by the early path, as the request stream Fastify would have read. */
function replay(body: Buffer): Readable {
  const stream = new Readable({ read() {} });
  stream.push(body);
  stream.push(null);
  return stream;
}

/** A request stream that fails with `error` once read, as the request whose body broke off failed for the early path. */
function failing(error: Error): Readable {
  return new Readable({
    read() {
      this.destroy(error);
    },
  });
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
