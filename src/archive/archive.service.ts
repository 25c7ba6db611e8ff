import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { zipSync } from 'fflate';
import type { Logger } from 'pino';
import { OrganisationEntity } from '../catalog/entities/organisation.entity.js';
import { ServiceEntity } from '../catalog/entities/service.entity.js';
import { visibleOrganisationIds } from '../catalog/organisation-scope.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { LotseError, notFound } from '../common/errors/lotse.error.js';
import type { AppConfig } from '../config/config.js';
import { SubmissionEventEntity } from '../processing/entities/submission-event.entity.js';
import { SubmissionEntity } from '../submissions/entities/submission.entity.js';
import { type ArchiveDocumentSource, sha256Hex } from './document-sources.js';
import { ArchiveOfferEntity } from './entities/archive-offer.entity.js';
import { CaseRetentionEntity } from './entities/case-retention.entity.js';
import { eraseCase } from './erasure.js';
import { refreshRetention } from './retention-rules.js';
import { type ArchiveDecision, berlinDate, isDue, RetentionState } from './retention.js';
import { evaluationsOf, importResultsOf, readIncoming } from './xdomea.parser.js';
import { validateXdomea } from './xdomea-schema.js';
import { build0501, build0503, type CaseRecord, type Kopf, type MessageCode, messageFileName, parseFormatCodes, type ProtocolEntry } from './xdomea.serializer.js';

export interface OfferResult { offerId: string; messageId: string; file: string; records: number }
export interface EvaluationResult { offerId: string; archive: number; destroy: number; undecided: number }
export interface HandoverResult { offerId: string; messageId?: string; file?: string; records: number; sha256?: string; closed: boolean }
export interface ReceiptResult { offerId: string; closed: boolean; imported: number; failed: string[]; acknowledgedOnly: boolean }
export interface DeletionRun { deleted: number; held: number; failed: number }

const ACTORS: Record<string, string> = { SYSTEM: 'Lotse (System)', APPLICANT: 'Antragsteller/in', STAFF: 'Sachbearbeitung' };

/**
 * The Aussonderung of closed cases (xdomea 3.0.0): offer list (0501), evaluation (0502 or on paper), handover
 * (0503 in a ZIP with a SHA-256 manifest), receipt (0506 or on paper), and deletion with proof. Used by the CLI
 * commands and the supervisor API alike; every message is validated against the XSD before it leaves.
 */
export class ArchiveService {
  private readonly formatCodes: Map<string, string>;

  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly sources: ArchiveDocumentSource[],
    private readonly logger?: Logger,
    private readonly version = '0.1.0',
  ) {
    this.formatCodes = parseFormatCodes(config.xdomeaFormatCodes);
  }

  /** 0501 of the cases of `organisationId` (and its units) past their period whose rule is OFFER or ARCHIVE. */
  async offer(organisationId: string, asOf = berlinDate(), outDir = '.'): Promise<OfferResult> {
    const em = this.em.fork();
    await refreshRetention(em);
    const orgs = await visibleOrganisationIds(em, { subject: 'archive', organisationId, permissions: new Set() });
    const candidates = (await em.find(CaseRetentionEntity, { organisationId: { $in: orgs }, state: RetentionState.RETAINED, legalHold: false }, { orderBy: { retainUntil: 'asc', id: 'asc' } }))
      .filter((r) => isDue(r.retainUntil, asOf) && r.rule.archive !== 'DESTROY');
    if (candidates.length === 0) throw new LotseError(ErrorCode.ARCHIVE_NOTHING_DUE, undefined, { organisationId, asOf });
    const offerId = randomUUID();
    const messageId = randomUUID();
    const records = await this.records(em, candidates, false);
    const xml = build0501(await this.kopf(em, organisationId, offerId, '0501'), records);
    await this.assertValid(xml, '0501', offerId);
    await em.transactional(async (tx) => {
      tx.create(ArchiveOfferEntity, { id: offerId, organisationId, asOf, offerMessageId: messageId, offerSha256: sha256Hex(xml) });
      for (const c of candidates) {
        const updated = await tx.nativeUpdate(CaseRetentionEntity, { id: c.id, state: RetentionState.RETAINED, legalHold: false }, {
          state: RetentionState.OFFERED,
          offerId,
          decision: c.rule.archive === 'ARCHIVE' ? 'ARCHIVE' : undefined,
          updatedAt: new Date(),
        });
        if (updated === 0) throw new LotseError(ErrorCode.CONFLICT, 'Ein Vorgang wurde während des Anbietens geändert; bitte erneut versuchen.');
      }
    });
    const file = join(outDir, messageFileName(offerId, '0501', 'xml'));
    await mkdir(outDir, { recursive: true });
    await writeFile(file, xml);
    return { offerId, messageId, file, records: records.length };
  }

  /** Reads a 0502 answer: archive or destroy per offered record. */
  async evaluationFromMessage(xml: string): Promise<EvaluationResult> {
    const message = readIncoming(xml, ['0502']);
    const validation = await validateXdomea(xml, this.config.xdomeaXsdDir);
    if (!validation.valid) {
      throw new LotseError(ErrorCode.ARCHIVE_MESSAGE_MALFORMED, `Das Bewertungsverzeichnis entspricht nicht dem xdomea-3.0.0-Schema: ${validation.errors[0]?.message.trim() ?? ''}`, {
        errors: validation.errors.slice(0, 10).map((e) => e.message.trim()),
      });
    }
    return this.recordDecisions(message.processId, evaluationsOf(message), '0502');
  }

  /** A paper answer for the whole offer (`--all ARCHIVE|DESTROY`). */
  async evaluationForAll(offerId: string, decision: ArchiveDecision): Promise<EvaluationResult> {
    const records = await this.em.fork().find(CaseRetentionEntity, { offerId });
    return this.recordDecisions(offerId, records.map((r) => ({ recordId: r.recordId, decision: r.rule.archive === 'ARCHIVE' ? 'ARCHIVE' : decision })), 'PAPER');
  }

  /** One decision by a supervisor (API). */
  async decide(offerId: string, submissionId: string, decision: ArchiveDecision): Promise<EvaluationResult> {
    const row = await this.em.fork().findOne(CaseRetentionEntity, { offerId, submissionId });
    if (!row) throw notFound('Dieser Vorgang gehört nicht zu dieser Aussonderung.');
    return this.recordDecisions(offerId, [{ recordId: row.recordId, decision }], 'API');
  }

  private async recordDecisions(offerId: string, decisions: Array<{ recordId: string; decision: ArchiveDecision }>, source: string): Promise<EvaluationResult> {
    return this.em.fork().transactional(async (tx) => {
      const offer = await tx.findOne(ArchiveOfferEntity, { id: offerId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!offer) throw new LotseError(ErrorCode.ARCHIVE_MESSAGE_UNEXPECTED, `Eine Aussonderung mit der ProzessID ${offerId} gibt es nicht.`, { offerId });
      if (offer.state !== 'OFFERED' && offer.state !== 'EVALUATED') {
        throw new LotseError(ErrorCode.ARCHIVE_WRONG_STATE, `Die Aussonderung ${offerId} ist schon übergeben; die Bewertung kann nicht mehr geändert werden.`, { state: offer.state });
      }
      const rows = await tx.find(CaseRetentionEntity, { offerId });
      const byRecord = new Map(rows.map((r) => [r.recordId, r]));
      for (const d of decisions) {
        const row = byRecord.get(d.recordId);
        if (!row) throw new LotseError(ErrorCode.ARCHIVE_MESSAGE_UNEXPECTED, `Das Objekt ${d.recordId} wurde in dieser Aussonderung nicht angeboten.`, { recordId: d.recordId });
        row.decision = d.decision;
        row.state = RetentionState.EVALUATED;
      }
      const undecided = rows.filter((r) => !r.decision).length;
      if (undecided === 0) {
        offer.state = 'EVALUATED';
        offer.evaluatedAt = new Date();
      }
      offer.evaluationSource = source;
      await tx.flush();
      return { offerId, archive: rows.filter((r) => r.decision === 'ARCHIVE').length, destroy: rows.filter((r) => r.decision === 'DESTROY').length, undecided };
    });
  }

  /** 0503 with the records to archive and their documents, as one ZIP with a SHA-256 manifest. */
  async handover(offerId: string, outDir = '.'): Promise<HandoverResult> {
    const em = this.em.fork();
    const offer = await em.findOne(ArchiveOfferEntity, { id: offerId });
    if (!offer) throw notFound(`Eine Aussonderung mit der ProzessID ${offerId} gibt es nicht.`);
    if (offer.state !== 'EVALUATED') {
      throw new LotseError(ErrorCode.ARCHIVE_WRONG_STATE, offer.state === 'OFFERED' ? 'Das Archiv hat noch nicht über alle angebotenen Vorgänge entschieden.' : 'Diese Aussonderung ist schon übergeben.', { state: offer.state });
    }
    const chosen = await em.find(CaseRetentionEntity, { offerId, decision: 'ARCHIVE' }, { orderBy: { retainUntil: 'asc', id: 'asc' } });
    if (chosen.length === 0) {
      // the archive wants none of them: nothing to hand over, the offer is done and deletion may go ahead
      await em.nativeUpdate(ArchiveOfferEntity, { id: offerId, state: 'EVALUATED' }, { state: 'CLOSED', closedAt: new Date(), receipt: 'NONE', updatedAt: new Date() });
      return { offerId, records: 0, closed: true };
    }
    const records = await this.records(em, chosen, true);
    for (const d of records.flatMap((r) => r.documents)) {
      if (!this.formatCodes.has(d.mediaType)) {
        throw new LotseError(ErrorCode.ARCHIVE_FORMAT_CODE_MISSING, `Für „${d.mediaType}“ ist kein Code der xdomea-Codeliste Dateiformat eingerichtet (XDOMEA_FORMAT_CODES).`, { mediaType: d.mediaType });
      }
    }
    const xml = build0503(await this.kopf(em, offer.organisationId, offerId, '0503'), records, this.formatCodes);
    await this.assertValid(xml, '0503', offerId);
    const { zip, sha256 } = packHandover(offerId, xml, records);
    const messageId = randomUUID();
    const file = join(outDir, messageFileName(offerId, '0503', 'zip'));
    await mkdir(outDir, { recursive: true });
    await writeFile(file, zip);
    await em.transactional(async (tx) => {
      const updated = await tx.nativeUpdate(ArchiveOfferEntity, { id: offerId, state: 'EVALUATED' }, { state: 'HANDED_OVER', handoverMessageId: messageId, handoverSha256: sha256, handedOverAt: new Date(), updatedAt: new Date() });
      if (updated === 0) throw new LotseError(ErrorCode.ARCHIVE_WRONG_STATE, 'Diese Aussonderung wurde gerade übergeben.');
      await tx.nativeUpdate(CaseRetentionEntity, { offerId, decision: 'ARCHIVE' }, { state: RetentionState.HANDED_OVER, updatedAt: new Date() });
    });
    return { offerId, messageId, file, records: records.length, sha256, closed: false };
  }

  /** 0506 (import confirmation; closes the handover when every record was imported) or 0504 (offer received). */
  async receiptFromMessage(xml: string): Promise<ReceiptResult> {
    const message = readIncoming(xml, ['0504', '0506']);
    const validation = await validateXdomea(xml, this.config.xdomeaXsdDir);
    if (!validation.valid) {
      throw new LotseError(ErrorCode.ARCHIVE_MESSAGE_MALFORMED, `Die Bestätigung entspricht nicht dem xdomea-3.0.0-Schema: ${validation.errors[0]?.message.trim() ?? ''}`);
    }
    const em = this.em.fork();
    const offer = await em.findOne(ArchiveOfferEntity, { id: message.processId });
    if (!offer) throw new LotseError(ErrorCode.ARCHIVE_MESSAGE_UNEXPECTED, `Eine Aussonderung mit der ProzessID ${message.processId} gibt es nicht.`);
    if (message.code === '0504') return { offerId: offer.id, closed: offer.state === 'CLOSED', imported: 0, failed: [], acknowledgedOnly: true };
    if (offer.state !== 'HANDED_OVER') throw new LotseError(ErrorCode.ARCHIVE_WRONG_STATE, 'Diese Aussonderung wartet auf keine Importbestätigung.', { state: offer.state });
    const results = importResultsOf(message);
    const handed = await em.find(CaseRetentionEntity, { offerId: offer.id, decision: 'ARCHIVE' });
    const ok = new Set(results.filter((r) => r.ok).map((r) => r.recordId));
    const failed = handed.filter((r) => !ok.has(r.recordId)).map((r) => r.recordId);
    if (failed.length === 0) await this.close(offer.id, '0506');
    return { offerId: offer.id, closed: failed.length === 0, imported: ok.size, failed, acknowledgedOnly: false };
  }

  /** A confirmation on paper. */
  async receiptOnPaper(offerId: string, confirmedBy: string): Promise<ReceiptResult> {
    if (!confirmedBy.trim() || confirmedBy.length > 200) throw new LotseError(ErrorCode.BAD_USER_INPUT, 'Bitte geben Sie an, wer die Übernahme bestätigt hat (höchstens 200 Zeichen).');
    const offer = await this.em.fork().findOne(ArchiveOfferEntity, { id: offerId });
    if (!offer) throw notFound(`Eine Aussonderung mit der ProzessID ${offerId} gibt es nicht.`);
    if (offer.state !== 'HANDED_OVER') throw new LotseError(ErrorCode.ARCHIVE_WRONG_STATE, 'Diese Aussonderung wartet auf keine Übernahmebestätigung.', { state: offer.state });
    await this.close(offerId, `PAPER:${confirmedBy.trim()}`);
    const imported = await this.em.fork().count(CaseRetentionEntity, { offerId, decision: 'ARCHIVE' });
    return { offerId, closed: true, imported, failed: [], acknowledgedOnly: false };
  }

  private async close(offerId: string, receipt: string): Promise<void> {
    const updated = await this.em.fork().nativeUpdate(ArchiveOfferEntity, { id: offerId, state: 'HANDED_OVER' }, { state: 'CLOSED', closedAt: new Date(), receipt, updatedAt: new Date() });
    if (updated === 0) throw new LotseError(ErrorCode.ARCHIVE_WRONG_STATE, 'Diese Aussonderung ist schon abgeschlossen.');
  }

  /**
   * Deletes with proof every case whose records may go: handed over and confirmed, evaluated DESTROY in a closed
   * offer, or past its period under a DESTROY rule. One transaction per case (row lock, erasure, deletion record,
   * state), so a crash leaves every case either untouched or completely deleted, and a rerun picks up the rest.
   * `afterEach` is for tests (simulating a crash between two cases).
   */
  async deleteDue(asOf = berlinDate(), afterEach?: (deleted: number) => void): Promise<DeletionRun> {
    const em = this.em.fork();
    await refreshRetention(em);
    const closedOffers = (await em.find(ArchiveOfferEntity, { state: 'CLOSED' }, { fields: ['id'] })).map((o) => o.id);
    const candidates = (await em.find(CaseRetentionEntity, { state: { $ne: RetentionState.DELETED } }, { orderBy: { retainUntil: 'asc', id: 'asc' } })).filter(
      (r) =>
        (r.offerId !== undefined && r.offerId !== null && closedOffers.includes(r.offerId) && (r.state === RetentionState.HANDED_OVER || r.decision === 'DESTROY')) ||
        (r.state === RetentionState.RETAINED && r.rule.archive === 'DESTROY' && isDue(r.retainUntil, asOf)),
    );
    const run: DeletionRun = { deleted: 0, held: 0, failed: 0 };
    for (const candidate of candidates) {
      if (candidate.legalHold) {
        run.held += 1;
        continue;
      }
      const done = await this.em.fork().transactional(async (tx) => {
        const row = await tx.findOne(CaseRetentionEntity, { id: candidate.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
        if (!row || row.state === RetentionState.DELETED) return false;
        if (row.legalHold) return false;
        await eraseCase(tx, row.submissionId, {
          reason: row.offerId && row.state === RetentionState.HANDED_OVER ? 'HANDED_OVER_TO_ARCHIVE' : 'DESTROYED_AFTER_RETENTION',
          offerId: row.offerId ?? undefined,
          triggerAt: row.triggerAt,
          retainUntil: row.retainUntil,
        });
        row.state = RetentionState.DELETED;
        await tx.flush();
        return true;
      });
      if (done) {
        run.deleted += 1;
        afterEach?.(run.deleted);
      }
    }
    this.logger?.info({ msg: 'archive deletion run', ...run, asOf });
    return run;
  }

  /** Puts a legal hold on a case (or lifts it): no offer and no deletion while held. */
  async setLegalHold(submissionId: string, hold: boolean, actor: string, reason?: string): Promise<CaseRetentionEntity> {
    const em = this.em.fork();
    await refreshRetention(em);
    let row = await em.findOne(CaseRetentionEntity, { submissionId });
    if (!row) {
      // a case still in processing: the hold is recorded now and kept when its period starts
      const submission = await em.findOne(SubmissionEntity, { id: submissionId });
      if (!submission) throw notFound();
      throw new LotseError(ErrorCode.ARCHIVE_WRONG_STATE, 'Der Vorgang ist noch in Bearbeitung; eine Sperre ist erst nach seinem Abschluss nötig.');
    }
    if (row.state === RetentionState.DELETED) throw new LotseError(ErrorCode.ARCHIVE_WRONG_STATE, 'Der Vorgang ist schon gelöscht.');
    row = Object.assign(row, { legalHold: hold, legalHoldReason: hold ? reason : undefined, legalHoldBy: hold ? actor : undefined });
    await em.flush();
    return row;
  }

  private async assertValid(xml: string, code: MessageCode, offerId: string): Promise<void> {
    const validation = await validateXdomea(xml, this.config.xdomeaXsdDir);
    if (!validation.valid) {
      this.logger?.error({ msg: `xdomea ${code} does not validate; not handed out`, offerId, errors: validation.errors.slice(0, 20) });
      throw new LotseError(ErrorCode.ARCHIVE_MESSAGE_INVALID, undefined, { code, errors: validation.errors.slice(0, 5).map((e) => e.message.trim()) });
    }
  }

  private async kopf(em: EntityManager, organisationId: string, processId: string, code: MessageCode): Promise<Kopf> {
    const org = await em.findOne(OrganisationEntity, { id: organisationId });
    const county = org?.kind === 'UNIT' && org.parentId ? await em.findOne(OrganisationEntity, { id: org.parentId }) : null;
    return {
      processId,
      code,
      createdAt: new Date(),
      sender: county
        ? { institution: county.data.name.de, unit: org?.data.name.de }
        : { institution: org?.data.name.de ?? organisationId, shortName: org?.data.shortName },
      recipient: { institution: this.config.archiveRecipientName },
      system: { name: 'Lotse', version: this.version },
    };
  }

  /** One record after the other: each reads its files and renders its PDF, so that a large offer does not take every pooled connection at once. */
  private async records(em: EntityManager, rows: CaseRetentionEntity[], withDocuments: boolean): Promise<CaseRecord[]> {
    const records: CaseRecord[] = [];
    for (const row of rows) records.push(await this.record(em, row, withDocuments));
    return records;
  }

  /** The case as an xdomea record: catalog metadata, the event history as protocol, documents when handing over. */
  private async record(em: EntityManager, retention: CaseRetentionEntity, withDocuments: boolean): Promise<CaseRecord & { submission: SubmissionEntity }> {
    const submission = await em.findOneOrFail(SubmissionEntity, { id: retention.submissionId });
    const [service, org, events] = await Promise.all([
      em.findOne(ServiceEntity, { id: submission.serviceId }),
      em.findOne(OrganisationEntity, { id: submission.organisationId }),
      em.find(SubmissionEventEntity, { submissionId: submission.id }, { orderBy: { createdAt: 'asc', id: 'asc' } }),
    ]);
    const documents = [];
    for (const source of this.sources) documents.push(...(await source.documentsFor(submission, retention.recordId, withDocuments)));
    const rule = retention.rule;
    return {
      submission,
      recordId: retention.recordId,
      referenceNumber: submission.referenceNumber,
      serviceTitle: service?.data.title.de ?? submission.serviceId,
      fileplanMark: rule.fileplanMark,
      organisationName: org?.data.name.de ?? submission.organisationId,
      confidentiality: rule.confidentiality ?? '003',
      submittedAt: submission.submittedAt,
      endedAt: retention.triggerAt,
      retentionYears: rule.years,
      retainUntil: retention.retainUntil,
      archive: rule.archive,
      legalBasis: rule.legalBasis,
      protocol: events.map(protocolEntry),
      documents: withDocuments ? documents : documents.map((d) => ({ ...d, bytes: new Uint8Array() })),
    };
  }
}

function protocolEntry(e: SubmissionEventEntity): ProtocolEntry {
  const actor = e.actorType === 'STAFF' && e.actorId ? `${ACTORS.STAFF} (${e.actorId})` : (ACTORS[e.actorType] ?? e.actorType);
  const notes = [e.publicNoteDe, e.internalNote ? `intern: ${e.internalNote}` : undefined, e.items?.length ? `angefordert: ${e.items.join(', ')}` : undefined].filter(Boolean);
  const actions: Record<string, string> = {
    RECEIVED: 'Antrag eingegangen',
    ACKNOWLEDGED: 'Eingang bestätigt',
    STATUS_CHANGED: 'Status geändert',
    ASSIGNED: 'Zugewiesen',
    DOCUMENTS_REQUESTED: 'Unterlagen angefordert',
    EXPORT_FAILED: 'XÖV-Export fehlgeschlagen',
  };
  return {
    actor,
    at: e.createdAt,
    action: actions[e.kind] ?? e.kind,
    field: e.toStatus ? 'Status' : undefined,
    oldValue: e.fromStatus ?? undefined,
    newValue: e.toStatus ?? undefined,
    note: notes.length ? notes.join(' | ') : undefined,
  };
}

/**
 * The handover ZIP (xdomea packaging): the message as `<ProzessID>_Aussonderung.Aussonderung.0503.xml` and every
 * primary document under its Dateiname, flat at the top level, plus `<ProzessID>_manifest.sha256` (one
 * `<sha256>  <file>` line per file, as `sha256sum -c` reads it).
 */
export function packHandover(processId: string, xml: string, records: CaseRecord[]): { zip: Uint8Array; sha256: string } {
  const files: Record<string, Uint8Array> = {};
  const xmlName = messageFileName(processId, '0503', 'xml');
  files[xmlName] = new TextEncoder().encode(xml);
  for (const d of records.flatMap((r) => r.documents)) files[d.fileName] = d.bytes;
  const manifest = Object.entries(files)
    .map(([name, bytes]) => `${sha256Hex(bytes)}  ${name}`)
    .join('\n');
  files[`${processId}_manifest.sha256`] = new TextEncoder().encode(manifest + '\n');
  const zip = zipSync(files, { level: 6, mtime: new Date('2000-01-01T00:00:00Z') });
  return { zip, sha256: sha256Hex(zip) };
}
