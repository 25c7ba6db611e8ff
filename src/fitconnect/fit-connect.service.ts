import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK, type JSONWebKeySet } from 'jose';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { EventPublisher } from '../delivery/event-publisher.service.js';
import { FITCONNECT_QUEUE, QueueService } from '../delivery/queue.service.js';
import { ApplicationFiles } from '../attachments/application-files.js';
import { ApplicationPdfService } from '../attachments/application-pdf.service.js';
import { SubmissionEventEntity } from '../processing/entities/submission-event.entity.js';
import { SubmissionEntity } from '../submissions/entities/submission.entity.js';
import { every } from '../common/every.js';
import { FormVersionEntity } from '../forms/entities/form-version.entity.js';
import { XoevService } from '../xoev/xoev.service.js';
import { DeliveryDestinationEntity } from './entities/delivery-destination.entity.js';
import { FitConnectDeliveryEntity, type FitConnectDeliveryState, type FitConnectSteps } from './entities/fit-connect-delivery.entity.js';
import { ATTACHMENT_NAMESPACE, encryptCompact, importEncryptionKey, keyBits, keyProblems, sha512Hex, uuidV5 } from './crypto.js';
import { fitRequest, TransportError, type HttpAnswer } from './http.js';
import { METADATA_SCHEMA_URI, metadataProblems, type FitConnectMetadata } from './metadata.js';

/** The FIT-Connect event types (SET `events` claim keys) and the delivery state each leads to. */
export const EVENT_PREFIX = 'https://schema.fitko.de/fit-connect/events/';
const EVENT_STATES: Record<string, FitConnectDeliveryState> = {
  'submit-submission': 'SUBMITTED',
  'forward-submission': 'FORWARDED',
  'accept-submission': 'ACCEPTED',
  'reject-submission': 'REJECTED',
  'delete-submission': 'DELETED',
};
const RANK: Record<FitConnectDeliveryState, number> = { QUEUED: 0, ANNOUNCED: 1, SUBMITTED: 2, FORWARDED: 3, ACCEPTED: 4, REJECTED: 4, DELETED: 5, FAILED: 6 };
const OPEN_STATES: FitConnectDeliveryState[] = ['SUBMITTED', 'FORWARDED'];

/** A problem answer (RFC 7807) that ends a delivery: 400 or 422. */
export class DeliveryRefused extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
  ) {
    super(`HTTP ${status}: ${title} (${type})`);
    this.name = 'DeliveryRefused';
  }
}

/** Any other failure: retried with back-off. */
class DeliveryFailed extends Error {}

interface CachedKey {
  kid: string;
  jwk: JWK;
  until: number;
}

/**
 * Delivers submissions end-to-end encrypted over FIT-Connect (Submission API, sender side): token, destination,
 * encryption key, announce, each attachment, then metadata and data. Every step is stored on the delivery, so a retry
 * resumes after the last finished one and never submits twice. Events of the Zustelldienst (SETs, PS512) come by
 * callback or by polling and move the delivery's state once per `jti`.
 */
@Injectable()
export class FitConnectService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(FitConnectService.name);
  private readonly tokens = new Map<string, { token: string; until: number }>();
  private readonly keys = new Map<string, CachedKey>();
  private readonly jwks = new Map<string, { set: JSONWebKeySet; until: number }>();
  private stopPolling?: () => void;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly em: EntityManager,
    private readonly queue: QueueService,
    private readonly events: EventPublisher,
    private readonly xoev: XoevService,
    private readonly files: ApplicationFiles,
    private readonly pdf: ApplicationPdfService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.fitConnectEnabled) return;
    this.events.onReceipt((em, submission) => this.queueDelivery(em, submission));
    if (!this.config.queueEnabled) return;
    await this.queue.addWorker<{ deliveryId: string }>(FITCONNECT_QUEUE, (job) => this.deliver(job.deliveryId));
    if (this.config.workerEnabled && this.config.fitConnectPollSeconds > 0) {
      this.stopPolling = every(this.config.fitConnectPollSeconds * 1000, () => this.pollOpen(), (e) => this.logger.warn({ msg: 'FIT-Connect poll failed', err: e.message }));
    }
  }

  onApplicationShutdown(): void {
    this.stopPolling?.();
  }

  private get apiVersion(): string {
    return this.config.fitConnectApiVersion;
  }

  private api(destination: DeliveryDestinationEntity, path: string): URL {
    return new URL(`${destination.submissionApiUrl.replace(/\/$/, '')}/${this.apiVersion}${path}`);
  }

  /** The destination configured for a submission: its service's own, else the organisation's for all services. */
  async destinationFor(em: EntityManager, organisationId: string, serviceId: string): Promise<DeliveryDestinationEntity | null> {
    const found = await em.find(DeliveryDestinationEntity, { organisationId, serviceKey: { $in: [serviceId, '*'] } });
    return found.find((d) => d.serviceKey === serviceId) ?? found.find((d) => d.serviceKey === '*') ?? null;
  }

  /** In the receipt's transaction: a delivery row and its job, when the organisation has a destination. */
  async queueDelivery(em: EntityManager, submission: SubmissionEntity): Promise<void> {
    const destination = await this.destinationFor(em, submission.organisationId, submission.serviceId);
    if (!destination) return;
    const delivery = em.create(FitConnectDeliveryEntity, { submissionId: submission.id, destinationConfigId: destination.id });
    await em.flush();
    await this.queue.enqueueInTransaction(em, FITCONNECT_QUEUE, { deliveryId: delivery.id });
  }

  /** Queues a delivery again (after FAILED, or to resume at once); a submitted one is never sent again. */
  async redeliver(em: EntityManager, submission: SubmissionEntity): Promise<FitConnectDeliveryEntity[]> {
    const destination = await this.destinationFor(em, submission.organisationId, submission.serviceId);
    let deliveries = await em.find(FitConnectDeliveryEntity, { submissionId: submission.id }, { orderBy: { createdAt: 'asc' } });
    await em.transactional(async (tx) => {
      if (deliveries.length === 0 && destination) {
        await this.queueDelivery(tx, submission);
        return;
      }
      for (const d of deliveries) {
        if (d.steps.submittedAt) continue;
        await tx.getConnection().execute(`update fit_connect_delivery set state = case when state = 'FAILED' then (case when fit_connect_submission_id is null then 'QUEUED' else 'ANNOUNCED' end) else state end, attempts = 0, last_error = null, updated_at = now() where id = ?`, [d.id], 'run', tx.getTransactionContext());
        await this.queue.enqueueInTransaction(tx, FITCONNECT_QUEUE, { deliveryId: d.id });
      }
    });
    deliveries = await em.fork().find(FitConnectDeliveryEntity, { submissionId: submission.id }, { orderBy: { createdAt: 'asc' } });
    return deliveries;
  }

  // ---------------------------------------------------------------------------------------------- sending

  private allowHttp(): boolean {
    return this.config.fitConnectAllowTestKeys;
  }

  private async request(url: URL, options: { method: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<HttpAnswer> {
    return fitRequest(url, { ...options, timeoutMs: this.config.fitConnectTimeoutMs, policy: { allowedHosts: this.config.webhookAllowedHosts }, allowHttp: this.allowHttp() });
  }

  private secret(name: string): string {
    const value = process.env[name];
    if (!value) throw new DeliveryFailed(`Umgebungsvariable ${name} ist nicht gesetzt`);
    return value;
  }

  private async token(destination: DeliveryDestinationEntity): Promise<string> {
    const cached = this.tokens.get(destination.id);
    if (cached && cached.until > Date.now()) return cached.token;
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: destination.clientId, client_secret: this.secret(destination.clientSecretEnv) }).toString();
    const res = await this.request(new URL(destination.tokenUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body });
    if (res.status !== 200) throw new DeliveryFailed(`Token-Endpunkt: HTTP ${res.status}`);
    const json = JSON.parse(res.body.toString('utf8')) as { access_token?: string; expires_in?: number };
    if (!json.access_token) throw new DeliveryFailed('Token-Endpunkt: kein access_token');
    this.tokens.set(destination.id, { token: json.access_token, until: Date.now() + Math.max(0, (json.expires_in ?? 300) - 30) * 1000 });
    return json.access_token;
  }

  /** An authorised call; a 401 fetches a new token once. */
  private async call(destination: DeliveryDestinationEntity, method: string, path: string, body?: { json?: unknown; jose?: string }): Promise<HttpAnswer> {
    for (let round = 0; ; round++) {
      const token = await this.token(destination);
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json, application/problem+json' };
      let payload: string | undefined;
      if (body?.json !== undefined) {
        headers['content-type'] = 'application/json';
        payload = JSON.stringify(body.json);
      } else if (body?.jose !== undefined) {
        headers['content-type'] = 'application/jose';
        payload = body.jose;
      }
      const res = await this.request(this.api(destination, path), { method, headers, body: payload });
      if (res.status === 401 && round === 0) {
        this.tokens.delete(destination.id);
        continue;
      }
      if (res.status === 401) throw new DeliveryFailed(`${method} ${path}: HTTP 401 auch mit neuem Token`);
      if (res.status === 400 || res.status === 422) {
        let problem: { type?: string; title?: string } = {};
        try {
          problem = JSON.parse(res.body.toString('utf8'));
        } catch {
          // not a problem document
        }
        throw new DeliveryRefused(res.status, problem.type ?? 'about:blank', problem.title ?? `HTTP ${res.status}`);
      }
      if (res.status >= 300) throw new DeliveryFailed(`${method} ${path}: HTTP ${res.status}`);
      return res;
    }
  }

  /** The destination's current encryption key: cached FITCONNECT_KEY_CACHE_SECONDS, checked before use. */
  async encryptionKey(destination: DeliveryDestinationEntity, fresh = false): Promise<CachedKey> {
    const cached = this.keys.get(destination.id);
    if (!fresh && cached && cached.until > Date.now()) return cached;
    const info = JSON.parse((await this.call(destination, 'GET', `/destinations/${encodeURIComponent(destination.destinationId)}`)).body.toString('utf8')) as { status?: string; encryptionKid?: string };
    if (info.status !== undefined && info.status !== 'active') throw new DeliveryFailed(`Zustellpunkt nicht aktiv (${info.status})`);
    if (!info.encryptionKid) throw new DeliveryFailed('Zustellpunkt nennt keinen encryptionKid');
    const jwk = JSON.parse((await this.call(destination, 'GET', `/destinations/${encodeURIComponent(destination.destinationId)}/keys/${encodeURIComponent(info.encryptionKid)}`)).body.toString('utf8')) as JWK;
    const problems = keyProblems(jwk as never, info.encryptionKid, this.config.fitConnectAllowTestKeys);
    if (problems.length > 0) throw new DeliveryFailed(`Verschlüsselungsschlüssel abgelehnt: ${problems.join('; ')}`);
    const key = { kid: info.encryptionKid, jwk, until: Date.now() + this.config.fitConnectKeyCacheSeconds * 1000 };
    this.keys.set(destination.id, key);
    return key;
  }

  /** One attempt of a delivery (the job's handler). Throws to be retried. */
  async deliver(deliveryId: string): Promise<void> {
    const conn = this.em.getConnection();
    const leased = await conn.execute<Array<{ id: string }>>(
      `update fit_connect_delivery set lease_until = now() + make_interval(secs => ?), attempts = attempts + 1, updated_at = now()
       where id = ? and state in ('QUEUED', 'ANNOUNCED') and (lease_until is null or lease_until < now()) returning id`,
      [Math.ceil((this.config.fitConnectTimeoutMs * 8) / 1000), deliveryId],
    );
    if (leased.length === 0) {
      const row = await this.em.fork().findOne(FitConnectDeliveryEntity, { id: deliveryId });
      if (!row || !['QUEUED', 'ANNOUNCED'].includes(row.state)) return; // done, failed or gone: nothing to do
      throw new Error(`FIT-Connect delivery ${deliveryId} is being worked on elsewhere`);
    }
    const em = this.em.fork();
    const delivery = await em.findOneOrFail(FitConnectDeliveryEntity, { id: deliveryId });
    try {
      await this.attempt(em, delivery);
      delivery.leaseUntil = null;
      delivery.lastError = null;
      await em.flush();
    } catch (error) {
      const refused = error instanceof DeliveryRefused;
      const last = refused || delivery.attempts >= this.config.fitConnectMaxAttempts;
      const message = String((error as Error).message ?? error).slice(0, 500);
      delivery.leaseUntil = null;
      delivery.lastError = refused ? `${(error as DeliveryRefused).type}: ${(error as DeliveryRefused).title}` : message;
      if (last) await this.changeState(em, delivery, 'FAILED');
      await em.flush();
      if (refused) {
        this.logger.warn({ msg: 'FIT-Connect delivery refused', deliveryId, problem: delivery.lastError });
        return; // never retried
      }
      this.logger.warn({ msg: 'FIT-Connect delivery attempt failed', deliveryId, attempts: delivery.attempts, err: message });
      throw error; // retried by the queue; after the last attempt it lands in the dead queue
    }
  }

  private async attempt(em: EntityManager, delivery: FitConnectDeliveryEntity): Promise<void> {
    const destination = await em.findOne(DeliveryDestinationEntity, { id: delivery.destinationConfigId });
    if (!destination) throw new DeliveryRefused(0, 'urn:lotse:destination-removed', 'Zustellziel gelöscht');
    const submission = await em.findOneOrFail(SubmissionEntity, { id: delivery.submissionId });
    const steps: FitConnectSteps = { ...delivery.steps };

    // what is sent: the application PDF (purpose form) and each file of the applicant (attachment)
    if (!steps.attachments) {
      const files = await this.files.list(submission.id);
      steps.attachments = [
        { id: uuidV5(ATTACHMENT_NAMESPACE, `${submission.id}:application-pdf`), sourceId: 'application-pdf', purpose: 'form', fileName: `${submission.referenceNumber}.pdf`, mimeType: 'application/pdf' },
        ...files.map((f) => ({ id: uuidV5(ATTACHMENT_NAMESPACE, `${submission.id}:${f.id}`), sourceId: f.id, purpose: 'attachment' as const, fileName: f.fileName, mimeType: f.mediaType })),
      ];
      delivery.steps = steps;
      await em.flush();
    }

    let key = await this.encryptionKey(destination);
    const form = await em.findOne(FormVersionEntity, { id: `${submission.formId}@${submission.formVersion}` }, { fields: ['data'] });
    const serviceName = form?.data.title?.de ?? submission.formId;

    if (!delivery.fitConnectSubmissionId) {
      const announced = steps.attachments.map((a) => a.id);
      const service = { name: serviceName, identifier: submission.serviceId };
      const body = this.apiVersion === 'v1' ? { destinationId: destination.destinationId, announcedAttachments: announced, serviceType: service } : { destinationId: destination.destinationId, announcedAttachments: announced, publicService: service };
      const res = JSON.parse((await this.call(destination, 'POST', '/submissions', { json: body })).body.toString('utf8')) as { submissionId?: string; caseId?: string };
      if (!res.submissionId || !res.caseId) throw new DeliveryFailed('Ankündigung ohne submissionId oder caseId');
      delivery.fitConnectSubmissionId = res.submissionId;
      delivery.caseId = res.caseId;
      await this.changeState(em, delivery, 'ANNOUNCED');
      await em.flush();
    }
    const submissionPath = `/submissions/${delivery.fitConnectSubmissionId}`;

    // an earlier attempt sent the final PUT but did not see the answer (crash, timeout): the event log tells whether it
    // arrived (submit-submission), so that it is never sent twice
    if (steps.finalPutAt && (await this.submittedPerEventLog(destination, delivery))) {
      delivery.steps = { ...steps, submittedAt: new Date().toISOString() };
      await this.changeState(em, delivery, 'SUBMITTED');
      return;
    }

    for (;;) {
      try {
        for (const attachment of steps.attachments) {
          if (attachment.uploadedAt) continue;
          const bytes = attachment.sourceId === 'application-pdf' ? await this.pdf.render(submission) : await this.fileBytes(submission.id, attachment.sourceId);
          const jwe = await encryptCompact(bytes, await importEncryptionKey(key.jwk), key.kid, attachment.mimeType);
          await this.call(destination, 'PUT', `${submissionPath}/attachments/${attachment.id}`, { jose: jwe });
          attachment.sha512 = sha512Hex(bytes);
          attachment.uploadedAt = new Date().toISOString();
          delivery.steps = { ...steps, encryptionKid: key.kid };
          await em.flush();
        }
        const exported = await this.xoev.export(submission);
        const metadata: FitConnectMetadata = {
          $schema: METADATA_SCHEMA_URI,
          contentStructure: {
            data: { hash: { type: 'sha512', content: sha512Hex(Buffer.from(exported.xml, 'utf8')) }, submissionSchema: { schemaUri: exported.metadata.submissionSchema.schemaUri, mimeType: 'application/xml' } },
            attachments: steps.attachments.map((a) => ({ hash: { type: 'sha512' as const, content: a.sha512! }, purpose: a.purpose, filename: a.fileName, mimeType: a.mimeType, attachmentId: a.id })),
          },
          publicServiceType: { name: serviceName.slice(0, 255), identifier: submission.serviceId },
          additionalReferenceInfo: { senderReference: submission.referenceNumber, applicationDate: submission.submittedAt.toISOString().slice(0, 10) },
        };
        const problems = metadataProblems(metadata);
        if (problems.length > 0) throw new DeliveryRefused(0, 'urn:lotse:metadata-invalid', `Metadatensatz ungültig: ${problems.join('; ')}`);
        const imported = await importEncryptionKey(key.jwk);
        const encryptedMetadata = await encryptCompact(Buffer.from(JSON.stringify(metadata), 'utf8'), imported, key.kid, 'application/json');
        const encryptedData = await encryptCompact(Buffer.from(exported.xml, 'utf8'), imported, key.kid, 'application/xml');
        delivery.steps = { ...steps, encryptionKid: key.kid, finalPutAt: new Date().toISOString() };
        await em.flush();
        await this.call(destination, 'PUT', submissionPath, { json: { encryptedMetadata, encryptedData } });
        break;
      } catch (error) {
        // refused for its key (rotated meanwhile): encrypt everything again, once, with the fresh key
        if (error instanceof DeliveryRefused && /key/i.test(error.type) && !steps.reEncrypted) {
          steps.reEncrypted = true;
          for (const a of steps.attachments) {
            delete a.uploadedAt;
            delete a.sha512;
          }
          delivery.steps = { ...steps };
          await em.flush();
          key = await this.encryptionKey(destination, true);
          continue;
        }
        throw error;
      }
    }
    delivery.steps = { ...steps, encryptionKid: key.kid, submittedAt: new Date().toISOString() };
    await this.changeState(em, delivery, 'SUBMITTED');
  }

  /** Whether the case's event log holds a verified submit-submission SET for this delivery. */
  private async submittedPerEventLog(destination: DeliveryDestinationEntity, delivery: FitConnectDeliveryEntity): Promise<boolean> {
    const res = await this.call(destination, 'GET', `/cases/${delivery.caseId}/events`);
    const log = (JSON.parse(res.body.toString('utf8')) as { eventLog?: unknown[] }).eventLog ?? [];
    for (const set of log) {
      if (typeof set !== 'string') continue;
      const verified = await this.verifySet(destination, set);
      if (verified && verified.txn === `case:${delivery.caseId}` && verified.sub === `submission:${delivery.fitConnectSubmissionId}` && `${EVENT_PREFIX}submit-submission` in verified.events) return true;
    }
    return false;
  }

  private async fileBytes(submissionId: string, attachmentId: string): Promise<Buffer> {
    const file = (await this.files.list(submissionId)).find((f) => f.id === attachmentId);
    if (!file) throw new DeliveryRefused(0, 'urn:lotse:attachment-gone', `Anhang ${attachmentId} nicht mehr vorhanden`);
    return this.files.bytes(file.sha256);
  }

  /** Moves a delivery's state (never backwards) and tells webhooks and, where it matters, the case history. */
  private async changeState(em: EntityManager, delivery: FitConnectDeliveryEntity, to: FitConnectDeliveryState, note?: string): Promise<boolean> {
    // conditional on the stored state: a worker and an event never move a delivery backwards, whoever writes last
    const from = to === 'FAILED' ? ['QUEUED', 'ANNOUNCED'] : (Object.keys(RANK) as FitConnectDeliveryState[]).filter((s) => s !== 'FAILED' && RANK[s] < RANK[to]);
    await em.flush();
    const moved = await em.getConnection().execute<Array<{ id: string }>>(
      `update fit_connect_delivery set state = ?, updated_at = now() where id = ? and state in (${from.map(() => '?').join(', ')}) returning id`,
      [to, delivery.id, ...from],
    );
    await em.refresh(delivery);
    if (moved.length === 0) return false;
    await em.transactional(async (tx) => {
      const submission = await tx.findOne(SubmissionEntity, { id: delivery.submissionId });
      if (!submission) return;
      if (to === 'ACCEPTED') {
        tx.create(SubmissionEventEntity, { submissionId: submission.id, kind: 'DELIVERY_ACCEPTED', actorType: 'SYSTEM', publicNoteDe: 'Bei der Behörde eingegangen', publicNoteEn: 'Received by the authority' });
      } else if (to === 'REJECTED') {
        tx.create(SubmissionEventEntity, { submissionId: submission.id, kind: 'DELIVERY_REJECTED', actorType: 'SYSTEM', internalNote: `FIT-Connect: Die Behörde hat die Einreichung zurückgewiesen.${note ? ` ${note}` : ''} Bitte prüfen.` });
      } else if (to === 'FAILED') {
        tx.create(SubmissionEventEntity, { submissionId: submission.id, kind: 'DELIVERY_FAILED', actorType: 'SYSTEM', internalNote: `FIT-Connect-Zustellung gescheitert: ${delivery.lastError ?? 'unbekannter Fehler'}` });
      }
      await tx.flush();
      await this.events.submissionEvent(tx, 'submission.delivery_changed', submission, {
        delivery: { id: delivery.id, state: to, fitConnectSubmissionId: delivery.fitConnectSubmissionId ?? null, caseId: delivery.caseId ?? null, lastError: delivery.lastError ?? null },
      });
    });
    return true;
  }

  // ---------------------------------------------------------------------------------------------- events

  /** Verifies a callback: timestamp (≤ 300 s old, ≤ 60 s ahead) and HMAC-SHA-512 of "timestamp.body". */
  verifyCallback(destination: DeliveryDestinationEntity, timestamp: string | undefined, signature: string | undefined, rawBody: Buffer): boolean {
    if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp) || !/^[0-9a-f]{128}$/i.test(signature)) return false;
    const age = Math.floor(Date.now() / 1000) - Number(timestamp);
    if (age > 300 || age < -60) return false;
    const secret = process.env[destination.callbackSecretEnv];
    if (!secret) return false;
    const expected = createHmac('sha512', secret).update(`${timestamp}.`).update(rawBody).digest();
    const given = Buffer.from(signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  async destination(id: string): Promise<DeliveryDestinationEntity | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    return this.em.fork().findOne(DeliveryDestinationEntity, { id });
  }

  /** After a valid callback: the event logs of the destination's open deliveries (those named in the body first). */
  async onCallback(destination: DeliveryDestinationEntity, body: unknown): Promise<number> {
    const named = new Set<string>();
    const collect = (v: unknown) => {
      if (typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v)) named.add(v.toLowerCase());
      else if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') Object.values(v).forEach(collect);
    };
    collect(body);
    const open = await this.em.fork().find(FitConnectDeliveryEntity, { destinationConfigId: destination.id, state: { $in: OPEN_STATES } }, { limit: 500 });
    const chosen = named.size > 0 ? open.filter((d) => named.has(String(d.caseId)) || named.has(String(d.fitConnectSubmissionId))) : open;
    let applied = 0;
    for (const d of chosen.length > 0 ? chosen : open) applied += await this.pollDelivery(d.id);
    return applied;
  }

  /** Every open delivery's event log (FITCONNECT_POLL_SECONDS). */
  async pollOpen(): Promise<number> {
    const open = await this.em.fork().find(FitConnectDeliveryEntity, { state: { $in: OPEN_STATES } }, { limit: 1000 });
    let applied = 0;
    for (const d of open) applied += await this.pollDelivery(d.id).catch(() => 0);
    return applied;
  }

  /** Fetches a case's events and applies each verified SET once. Returns how many were new. */
  async pollDelivery(deliveryId: string): Promise<number> {
    const em = this.em.fork();
    const delivery = await em.findOne(FitConnectDeliveryEntity, { id: deliveryId });
    if (!delivery?.caseId) return 0;
    const destination = await em.findOne(DeliveryDestinationEntity, { id: delivery.destinationConfigId });
    if (!destination) return 0;
    const res = await this.call(destination, 'GET', `/cases/${delivery.caseId}/events`);
    const log = (JSON.parse(res.body.toString('utf8')) as { eventLog?: unknown[] }).eventLog ?? [];
    let applied = 0;
    for (const set of log) {
      if (typeof set !== 'string') continue;
      const verified = await this.verifySet(destination, set);
      if (!verified) continue; // bad signature, wrong type, other case: ignored
      if (verified.txn !== `case:${delivery.caseId}` || verified.sub !== `submission:${delivery.fitConnectSubmissionId}`) continue;
      for (const uri of Object.keys(verified.events)) {
        if (!uri.startsWith(EVENT_PREFIX)) continue;
        const to = EVENT_STATES[uri.slice(EVENT_PREFIX.length)];
        if (!to) continue;
        const inserted = await em.getConnection().execute<Array<{ jti: string }>>(
          `insert into fit_connect_event (jti, delivery_id, event_type, issued_at, applied_at) values (?, ?, ?, to_timestamp(?), now()) on conflict (jti) do nothing returning jti`,
          [verified.jti, delivery.id, uri, verified.iat],
        );
        if (inserted.length === 0) continue; // seen before
        applied++;
        const problems = (verified.events[uri] as { problems?: Array<{ title?: string }> } | undefined)?.problems;
        await this.changeState(em, delivery, to, problems?.map((p) => p.title).filter(Boolean).join('; '));
      }
    }
    return applied;
  }

  private async jwksFor(destination: DeliveryDestinationEntity, fresh: boolean): Promise<JSONWebKeySet> {
    const origin = new URL(destination.submissionApiUrl).origin;
    const cached = this.jwks.get(origin);
    if (!fresh && cached && cached.until > Date.now()) return cached.set;
    const res = await this.request(new URL('/.well-known/jwks.json', origin), { method: 'GET', headers: { accept: 'application/json' } });
    if (res.status !== 200) throw new DeliveryFailed(`JWKS: HTTP ${res.status}`);
    const set = JSON.parse(res.body.toString('utf8')) as JSONWebKeySet;
    this.jwks.set(origin, { set, until: Date.now() + this.config.fitConnectKeyCacheSeconds * 1000 });
    return set;
  }

  /** A SET (RFC 8417) signed PS512 by the Zustelldienst; undefined when it does not verify. */
  private async verifySet(destination: DeliveryDestinationEntity, set: string): Promise<{ jti: string; iat: number; sub: string; txn: string; events: Record<string, unknown> } | undefined> {
    let header;
    try {
      header = decodeProtectedHeader(set);
    } catch {
      return undefined;
    }
    if (header.alg !== 'PS512' || header.typ !== 'secevent+jwt') return undefined;
    for (const fresh of [false, true]) {
      const keys = await this.jwksFor(destination, fresh);
      if (fresh === false && !keys.keys.some((k) => k.kid === header.kid)) continue;
      try {
        const { payload } = await jwtVerify(set, createLocalJWKSet(keys), { algorithms: ['PS512'], typ: 'secevent+jwt' });
        if (typeof payload.jti !== 'string' || typeof payload.iat !== 'number' || typeof payload.sub !== 'string' || typeof payload.txn !== 'string' || !payload.events || typeof payload.events !== 'object') return undefined;
        return { jti: payload.jti, iat: payload.iat, sub: payload.sub, txn: payload.txn, events: payload.events as Record<string, unknown> };
      } catch {
        return undefined;
      }
    }
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------- checks

  /** Token, destination and key as a delivery would fetch them, with every problem named. */
  async check(destination: DeliveryDestinationEntity): Promise<{ ok: boolean; encryptionKid?: string; keyBits?: number; problems: string[] }> {
    const problems: string[] = [];
    if (!process.env[destination.clientSecretEnv]) problems.push(`Umgebungsvariable ${destination.clientSecretEnv} (Client-Secret) ist nicht gesetzt`);
    if (!process.env[destination.callbackSecretEnv]) problems.push(`Umgebungsvariable ${destination.callbackSecretEnv} (Callback-Secret) ist nicht gesetzt`);
    if (problems.length > 0) return { ok: false, problems };
    try {
      const key = await this.encryptionKey(destination, true);
      return { ok: true, encryptionKid: key.kid, keyBits: keyBits(key.jwk), problems: [] };
    } catch (error) {
      const message = error instanceof TransportError ? `nicht erreichbar: ${error.message}` : String((error as Error).message);
      return { ok: false, problems: [message] };
    }
  }
}
