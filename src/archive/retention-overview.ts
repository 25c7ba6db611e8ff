import type { EntityManager } from '@mikro-orm/postgresql';
import type { RetentionOverview } from './models/retention.model.js';
import { refreshRetention } from './retention-rules.js';
import { berlinDate } from './retention.js';

type Row = Record<string, unknown>;

/** Counts of an organisation's cases (the given ids: the organisation and its units) by retention state. */
export async function retentionOverview(em: EntityManager, organisationId: string, organisationIds: string[], asOf = berlinDate()): Promise<RetentionOverview> {
  await refreshRetention(em);
  const [row] = await em.getConnection().execute<Row[]>(
    `select
       count(*) filter (where r.state = 'RETAINED' and not r.legal_hold and r.retain_until >= ?::date) as retained,
       count(*) filter (where r.state = 'RETAINED' and not r.legal_hold and r.retain_until < ?::date) as due,
       count(*) filter (where r.state = 'OFFERED' and not r.legal_hold) as offered,
       count(*) filter (where r.state = 'EVALUATED' and not r.legal_hold) as evaluated,
       count(*) filter (where r.state = 'HANDED_OVER' and not r.legal_hold) as handed_over,
       count(*) filter (where r.state = 'DELETED') as deleted,
       count(*) filter (where r.legal_hold and r.state <> 'DELETED') as on_hold,
       (select count(*) from submission s where s.organisation_id = any(array[?]::text[])
          and not exists (select 1 from case_retention x where x.submission_id = s.id)) as in_processing
     from case_retention r where r.organisation_id = any(array[?]::text[])`,
    [asOf, asOf, organisationIds, organisationIds],
  );
  const n = (k: string) => Number(row?.[k] ?? 0);
  return {
    organisationId,
    asOf,
    retained: n('retained'),
    due: n('due'),
    offered: n('offered'),
    evaluated: n('evaluated'),
    handedOver: n('handed_over'),
    deleted: n('deleted'),
    onHold: n('on_hold'),
    inProcessing: n('in_processing'),
  };
}

/** The same as CSV: semicolon, UTF-8 with BOM (as the Kennzahlen CSV), one row. */
export function retentionCsv(o: RetentionOverview): string {
  const header = ['Organisation', 'Stichtag', 'aufbewahrt', 'fällig', 'angeboten', 'bewertet', 'übergeben', 'gelöscht', 'gesperrt', 'in Bearbeitung'];
  const values = [o.organisationId, o.asOf, o.retained, o.due, o.offered, o.evaluated, o.handedOver, o.deleted, o.onHold, o.inProcessing];
  return '\uFEFF' + header.join(';') + '\r\n' + values.join(';') + '\r\n';
}
