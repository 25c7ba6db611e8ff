import { createHash, createHmac, generateKeyPair, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import { compactDecrypt, exportJWK, importJWK, SignJWT, type JWK } from 'jose';
import { metadataProblems } from '../../src/fitconnect/metadata.js';
import type { DeliveryDestinationInput } from '../../src/fitconnect/models.js';

/**
 * A fake FIT-Connect Zustelldienst (Submission API, sender side) for tests: token endpoint, destination and its
 * keys, submissions with attachments, case event logs of SETs signed PS512, callbacks signed HMAC-SHA-512. It decrypts
 * everything it receives with its private keys and checks the round trip (hashes, metadata schema). Switches simulate
 * outage, 5xx, hanging requests, expired tokens, refused submissions and key rotation.
 *
 * Test keys only: 4096-bit RSA generated once and kept in the OS temp folder (generation is slow), never committed.
 */

const gen = promisify(generateKeyPair);
/** The environment variables that hold the fake's secrets for Lotse (`fakeEnv`, `destinationInput`). */
const CLIENT_SECRET_ENV = 'FAKE_FITCONNECT_CLIENT_SECRET';
const CALLBACK_SECRET_ENV = 'FAKE_FITCONNECT_CALLBACK_SECRET';
const EVENTS = 'https://schema.fitko.de/fit-connect/events/';

export interface TestKeys {
  encryption: JWK[]; // private JWKs (RSA-OAEP-256), kid set
  signing: JWK; // private JWK (PS512)
}

/** Two encryption keys and one signing key, 4096 bits, generated once per machine and day (temp folder). */
export async function testKeys(): Promise<TestKeys> {
  const file = join(tmpdir(), `lotse-fitconnect-test-keys-${process.getuid?.() ?? 0}.json`);
  if (existsSync(file) && Date.now() - statSync(file).mtimeMs < 86_400_000) return JSON.parse(readFileSync(file, 'utf8')) as TestKeys;
  const make = async (kid: string, alg: string) => {
    const { privateKey } = await gen('rsa', { modulusLength: 4096 });
    return { ...(await exportJWK(privateKey)), kid, alg };
  };
  const [a, b, s] = await Promise.all([make(`enc-${randomUUID()}`, 'RSA-OAEP-256'), make(`enc-${randomUUID()}`, 'RSA-OAEP-256'), make(`sig-${randomUUID()}`, 'PS512')]);
  const keys = { encryption: [a, b], signing: s };
  writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  return keys;
}

const publicPart = (jwk: JWK): JWK => {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub } = jwk;
  return pub;
};

export interface ReceivedSubmission {
  submissionId: string;
  caseId: string;
  destinationId: string;
  announcedAttachments: string[];
  publicService?: unknown;
  attachments: Map<string, { jwe: string; kid: string; cty?: string; bytes: Buffer }>;
  submitted: boolean;
  submitCount: number;
  metadata?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: string;
  /** The round trip check of the final PUT: every hash equal, metadata valid. */
  check?: { ok: boolean; problems: string[] };
}

export interface FakeOptions {
  destinationId?: string;
  clientId?: string;
  clientSecret?: string;
  callbackSecret?: string;
  /** Where to send callbacks (Lotse's /callbacks/fit-connect/{id}); set later with setCallbackUrl. */
  callbackUrl?: string;
  port?: number;
}

export class FakeZustelldienst {
  readonly destinationId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly callbackSecret: string;
  callbackUrl?: string;
  port = 0;
  private app?: FastifyInstance;
  private tokens = new Set<string>();
  private readonly pending = new Set<Promise<void>>();
  readonly submissions = new Map<string, ReceivedSubmission>();
  /** SETs per case, as the event log returns them. */
  readonly eventLogs = new Map<string, string[]>();
  /** Every request as "METHOD path" (for counting). */
  readonly requests: string[] = [];
  /** The kid the destination names; keys the fake can decrypt with. */
  encryptionKid: string;
  private decryptKeys = new Map<string, JWK>();
  private publishedKeys = new Map<string, JWK>();
  /** Extra keys in the JWKS (e.g. a key Lotse must not trust). */
  // switches
  failNext = 0;
  failStatus = 503;
  /** Only requests ("METHOD /path") matching this fail or hang (all when unset). */
  failMatch?: RegExp;
  hangNext = 0;
  unauthorizedNext = 0;
  refuseNext?: { status: number; type: string; title: string };
  /** Refuse the final PUT for its key when it was encrypted with another kid than the current one. */
  refuseStaleKey = true;
  /** Accept the next final PUT, then cut the connection without an answer (the sender cannot know it arrived). */
  dropAnswerAfterSubmit = false;
  /** Extra fields for the published key (e.g. a short key, missing key_ops) to test key checks. */
  keyOverride?: Partial<JWK> & { key_ops?: string[] };

  constructor(
    readonly keys: TestKeys,
    options: FakeOptions = {},
  ) {
    this.destinationId = options.destinationId ?? randomUUID();
    this.clientId = options.clientId ?? 'lotse-test-client';
    this.clientSecret = options.clientSecret ?? `secret-${randomUUID()}`;
    this.callbackSecret = options.callbackSecret ?? `callback-${randomUUID()}`;
    this.callbackUrl = options.callbackUrl;
    this.port = options.port ?? 0;
    const first = keys.encryption[0];
    this.encryptionKid = first.kid!;
    this.decryptKeys.set(first.kid!, first);
    this.publishedKeys.set(first.kid!, first);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get tokenUrl(): string {
    return `${this.baseUrl}/token`;
  }

  /**
   * The destination of an organisation (for every service) at this fake, as setDeliveryDestination takes it; its
   * secrets named as `fakeEnv` provides them. `over` changes single fields.
   */
  destinationInput(organisationId: string, over: Partial<DeliveryDestinationInput> = {}): DeliveryDestinationInput {
    return {
      organisationId,
      serviceId: null,
      destinationId: this.destinationId,
      submissionApiUrl: this.baseUrl,
      tokenUrl: this.tokenUrl,
      clientId: this.clientId,
      clientSecretEnv: CLIENT_SECRET_ENV,
      callbackSecretEnv: CALLBACK_SECRET_ENV,
      ...over,
    };
  }

  /** Switches to the second test key; the old one stays decryptable unless `dropOld`. */
  rotateKey(dropOld = false): string {
    const next = this.keys.encryption.find((k) => k.kid !== this.encryptionKid)!;
    if (dropOld) {
      this.decryptKeys.delete(this.encryptionKid);
      this.publishedKeys.delete(this.encryptionKid);
    }
    this.encryptionKid = next.kid!;
    this.decryptKeys.set(next.kid!, next);
    this.publishedKeys.set(next.kid!, next);
    return next.kid!;
  }

  invalidateTokens(): void {
    this.tokens.clear();
  }

  async start(): Promise<this> {
    const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
    app.addContentTypeParser('application/jose', { parseAs: 'string' }, (_r, body, done) => done(null, body));
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) => done(null, new URLSearchParams(body as string)));
    app.addHook('onRequest', async (req, reply) => {
      this.requests.push(`${req.method} ${req.url.split('?')[0]}`);
      if (req.url === '/token' || req.url.startsWith('/.well-known/')) return;
      if (this.hangNext > 0 && (!this.failMatch || this.failMatch.test(`${req.method} ${req.url.split('?')[0]}`))) {
        this.hangNext--;
        await new Promise((r) => setTimeout(r, 3_600_000).unref()); // never answers (the client's timeout ends it)
      }
      if (this.failNext > 0 && (!this.failMatch || this.failMatch.test(`${req.method} ${req.url.split('?')[0]}`))) {
        this.failNext--;
        return reply.code(this.failStatus).send({ type: 'about:blank', title: 'Dienst nicht verfügbar' });
      }
      const auth = req.headers.authorization?.replace(/^Bearer /, '');
      if (!auth || !this.tokens.has(auth) || this.unauthorizedNext > 0) {
        if (this.unauthorizedNext > 0) this.unauthorizedNext--;
        return reply.code(401).send({ type: 'about:blank', title: 'Unauthorized' });
      }
    });
    app.post('/token', async (req, reply) => {
      const form = req.body as URLSearchParams;
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
        return reply.code(401).send({ error: 'invalid_client' });
      }
      const token = randomUUID();
      this.tokens.add(token);
      return { access_token: token, token_type: 'Bearer', expires_in: 1800 };
    });
    app.get('/.well-known/jwks.json', async () => ({ keys: [{ ...publicPart(this.keys.signing), use: 'sig', alg: 'PS512' }] }));
    for (const v of ['v1', 'v2']) this.routes(app, v);
    await app.listen({ port: this.port, host: '127.0.0.1' });
    const address = app.server.address();
    this.port = typeof address === 'object' && address ? address.port : this.port;
    this.app = app;
    return this;
  }

  /** Stops listening (connection refused) until {@link start} again, on the same port. */
  async stop(): Promise<void> {
    const app = this.app;
    this.app = undefined;
    if (!app) return;
    app.server.closeAllConnections();
    await app.close();
  }

  private problem(reply: { code: (n: number) => { send: (b: unknown) => unknown } }, status: number, type: string, title: string) {
    return reply.code(status).send({ type: `https://schema.fitko.de/fit-connect/submission-api/problems/${type}`, title, status });
  }

  private routes(app: FastifyInstance, v: string): void {
    app.get<{ Params: { id: string } }>(`/${v}/destinations/:id`, async (req, reply) => {
      if (req.params.id !== this.destinationId) return this.problem(reply, 404, 'destination-not-found', 'Zustellpunkt unbekannt');
      return { destinationId: this.destinationId, status: 'active', encryptionKid: this.encryptionKid, metadataVersions: ['1.2.0'] };
    });
    app.get<{ Params: { id: string; kid: string } }>(`/${v}/destinations/:id/keys/:kid`, async (req, reply) => {
      const key = this.publishedKeys.get(req.params.kid);
      if (req.params.id !== this.destinationId || !key) return this.problem(reply, 404, 'key-not-found', 'Schlüssel unbekannt');
      return { ...publicPart(key), use: 'enc', key_ops: ['wrapKey'], alg: 'RSA-OAEP-256', ...(this.keyOverride ?? {}) };
    });
    app.post<{ Body: Record<string, unknown> }>(`/${v}/submissions`, async (req, reply) => {
      const body = req.body ?? {};
      if (body.destinationId !== this.destinationId) return this.problem(reply, 422, 'destination-unknown', 'Zustellpunkt unbekannt');
      if (!Array.isArray(body.announcedAttachments)) return this.problem(reply, 400, 'invalid-request', 'announcedAttachments fehlt');
      const s: ReceivedSubmission = {
        submissionId: randomUUID(),
        caseId: randomUUID(),
        destinationId: this.destinationId,
        announcedAttachments: body.announcedAttachments as string[],
        publicService: body.publicService ?? body.serviceType,
        attachments: new Map(),
        submitted: false,
        submitCount: 0,
      };
      this.submissions.set(s.submissionId, s);
      return reply.code(201).send({ destinationId: this.destinationId, submissionId: s.submissionId, caseId: s.caseId });
    });
    app.put<{ Params: { id: string; aid: string }; Body: string }>(`/${v}/submissions/:id/attachments/:aid`, async (req, reply) => {
      const s = this.submissions.get(req.params.id);
      if (!s) return this.problem(reply, 404, 'submission-not-found', 'Einreichung unbekannt');
      if (s.submitted) return this.problem(reply, 409, 'submission-state', 'Einreichung bereits abgeschickt');
      if (!s.announcedAttachments.includes(req.params.aid)) return this.problem(reply, 422, 'attachment-not-announced', 'Anhang nicht angekündigt');
      const opened = await this.open(String(req.body));
      if ('error' in opened) return this.problem(reply, 422, opened.error, opened.title);
      s.attachments.set(req.params.aid, { jwe: String(req.body), kid: opened.kid, cty: opened.cty, bytes: opened.bytes });
      return reply.code(204).send();
    });
    app.put<{ Params: { id: string }; Body: { encryptedMetadata?: string; encryptedData?: string } }>(`/${v}/submissions/:id`, async (req, reply) => {
      const s = this.submissions.get(req.params.id);
      if (!s) return this.problem(reply, 404, 'submission-not-found', 'Einreichung unbekannt');
      if (this.refuseNext) {
        const r = this.refuseNext;
        this.refuseNext = undefined;
        return reply.code(r.status).send({ type: r.type, title: r.title, status: r.status });
      }
      if (s.submitted) return this.problem(reply, 409, 'submission-state', 'Einreichung bereits abgeschickt');
      const missing = s.announcedAttachments.filter((a) => !s.attachments.has(a));
      if (missing.length > 0) return this.problem(reply, 422, 'missing-attachments', `Angekündigte Anhänge fehlen: ${missing.join(', ')}`);
      const meta = await this.open(String(req.body?.encryptedMetadata ?? ''));
      const data = await this.open(String(req.body?.encryptedData ?? ''));
      if ('error' in meta) return this.problem(reply, 422, meta.error, meta.title);
      if ('error' in data) return this.problem(reply, 422, data.error, data.title);
      // attachments encrypted with a key rotated away meanwhile: refused for the key, as a real destination would
      const stale = [...s.attachments.values()].some((a) => a.kid !== this.encryptionKid) || meta.kid !== this.encryptionKid;
      if (stale && this.refuseStaleKey && !this.decryptKeys.has(meta.kid)) return this.problem(reply, 422, 'encryption-key-invalid', 'Verschlüsselungsschlüssel ungültig');
      s.metadata = JSON.parse(meta.bytes.toString('utf8'));
      s.data = data.bytes.toString('utf8');
      s.check = this.roundTrip(s, data.bytes);
      s.submitted = true;
      s.submitCount++;
      await this.emit(s.submissionId, 'submit-submission');
      if (this.dropAnswerAfterSubmit) {
        this.dropAnswerAfterSubmit = false;
        req.raw.socket.destroy();
        return reply.hijack();
      }
      return reply.code(202).send({ destinationId: s.destinationId, submissionId: s.submissionId, caseId: s.caseId });
    });
    app.get<{ Params: { caseId: string } }>(`/${v}/cases/:caseId/events`, async (req) => {
      const log = this.eventLogs.get(req.params.caseId) ?? [];
      return { count: log.length, offset: 0, totalCount: log.length, eventLog: log };
    });
  }

  private async open(jwe: string): Promise<{ kid: string; cty?: string; bytes: Buffer } | { error: string; title: string }> {
    let header: { kid?: string; alg?: string; enc?: string; cty?: string };
    try {
      header = JSON.parse(Buffer.from(jwe.split('.')[0], 'base64url').toString('utf8'));
    } catch {
      return { error: 'encryption-invalid', title: 'Kein JWE' };
    }
    if (header.alg !== 'RSA-OAEP-256' || header.enc !== 'A256GCM') return { error: 'encryption-invalid', title: `alg ${header.alg} / enc ${header.enc}` };
    const key = header.kid ? this.decryptKeys.get(header.kid) : undefined;
    if (!key) return { error: 'encryption-key-invalid', title: `Schlüssel ${header.kid} unbekannt` };
    try {
      const { plaintext } = await compactDecrypt(jwe, await importJWK(key, 'RSA-OAEP-256'));
      return { kid: header.kid!, cty: header.cty, bytes: Buffer.from(plaintext) };
    } catch (error) {
      return { error: 'encryption-invalid', title: `Entschlüsselung gescheitert: ${(error as Error).message}` };
    }
  }

  private roundTrip(s: ReceivedSubmission, data: Buffer): { ok: boolean; problems: string[] } {
    const problems = metadataProblems(s.metadata);
    const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('hex');
    const content = s.metadata?.contentStructure;
    if (content?.data?.hash?.content !== sha512(data)) problems.push('Hash der Daten stimmt nicht');
    for (const a of content?.attachments ?? []) {
      const got = s.attachments.get(a.attachmentId);
      if (!got) problems.push(`Anhang ${a.attachmentId} fehlt`);
      else if (sha512(got.bytes) !== a.hash?.content) problems.push(`Hash von Anhang ${a.attachmentId} stimmt nicht`);
      else if (got.cty !== a.mimeType) problems.push(`cty von Anhang ${a.attachmentId} ist ${got.cty}, erwartet ${a.mimeType}`);
    }
    if ((content?.attachments ?? []).length !== s.announcedAttachments.length) problems.push('Zahl der Anhänge stimmt nicht');
    return { ok: problems.length === 0, problems };
  }

  /** A SET for the submission, signed PS512 with the fake's key (or, with `forged`, with another key). */
  async signSet(submissionId: string, event: string, options: { forged?: boolean; jti?: string; payload?: Record<string, unknown> } = {}): Promise<string> {
    const s = this.submissions.get(submissionId)!;
    const signer = options.forged ? { ...this.keys.encryption[1], alg: 'PS512', kid: this.keys.signing.kid } : this.keys.signing;
    return new SignJWT({ sub: `submission:${s.submissionId}`, txn: `case:${s.caseId}`, events: { [`${EVENTS}${event}`]: options.payload ?? {} } })
      .setProtectedHeader({ alg: 'PS512', typ: 'secevent+jwt', kid: this.keys.signing.kid })
      .setIssuer(this.destinationId)
      .setIssuedAt()
      .setJti(options.jti ?? randomUUID())
      .sign(await importJWK(signer, 'PS512'));
  }

  /** Adds an event to the case's log and, when a callback URL is set, tells Lotse (signed). */
  async emit(submissionId: string, event: string, options: { forged?: boolean; callback?: boolean } = {}): Promise<string> {
    const s = this.submissions.get(submissionId)!;
    const set = await this.signSet(submissionId, event, options);
    this.eventLogs.set(s.caseId, [...(this.eventLogs.get(s.caseId) ?? []), set]);
    if (options.callback !== false && this.callbackUrl) {
      // after the answer that caused it, as a real Zustelldienst does
      const send = () => this.sendCallback({ type: 'https://schema.fitko.de/fit-connect/callbacks/new-events', caseIds: [s.caseId] }).catch(() => undefined);
      if (event === 'submit-submission') {
        const pending = new Promise<void>((resolve) => setTimeout(() => void send().then(() => resolve()), 200).unref()).finally(() => this.pending.delete(pending));
        this.pending.add(pending);
      } else await send();
    }
    return set;
  }

  /** Waits for the callbacks still on their way (sent shortly after a submission's final PUT). */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /** A correctly signed callback body and headers (tests tamper with them). */
  signCallback(body: unknown, timestamp = Math.floor(Date.now() / 1000)): { body: string; headers: Record<string, string> } {
    const raw = JSON.stringify(body);
    const mac = createHmac('sha512', this.callbackSecret).update(`${timestamp}.${raw}`).digest('hex');
    return { body: raw, headers: { 'content-type': 'application/json', 'callback-timestamp': String(timestamp), 'callback-authentication': mac } };
  }

  async sendCallback(body: unknown, url = this.callbackUrl!): Promise<number> {
    const signed = this.signCallback(body);
    const res = await fetch(url, { method: 'POST', headers: signed.headers, body: signed.body });
    await res.arrayBuffer();
    return res.status;
  }

  /** The submitted submission whose metadata names this Lotse reference number. */
  byReference(referenceNumber: string): ReceivedSubmission[] {
    return [...this.submissions.values()].filter((s) => s.submitted && s.metadata?.additionalReferenceInfo?.senderReference === referenceNumber);
  }
}

/** A started fake with fresh (cached) test keys. */
export async function startFakeZustelldienst(options: FakeOptions = {}): Promise<FakeZustelldienst> {
  return new FakeZustelldienst(await testKeys(), options).start();
}

/** The environment Lotse needs to talk to the fake: test keys allowed, its loopback address allowed, the secrets. */
export function fakeEnv(fake: FakeZustelldienst, extraAllowed: string[] = []): Record<string, string> {
  return {
    FITCONNECT_ENABLED: 'true',
    FITCONNECT_ALLOW_TEST_KEYS: 'true',
    WEBHOOK_ALLOWED_HOSTS: [`127.0.0.1:${fake.port}`, ...extraAllowed].join(','),
    [CLIENT_SECRET_ENV]: fake.clientSecret,
    [CALLBACK_SECRET_ENV]: fake.callbackSecret,
  };
}
