import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { visibleOrganisationIds } from '../catalog/organisation-scope.js';
import type { Principal } from '../common/auth/access.guard.js';
import { badUserInput, notFound } from '../common/errors/lotse.error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { SubmissionEntity } from '../submissions/entities/submission.entity.js';
import { XoevService } from '../xoev/xoev.service.js';
import { createArchiveService } from './archive.factory.js';
import type { ArchiveService } from './archive.service.js';
import { ArchiveOfferEntity } from './entities/archive-offer.entity.js';
import type { ArchiveDecisionValue, ArchiveEvaluation, CaseRetention, RetentionOverview } from './models/retention.model.js';
import { retentionOverview } from './retention-overview.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The supervisors' side of records management, scoped to the caller's organisation and its units. */
@Injectable()
export class ArchiveApiService {
  private readonly archive: ArchiveService;

  constructor(
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) config: AppConfig,
    xoev: XoevService,
  ) {
    this.archive = createArchiveService(em, config, undefined, xoev);
  }

  async overview(principal: Principal, organisationId: string, asOf?: string): Promise<RetentionOverview> {
    if (asOf !== undefined && !DATE.test(asOf)) throw badUserInput('„asOf“ muss ein Datum (JJJJ-MM-TT) sein.', { argument: 'asOf' });
    const visible = await visibleOrganisationIds(this.em.fork(), principal);
    if (!visible.includes(organisationId)) throw notFound('Für diese Organisation gibt es keine Übersicht, die Sie sehen dürfen.');
    const orgs = organisationId === principal.organisationId ? visible : [organisationId];
    return retentionOverview(this.em.fork(), organisationId, orgs, asOf);
  }

  async setLegalHold(principal: Principal, submissionId: string, hold: boolean, reason?: string): Promise<CaseRetention> {
    if (reason && reason.length > 2000) throw badUserInput('Die Begründung darf höchstens 2000 Zeichen haben.', { argument: 'reason' });
    if (hold && !reason?.trim()) throw badUserInput('Eine Sperre braucht eine Begründung (z. B. das Aktenzeichen des Verfahrens).', { argument: 'reason' });
    await this.visibleSubmission(principal, submissionId);
    const row = await this.archive.setLegalHold(submissionId, hold, principal.subject, reason?.trim());
    return { submissionId: row.submissionId, state: row.state, retainUntil: row.retainUntil, legalHold: row.legalHold, legalHoldReason: row.legalHoldReason, decision: row.decision, offerId: row.offerId };
  }

  async decide(principal: Principal, offerId: string, submissionId: string, decision: ArchiveDecisionValue): Promise<ArchiveEvaluation> {
    const visible = await visibleOrganisationIds(this.em.fork(), principal);
    const offer = /^[0-9a-f-]{36}$/.test(offerId) ? await this.em.fork().findOne(ArchiveOfferEntity, { id: offerId }) : null;
    if (!offer || !visible.includes(offer.organisationId)) throw notFound('Diese Aussonderung gibt es nicht oder Sie dürfen sie nicht sehen.');
    return this.archive.decide(offerId, submissionId, decision);
  }

  private async visibleSubmission(principal: Principal, id: string): Promise<void> {
    const visible = await visibleOrganisationIds(this.em.fork(), principal);
    const found = /^[0-9a-f-]{36}$/.test(id) ? await this.em.fork().count(SubmissionEntity, { id, organisationId: { $in: visible } }) : 0;
    if (!found) throw notFound('Diesen Vorgang gibt es nicht oder Sie dürfen ihn nicht sehen.');
  }
}
