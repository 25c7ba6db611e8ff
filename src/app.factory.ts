import { randomUUID } from 'node:crypto';
import { fitConnectCallbacks } from './fitconnect/callbacks.js';
import { FitConnectService } from './fitconnect/fit-connect.service.js';
import type { IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { MikroORM, RequestContext } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { LogController, type FastifyRequest } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import { AppModule } from './app.module.js';
import { authenticate } from './auth/authenticate.js';
import { TokenVerifier } from './auth/token-verifier.service.js';
import { CitizenTokenVerifier } from './auth/citizen-token-verifier.service.js';
import type { Verifiers } from './auth/authenticate.js';
import { Permission } from './common/auth/permission.js';
import { ErrorCode } from './common/errors/error-code.js';
import { LotseError } from './common/errors/lotse.error.js';
import { HttpDrain } from './common/http/drain.js';
import { setJsonLimits } from './common/json-bounds.js';
import { NestPinoLogger } from './common/logging/logger.js';
import { earlyRequestLog } from './common/logging/request-log.js';
import { sendRestError } from './common/http/http-exception.filter.js';
import { documentNesting } from './graphql/document-nesting.js';
import { isImportOnly, LARGE_BODY, queryInPrefix } from './graphql/operation-body-limit.js';
import type { AppConfig } from './config/config.js';
import type { OrmHooks } from './database/orm-config.js';
import { CatalogStoreService } from './catalog/catalog-store.service.js';
import { currentBerlinDate } from './catalog/catalog-snapshot.js';
import { JSON_CONTENT_TYPE, PublicResponseCache } from './graphql/response-cache.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The request id of a response: the client's X-Request-Id when well-formed, else a new UUID. */
function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Nest's Fastify adapter, telling when the application has begun to shut down (Nest answers 503 from then on). */
class LotseFastifyAdapter extends FastifyAdapter {
  shuttingDown = false;

  override beforeClose(): void {
    this.shuttingDown = true;
    super.beforeClose();
  }
}

export interface CreateAppOptions {
  config: AppConfig;
  databaseUrl: string;
  logger: Logger;
  ormHooks?: OrmHooks;
}

function isGraphQLPost(request: FastifyRequest): boolean {
  if (request.method !== 'POST') return false;
  const q = request.url.indexOf('?');
  return (q === -1 ? request.url : request.url.slice(0, q)) === '/graphql';
}

const MULTIPART_CONTENT_TYPE = /^multipart\/form-data\s*;/i;

function isUploadPost(request: FastifyRequest): boolean {
  if (request.method !== 'POST') return false;
  const q = request.url.indexOf('?');
  return (q === -1 ? request.url : request.url.slice(0, q)) === '/attachments';
}

/** Passes a body through and fails it once it grows beyond `limit` bytes (for bodies without content-length). */
function limitStream(payload: NodeJS.ReadableStream, limit: number): NodeJS.ReadableStream {
  let seen = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      done(seen > limit ? new LotseError(ErrorCode.PAYLOAD_TOO_LARGE) : null, chunk);
    },
  });
  payload.on('error', (error) => limited.destroy(error));
  return payload.pipe(limited);
}

/**
 * Lets a large body through only when its first `prefixBytes` name an import-only GraphQL document; otherwise fails
 * it with PAYLOAD_TOO_LARGE before more than `prefixBytes` are held.
 */
function gateOnOperation(payload: NodeJS.ReadableStream, prefixBytes: number): NodeJS.ReadableStream {
  let held: Buffer[] = [];
  let size = 0;
  let open = false;
  const decide = (final: boolean): Error | null | undefined => {
    const prefix = Buffer.concat(held).toString('utf8');
    const query = queryInPrefix(prefix);
    if (query === undefined && !final && size < prefixBytes) return undefined; // not decided yet
    return query !== undefined && isImportOnly(query) ? null : new LotseError(ErrorCode.PAYLOAD_TOO_LARGE);
  };
  const gate = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (open) return done(null, chunk);
      held.push(chunk);
      size += chunk.length;
      const verdict = decide(false);
      if (verdict === undefined) return done();
      if (verdict) return done(verdict);
      open = true;
      const all = Buffer.concat(held);
      held = [];
      done(null, all);
    },
    flush(done) {
      if (open) return done();
      const verdict = decide(true);
      if (verdict) return done(verdict);
      done(null, Buffer.concat(held));
    },
  });
  payload.on('error', (error) => gate.destroy(error));
  return payload.pipe(gate);
}

/** Builds the Nest application on Fastify with every HTTP-level rule; `main.ts` and the tests share it. */
export async function createApp({ config, databaseUrl, logger, ormHooks }: CreateAppOptions): Promise<NestFastifyApplication> {
  // Fastify's request log ("incoming request", "request completed"); the early path below writes its lines through
  // the same controller
  const logController = new LogController();
  const adapter = new LotseFastifyAdapter({
    loggerInstance: logger,
    logController,
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: requestIdOf,
    return503OnClosing: true,
    trustProxy: config.trustProxy,
    // connections are closed by the drain (src/common/http/drain.ts), each after its last response
    forceCloseConnections: false,
    routerOptions: { maxParamLength: 200 },
  });
  const fastify = adapter.getInstance();
  // Anonymous public catalog queries answered from a bounded cache of whole responses per catalog generation
  // (src/graphql/response-cache.ts). Its early path runs before Fastify's handler and so before everything registered
  // below; it writes Fastify's request log lines itself (src/common/logging/request-log.ts) and stands aside whenever
  // a request must pass what it skips: the CORS hook, the drain and Nest's 503 while shutting down.
  // the catalog store exists once the application is created, below
  const catalog: { store?: CatalogStoreService } = {};
  const responseCache = new PublicResponseCache(() => catalog.store?.generation ?? -1, currentBerlinDate);
  const corsOn = config.corsOrigins.length > 0;
  responseCache.installEarly(fastify.server, {
    requestId: requestIdOf,
    standAside: () => corsOn || drain.isDraining || adapter.shuttingDown,
    requestLog: earlyRequestLog(fastify, logController, config.trustProxy),
  });
  responseCache.register(fastify);
  const drain = new HttpDrain(fastify.server);
  drain.attach(fastify);
  setJsonLimits({ maxDepth: config.jsonMaxDepth, maxNodes: config.jsonMaxNodes });
  // Body limits by operation: every GraphQL operation gets BODY_LIMIT_BYTES; only `importDefinitions` (whole files
  // as a string) may send up to twice the import limit (JSON escaping), and only from a caller whose token carries
  // CATALOG_EDIT (anyone else would be refused by the resolver anyway, after the whole body had been read). The
  // operation is read from the query in the body's first BODY_LIMIT_BYTES before the rest is read, and checked again
  // on the parsed body, so a second "query" key later in the body changes nothing.
  const importLimit = Math.max(config.bodyLimitBytes, 2 * config.importMaxBytes + 64 * 1024);
  // the verifier exists once the application is created, below
  const auth: { verifiers?: Verifiers } = {};
  const mayImport = async (request: FastifyRequest) => {
    if (!auth.verifiers || !request.headers.authorization) return false;
    const { principal } = await authenticate(request.headers.authorization, auth.verifiers);
    return principal?.permissions.has(Permission.CATALOG_EDIT) ?? false;
  };
  fastify.addHook('onRoute', (route) => {
    if (route.url === '/graphql') route.bodyLimit = importLimit;
  });
  fastify.addHook('preParsing', async (request, _reply, payload) => {
    if (!isGraphQLPost(request)) return payload;
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (declared <= config.bodyLimitBytes) return payload;
    if (!(await mayImport(request))) {
      if (Number.isFinite(declared)) throw new LotseError(ErrorCode.PAYLOAD_TOO_LARGE);
      return limitStream(payload, config.bodyLimitBytes);
    }
    (request as FastifyRequest & { [LARGE_BODY]?: boolean })[LARGE_BODY] = true;
    return gateOnOperation(payload, config.bodyLimitBytes);
  });
  fastify.addHook('preValidation', async (request) => {
    const large = (request as FastifyRequest & { [LARGE_BODY]?: boolean })[LARGE_BODY];
    if (!large || !isGraphQLPost(request)) return;
    const body = request.body as { query?: unknown } | undefined;
    const size = Number(request.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(size) && size <= config.bodyLimitBytes) return;
    if (typeof body?.query !== 'string' || !isImportOnly(body.query)) throw new LotseError(ErrorCode.PAYLOAD_TOO_LARGE);
  });
  // Only JSON bodies: a form or text body would make a cross-site "simple request" possible.
  fastify.removeContentTypeParser('text/plain');

  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (drain.isDraining && request.url.startsWith('/health/ready')) {
      // load balancers take the instance out at once; requests already here finish
      return reply.code(503).send({ status: 'shutting_down', info: {}, error: {}, details: {} });
    }
    if (isGraphQLPost(request) && !JSON_CONTENT_TYPE.test(request.headers['content-type'] ?? '')) {
      throw new LotseError(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
    }
    if (isUploadPost(request) && !MULTIPART_CONTENT_TYPE.test(request.headers['content-type'] ?? '')) {
      const error = new LotseError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Bitte die Datei als multipart/form-data senden.', undefined, 'Please send the file as multipart/form-data.');
      return sendRestError(request, reply.header('connection', 'close'), error);
    }
  });

  // The GraphQL parser recurses per bracket level: a document nested deeper than any valid one is refused before
  // it is parsed (selections are bounded by GRAPHQL_MAX_DEPTH, literals by JSON_MAX_DEPTH).
  const documentNestingLimit = config.graphqlMaxDepth + config.jsonMaxDepth + 16;
  fastify.addHook('preValidation', async (request) => {
    if (isGraphQLPost(request) && Array.isArray(request.body)) throw new LotseError(ErrorCode.BATCHING_NOT_SUPPORTED);
    if (!request.url.startsWith('/graphql')) return;
    const query = (request.method === 'GET' ? (request.query as { query?: unknown } | undefined) : (request.body as { query?: unknown } | undefined))?.query;
    if (typeof query === 'string' && documentNesting(query, documentNestingLimit) > documentNestingLimit) {
      throw new LotseError(ErrorCode.INPUT_TOO_DEEP, `Die GraphQL-Anfrage ist zu tief verschachtelt: erlaubt sind höchstens ${documentNestingLimit} Klammerebenen.`, { maxDepth: documentNestingLimit });
    }
  });

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, databaseUrl, ormHooks), adapter, {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
    // Fastify's own JSON parser (the same parser, with the same refusals of prototype poisoning and the route's body
    // limit); Nest's wrapper built a new parser for every request and added a form-urlencoded parser we never want
    bodyParser: false,
  });
  // without CORS_ORIGINS no browser origin is allowed: no CORS hook at all (it ran on every request only to add nothing)
  if (config.corsOrigins.length > 0) app.enableCors({
    origin: config.corsOrigins,
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ['content-type', 'authorization', 'x-request-id', 'x-access-code', 'accept-language'],
    exposedHeaders: ['x-request-id', 'content-disposition', 'x-lotse-sha256'],
    maxAge: 600,
  });

  // Uploads (POST /attachments): streamed part by part, never buffered; the file's own limit is checked while
  // it streams (FILE_TOO_LARGE), busboy's limit one byte above the largest allowed file is the backstop.
  await app.register(fastifyMultipart as never, {
    preservePath: true,
    throwFileSizeLimit: true,
    limits: { fileSize: config.attachmentMaxBytes + 1, files: 1, fields: 8, fieldSize: 1024, parts: 9, headerPairs: 40, fieldNameSize: 64 },
  });

  // FIT-Connect callbacks: verified on the raw body, so in a context of their own without the JSON parser.
  await app.register(fitConnectCallbacks(app.get(FitConnectService)) as never);

  // Bearer tokens on REST routes (GraphQL reads them in its context).
  const verifiers: Verifiers = { tokens: app.get(TokenVerifier), citizens: app.get(CitizenTokenVerifier) };
  auth.verifiers = verifiers;
  fastify.addHook('preHandler', async (request) => {
    if (request.headers.authorization && !request.url.startsWith('/graphql')) Object.assign(request, await authenticate(request.headers.authorization, verifiers));
  });

  catalog.store = app.get(CatalogStoreService);
  responseCaches.set(app, responseCache);

  // One MikroORM identity map per request, open for everything the handler does.
  const orm = app.get(MikroORM);
  fastify.addHook('preHandler', (_request, _reply, done) => {
    RequestContext.create(orm.em, done);
  });

  await app.init();
  drains.set(app, drain);
  return app;
}

const drains = new WeakMap<NestFastifyApplication, HttpDrain>();
const responseCaches = new WeakMap<NestFastifyApplication, PublicResponseCache>();

/** The response cache of an application made by {@link createApp}. */
export const responseCacheOf = (app: NestFastifyApplication): PublicResponseCache | undefined => responseCaches.get(app);

/** The drain of an application made by {@link createApp}. */
export const drainOf = (app: NestFastifyApplication): HttpDrain | undefined => drains.get(app);

/**
 * The one way to stop an application (the service's signal handler and the tests' teardown): drain HTTP (ready 503,
 * each connection closed after its last response), then Nest's shutdown: the server closes, the queue stops (jobs
 * in flight finish or are released), the ORM closes.
 */
export async function closeApp(app: NestFastifyApplication): Promise<void> {
  drains.get(app)?.begin();
  await app.close();
}
