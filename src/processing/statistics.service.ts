import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../common/auth/access.guard.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { badUserInput, LotseError } from '../common/errors/lotse.error.js';
import { CasesService } from './cases.service.js';
import type { ServiceStatistics, Statistics } from './models/statistics.model.js';

interface Row {
  service_id: string | null;
  received: string;
  decided: string;
  approved: string;
  rejected: string;
  median: string | null;
  p90: string | null;
  open: string;
  overdue: string;
}

/** Ziele und Kennzahlen: counts and processing times of an organisation's submissions, per service. */
@Injectable()
export class StatisticsService {
  constructor(
    private readonly em: EntityManager,
    private readonly cases: CasesService,
  ) {}

  async statistics(principal: Principal, organisationId: string, from: string, to: string): Promise<Statistics> {
    if (from > to) throw badUserInput('„from“ darf nicht nach „to“ liegen.', { argument: 'from' });
    const visible = await this.cases.visibleOrganisations(principal);
    if (!visible.includes(organisationId)) {
      throw new LotseError(ErrorCode.NOT_FOUND, 'Für diese Organisation gibt es keine Kennzahlen, die Sie sehen dürfen.');
    }
    // the organisation and its units
    const orgs = organisationId === principal.organisationId ? visible : [organisationId];
    const rows = await this.em.getConnection().execute<Row[]>(
      // the days are Berlin's: midnight there as an instant (a timestamp without zone, read as Berlin time)
      `with period as (select (?::date)::timestamp at time zone 'Europe/Berlin' as start_at,
                              (?::date + 1)::timestamp at time zone 'Europe/Berlin' as end_at),
       scoped as (select s.* from submission s where s.organisation_id = any(array[?]::text[])),
       decisions as (
         select e.submission_id, e.to_status, e.created_at as decided_at, sc.service_id,
                extract(epoch from e.created_at - sc.submitted_at) / 86400.0 as days
         from submission_event e join scoped sc on sc.id = e.submission_id, period p
         where e.kind = 'STATUS_CHANGED' and e.to_status in ('APPROVED', 'REJECTED')
           and e.created_at >= p.start_at and e.created_at < p.end_at),
       received as (select sc.service_id, count(*) as n from scoped sc, period p
                    where sc.submitted_at >= p.start_at and sc.submitted_at < p.end_at group by rollup (sc.service_id)),
       open as (select sc.service_id, count(*) as n, count(*) filter (where sc.due_at < now()) as overdue from scoped sc, period p
                where sc.submitted_at < p.end_at and sc.status not in ('APPROVED', 'REJECTED', 'CLOSED', 'WITHDRAWN')
                group by rollup (sc.service_id)),
       decided as (select d.service_id, count(*) as n,
                          count(*) filter (where d.to_status = 'APPROVED') as approved,
                          count(*) filter (where d.to_status = 'REJECTED') as rejected,
                          percentile_cont(0.5) within group (order by d.days) as median,
                          percentile_cont(0.9) within group (order by d.days) as p90
                   from decisions d group by rollup (d.service_id)),
       keys as (select service_id from received union select service_id from open union select service_id from decided)
       select k.service_id, coalesce(r.n, 0) as received, coalesce(d.n, 0) as decided, coalesce(d.approved, 0) as approved,
              coalesce(d.rejected, 0) as rejected, d.median, d.p90, coalesce(o.n, 0) as open, coalesce(o.overdue, 0) as overdue
       from keys k
       left join received r on r.service_id is not distinct from k.service_id
       left join decided d on d.service_id is not distinct from k.service_id
       left join open o on o.service_id is not distinct from k.service_id
       order by k.service_id nulls first`,
      [from, to, orgs],
    );
    const toStats = (r: Row | undefined, serviceId?: string): ServiceStatistics => ({
      serviceId,
      received: Number(r?.received ?? 0),
      decided: Number(r?.decided ?? 0),
      approved: Number(r?.approved ?? 0),
      rejected: Number(r?.rejected ?? 0),
      medianProcessingDays: r?.median === null || r?.median === undefined ? undefined : Math.round(Number(r.median) * 10) / 10,
      p90ProcessingDays: r?.p90 === null || r?.p90 === undefined ? undefined : Math.round(Number(r.p90) * 10) / 10,
      open: Number(r?.open ?? 0),
      overdue: Number(r?.overdue ?? 0),
    });
    return {
      organisationId,
      from,
      to,
      total: toStats(rows.find((r) => r.service_id === null)),
      services: rows.filter((r) => r.service_id !== null).map((r) => toStats(r, r.service_id!)),
    };
  }
}

const CSV_HEADER = ['Leistung', 'Eingegangen', 'Entschieden', 'Bewilligt', 'Abgelehnt', 'Median Bearbeitungstage', '90. Perzentil Bearbeitungstage', 'Offen', 'Überfällig'];

const csvCell = (value: string | number | undefined) => {
  const text = value === undefined ? '' : typeof value === 'number' ? String(value).replace('.', ',') : value;
  return /[;"\n\r]/.test(text) || /^[=+\-@]/.test(text) ? `"${text.replace(/"/g, '""').replace(/^([=+\-@])/, "'$1")}"` : text;
};

/** Semicolon-separated, decimal comma, UTF-8 with BOM: opens as it should in German spreadsheet programs. */
export function statisticsCsv(stats: Statistics): string {
  const line = (s: ServiceStatistics, label: string) =>
    [label, s.received, s.decided, s.approved, s.rejected, s.medianProcessingDays, s.p90ProcessingDays, s.open, s.overdue].map(csvCell).join(';');
  return '\uFEFF' + [CSV_HEADER.join(';'), ...stats.services.map((s) => line(s, s.serviceId ?? '')), line(stats.total, 'Gesamt')].join('\r\n') + '\r\n';
}
