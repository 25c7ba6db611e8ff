import type { Retention } from '../generated/catalog-common.js';

export type { Retention };

/** What a case's records go through after their retention period (xdomea Aussonderung). */
export enum RetentionState {
  /** Kept; `retainUntil` may still lie ahead (then "due" once it has passed). */
  RETAINED = 'RETAINED',
  OFFERED = 'OFFERED',
  /** The archive (or a supervisor) decided: ARCHIVE or DESTROY. */
  EVALUATED = 'EVALUATED',
  HANDED_OVER = 'HANDED_OVER',
  DELETED = 'DELETED',
}

export type ArchiveDecision = 'ARCHIVE' | 'DESTROY';

/** Statuses that start each trigger's period. Withdrawn cases count as decided (the applicant ended them). */
export const TRIGGER_STATUSES: Readonly<Record<Retention['trigger'], ReadonlySet<string>>> = {
  CLOSED: new Set(['CLOSED']),
  DECIDED: new Set(['APPROVED', 'REJECTED', 'WITHDRAWN']),
};

const berlinYear = (at: Date): number =>
  Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', year: 'numeric' }).format(at));

/**
 * The last day of the retention period: as in German records management (Aktenordnungen), the period starts at the
 * end of the calendar year in which the trigger happened, so a case closed on 2026-03-04 with 10 years is kept until
 * 2036-12-31 and becomes due on 2037-01-01 (years 0: until the end of the trigger's year).
 */
export function retainUntil(triggerAt: Date, years: number): string {
  return `${berlinYear(triggerAt) + years}-12-31`;
}

/** Whether the period is over on `asOf` (an ISO date, Europe/Berlin). */
export const isDue = (until: string, asOf: string): boolean => until < asOf;

/** Today's date in Europe/Berlin, as `YYYY-MM-DD`. */
export function berlinDate(at = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** The rule of a case: the service's own, else the nearest organisation's up the tree (the county's at the top). */
export function resolveRule(service: Retention | undefined, organisations: ReadonlyArray<Retention | undefined>): Retention | undefined {
  return service ?? organisations.find((r) => r !== undefined);
}
