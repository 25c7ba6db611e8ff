import type { EntityManager } from '@mikro-orm/postgresql';
import { OrganisationEntity } from '../catalog/entities/organisation.entity.js';
import { ServiceEntity } from '../catalog/entities/service.entity.js';
import { SubmissionEventEntity } from '../processing/entities/submission-event.entity.js';
import { SubmissionEntity } from '../submissions/entities/submission.entity.js';
import { CaseRetentionEntity } from './entities/case-retention.entity.js';
import { resolveRule, retainUntil, RetentionState, TRIGGER_STATUSES, type Retention } from './retention.js';
import { randomUUID } from 'node:crypto';

type CaseRef = Pick<SubmissionEntity, 'id' | 'organisationId' | 'serviceId'>;

/** Reads retention rules from the synced catalog: the service's own, else up the organisation tree to the county. */
export class RetentionRules {
  private organisations?: Map<string, OrganisationEntity>;
  private county?: OrganisationEntity;
  private readonly services = new Map<string, ServiceEntity | null>();

  constructor(private readonly em: EntityManager) {}

  async ruleFor(serviceId: string, organisationId: string): Promise<Retention | undefined> {
    if (!this.organisations) {
      const all = await this.em.find(OrganisationEntity, {});
      this.organisations = new Map(all.map((o) => [o.id, o]));
      this.county = all.find((o) => o.kind === 'COUNTY');
    }
    if (!this.services.has(serviceId)) this.services.set(serviceId, await this.em.findOne(ServiceEntity, { id: serviceId }));
    const chain: Array<Retention | undefined> = [];
    const seen = new Set<string>();
    for (let org = this.organisations.get(organisationId); org && !seen.has(org.id); org = org.parentId ? this.organisations.get(org.parentId) : undefined) {
      seen.add(org.id);
      chain.push(org.data.retention);
    }
    chain.push(this.county?.data.retention);
    return resolveRule(this.services.get(serviceId)?.data.retention ?? undefined, chain);
  }
}

/**
 * Called in the transaction of a status change: when the new status starts the case's retention period, the case
 * gets its `retainUntil` (the first such status counts; later ones leave it alone).
 */
export async function recordRetentionTrigger(em: EntityManager, submission: CaseRef, status: string, at: Date): Promise<void> {
  const rule = await new RetentionRules(em).ruleFor(submission.serviceId, submission.organisationId);
  if (!rule || !startsPeriod(rule, status)) return;
  await em.getConnection().execute(
    `insert into case_retention (id, created_at, updated_at, submission_id, organisation_id, service_id, trigger_status, trigger_at, retain_until, rule, state, record_id, legal_hold)
     values (?, now(), now(), ?, ?, ?, ?, ?, ?, ?, 'RETAINED', ?, false) on conflict (submission_id) do nothing`,
    [randomUUID(), submission.id, submission.organisationId, submission.serviceId, status, at, retainUntil(at, rule.years), JSON.stringify(rule), randomUUID()],
    'run',
    em.getTransactionContext(),
  );
}

/** A withdrawn case is over as far as records go: it starts the period of both triggers. */
const startsPeriod = (rule: Retention, status: string): boolean => TRIGGER_STATUSES[rule.trigger].has(status) || status === 'WITHDRAWN';

/**
 * Applies the catalog's current rules to every case not yet offered: a changed period or trigger moves
 * `retainUntil` (from the case's history: when it first reached a trigger status), and cases that reach a trigger
 * only under the new rule get their row. Offered, evaluated, handed-over and deleted cases keep what they had.
 * Returns the number of rows written.
 */
export async function refreshRetention(em: EntityManager): Promise<number> {
  const rules = new RetentionRules(em);
  const ended = await em.find(SubmissionEntity, { status: { $in: ['APPROVED', 'REJECTED', 'WITHDRAWN', 'CLOSED'] } }, { fields: ['id', 'organisationId', 'serviceId', 'status'] });
  if (ended.length === 0) return 0;
  const existing = new Map((await em.find(CaseRetentionEntity, { submissionId: { $in: ended.map((s) => s.id) } })).map((r) => [r.submissionId, r]));
  const events = await em.find(SubmissionEventEntity, { submissionId: { $in: ended.map((s) => s.id) }, toStatus: { $ne: null } }, { orderBy: { createdAt: 'asc' } });
  const history = new Map<string, SubmissionEventEntity[]>();
  for (const e of events) history.set(e.submissionId, [...(history.get(e.submissionId) ?? []), e]);
  let written = 0;
  for (const submission of ended) {
    const row = existing.get(submission.id);
    if (row && row.state !== RetentionState.RETAINED) continue;
    const rule = await rules.ruleFor(submission.serviceId, submission.organisationId);
    if (!rule) continue;
    const trigger = (history.get(submission.id) ?? []).find((e) => startsPeriod(rule, e.toStatus as string));
    if (!trigger) continue;
    const until = retainUntil(trigger.createdAt, rule.years);
    if (row) {
      if (row.retainUntil === until && JSON.stringify(row.rule) === JSON.stringify(rule)) continue;
      Object.assign(row, { retainUntil: until, rule, triggerAt: trigger.createdAt, triggerStatus: trigger.toStatus });
    } else {
      em.create(CaseRetentionEntity, {
        submissionId: submission.id,
        organisationId: submission.organisationId,
        serviceId: submission.serviceId,
        triggerStatus: trigger.toStatus as string,
        triggerAt: trigger.createdAt,
        retainUntil: until,
        rule,
        recordId: randomUUID(),
      });
    }
    written += 1;
  }
  await em.flush();
  return written;
}
