import { Injectable } from '@nestjs/common';
import { EntityManager, LockMode } from '@mikro-orm/postgresql';
import { visibleOrganisationIds } from '../catalog/organisation-scope.js';
import type { Principal } from '../common/auth/access.guard.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { badUserInput, LotseError } from '../common/errors/lotse.error.js';
import { assertPageSize, decodeCursor, encodeCursor } from '../common/pagination/cursor.js';
import { SubmissionEntity } from '../submissions/entities/submission.entity.js';
import { SubmissionStatus } from '../submissions/models/submission.model.js';
import type { CaseFilter } from './dto/case-filter.input.js';
import { SubmissionEventEntity } from './entities/submission-event.entity.js';
import type { Case, CaseConnection, SubmissionEvent } from './models/case.model.js';
import { canTransition, FINAL } from './workflow.js';
import { EventPublisher } from '../delivery/event-publisher.service.js';
import { recordRetentionTrigger } from '../archive/retention-rules.js';
import { DocumentRequestEntity } from '../attachments/entities/document-request.entity.js';

const NOTE_MAX = 4000;
/** A stale version: the caller learns what the row looks like now, so that it can reload and decide again. */
export const conflict = (currentVersion: number, currentStatus: string) =>
  new LotseError(
    ErrorCode.CONFLICT,
    `Der Vorgang wurde inzwischen geändert (jetzt Version ${currentVersion}, Status ${currentStatus}). Bitte laden Sie ihn neu.`,
    { currentVersion, currentStatus },
  );
const caseNotFound = () => new LotseError(ErrorCode.NOT_FOUND, 'Diesen Vorgang gibt es nicht oder Sie dürfen ihn nicht sehen.');

/**
 * The caseworker's view: only submissions of the caller's organisation (and its units); anything else is
 * NOT_FOUND, exactly like an id that does not exist.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly em: EntityManager,
    private readonly publisher: EventPublisher,
  ) {}

  /** The organisation of the token and the units below it. */
  async visibleOrganisations(principal: Principal): Promise<string[]> {
    return visibleOrganisationIds(this.em, principal);
  }

  async list(principal: Principal, filter: CaseFilter | undefined, first: number | undefined, after: string | undefined): Promise<CaseConnection> {
    const size = assertPageSize(first);
    const orgs = await this.visibleOrganisations(principal);
    const where: Record<string, unknown> = { organisationId: { $in: orgs } };
    if (filter?.status) where.status = filter.status;
    if (filter?.serviceId) where.serviceId = filter.serviceId;
    if (filter?.receivedFrom || filter?.receivedTo) {
      where.submittedAt = { ...(filter.receivedFrom ? { $gte: filter.receivedFrom } : {}), ...(filter.receivedTo ? { $lt: filter.receivedTo } : {}) };
    }
    if (filter?.overdue) {
      where.dueAt = { $lt: new Date() };
      where.status = filter.status ? filter.status : { $nin: [...FINAL] };
    }
    const totalCount = await this.em.count(SubmissionEntity, where);
    const position = after ? decodeCursor(after) : undefined;
    const page = position
      ? { ...where, $or: [{ submittedAt: { $lt: new Date(position[0]) } }, { submittedAt: new Date(position[0]), id: { $gt: position[2] } }] }
      : where;
    const rows = await this.em.find(SubmissionEntity, page, { orderBy: { submittedAt: 'desc', id: 'asc' }, limit: size + 1 });
    const events = await this.events(rows.slice(0, size).map((r) => r.id));
    const edges = rows.slice(0, size).map((row) => ({ cursor: encodeCursor([row.submittedAt.getTime(), '', row.id]), node: this.toCase(row, events.get(row.id) ?? []) }));
    return {
      edges,
      totalCount,
      pageInfo: { hasNextPage: rows.length > size, hasPreviousPage: !!position, startCursor: edges[0]?.cursor, endCursor: edges[edges.length - 1]?.cursor },
    };
  }

  async get(principal: Principal, id: string): Promise<Case> {
    const row = await this.visible(this.em, principal, id);
    return this.toCase(row, (await this.events([row.id])).get(row.id) ?? []);
  }

  /**
   * Version first: the row is locked (`SELECT … FOR UPDATE`) and its version compared with `expectedVersion` before
   * any rule is checked, so a stale caller always gets CONFLICT (with the current version and status), and
   * INVALID_TRANSITION means the caller saw the current state and the rule forbids the step. Without
   * `expectedVersion` (requestDocuments of older clients) the locked row's version is taken.
   */
  async transition(principal: Principal, id: string, to: SubmissionStatus, expectedVersion: number | undefined, publicNote?: string, internalNote?: string, items?: string[]): Promise<Case> {
    for (const [name, note] of [['publicNote', publicNote], ['internalNote', internalNote]] as const) {
      if (note && note.length > NOTE_MAX) throw badUserInput(`„${name}“ darf höchstens ${NOTE_MAX} Zeichen haben.`, { argument: name });
    }
    await this.em.fork().transactional(async (em) => {
      const row = await this.locked(em, principal, id, expectedVersion);
      const version = row.version;
      const from = row.status as SubmissionStatus;
      if (to === SubmissionStatus.WITHDRAWN || !canTransition(from, to)) {
        throw new LotseError(ErrorCode.INVALID_TRANSITION, `Ein Vorgang im Status ${from} kann nicht in den Status ${to} wechseln.`, { from, to });
      }
      const updated = await em.nativeUpdate(
        SubmissionEntity,
        { id, version },
        { status: to, version: version + 1, updatedAt: new Date(), ...(items ? { requestedDocuments: items } : {}) },
      );
      if (updated === 0) throw conflict(version, from); // cannot happen under the lock; kept as the last guard
      em.create(SubmissionEventEntity, {
        submissionId: id,
        kind: items ? 'DOCUMENTS_REQUESTED' : 'STATUS_CHANGED',
        actorType: 'STAFF',
        actorId: principal.subject,
        fromStatus: from,
        toStatus: to,
        publicNoteDe: publicNote,
        internalNote,
        items,
      });
      // each request is recorded with an id, which the applicant's upload and submitDocuments name
      if (items) em.create(DocumentRequestEntity, { submissionId: id, items, requestedBy: principal.subject });
      if (FINAL.has(to)) await em.nativeUpdate(DocumentRequestEntity, { submissionId: id, status: 'OPEN' }, { status: 'CANCELLED', updatedAt: new Date() });
      await em.flush();
      await recordRetentionTrigger(em, row, to, new Date());
      await this.publisher.submissionEvent(em, 'submission.status_changed', { ...row, status: to, version: version + 1 } as SubmissionEntity, { from, to, publicNote });
    });
    return this.get(principal, id);
  }

  async assign(principal: Principal, id: string, assigneeId: string, expectedVersion?: number): Promise<Case> {
    if (!/^[\w.@:-]{1,200}$/.test(assigneeId)) throw badUserInput('Die Kennung der Bearbeiterin oder des Bearbeiters ist ungültig.', { argument: 'assigneeId' });
    await this.em.fork().transactional(async (em) => {
      const row = await this.locked(em, principal, id, expectedVersion);
      const updated = await em.nativeUpdate(SubmissionEntity, { id, version: row.version }, { assigneeId, version: row.version + 1, updatedAt: new Date() });
      if (updated === 0) throw conflict(row.version, row.status);
      em.create(SubmissionEventEntity, { submissionId: id, kind: 'ASSIGNED', actorType: 'STAFF', actorId: principal.subject, internalNote: `zugewiesen an ${assigneeId}` });
      await em.flush();
    });
    return this.get(principal, id);
  }

  /** The submission itself, when the caller may see it (NOT_FOUND otherwise). */
  entity(principal: Principal, id: string): Promise<SubmissionEntity> {
    return this.visible(this.em, principal, id);
  }

  /** The visible row, locked for this transaction; CONFLICT when `expectedVersion` is given and stale. */
  private async locked(em: EntityManager, principal: Principal, id: string, expectedVersion: number | undefined): Promise<SubmissionEntity> {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw caseNotFound();
    const row = await em.findOne(
      SubmissionEntity,
      { id, organisationId: { $in: await this.visibleOrganisations(principal) } },
      { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
    );
    if (!row) throw caseNotFound();
    if (expectedVersion !== undefined && row.version !== expectedVersion) throw conflict(row.version, row.status);
    return row;
  }

  private async visible(em: EntityManager, principal: Principal, id: string): Promise<SubmissionEntity> {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw caseNotFound();
    const row = await em.findOne(SubmissionEntity, { id, organisationId: { $in: await this.visibleOrganisations(principal) } });
    if (!row) throw caseNotFound();
    return row;
  }

  private async events(ids: string[]): Promise<Map<string, SubmissionEvent[]>> {
    const rows = ids.length ? await this.em.find(SubmissionEventEntity, { submissionId: { $in: ids } }, { orderBy: { createdAt: 'asc' } }) : [];
    const byId = new Map<string, SubmissionEvent[]>();
    for (const e of rows) {
      byId.set(e.submissionId, [
        ...(byId.get(e.submissionId) ?? []),
        {
          id: e.id,
          at: e.createdAt,
          kind: e.kind,
          actorType: e.actorType,
          actorId: e.actorId,
          fromStatus: e.fromStatus as SubmissionStatus | undefined,
          toStatus: e.toStatus as SubmissionStatus | undefined,
          publicNote: e.publicNoteDe,
          internalNote: e.internalNote,
          items: e.items ?? [],
        },
      ]);
    }
    return byId;
  }

  private toCase(row: SubmissionEntity, timeline: SubmissionEvent[]): Case {
    const status = row.status as SubmissionStatus;
    return {
      id: row.id,
      referenceNumber: row.referenceNumber,
      status,
      version: row.version,
      formId: row.formId,
      formVersion: row.formVersion,
      serviceId: row.serviceId,
      organisationId: row.organisationId,
      ags: row.ags,
      locale: row.locale,
      data: row.data,
      sha256: row.sha256,
      submittedAt: row.submittedAt,
      dueAt: row.dueAt,
      overdue: !!row.dueAt && row.dueAt.getTime() < Date.now() && !FINAL.has(status),
      assigneeId: row.assigneeId,
      requestedDocuments: row.requestedDocuments ?? [],
      timeline,
    };
  }
}
