import { SubmissionStatus as S } from '../submissions/models/submission.model.js';

/** The one transition table: which status may follow which, by staff. The applicant may only withdraw. */
export const STAFF_TRANSITIONS: Readonly<Record<S, readonly S[]>> = {
  [S.RECEIVED]: [S.IN_REVIEW, S.DOCUMENTS_REQUESTED, S.IN_PROGRESS, S.REJECTED],
  [S.IN_REVIEW]: [S.DOCUMENTS_REQUESTED, S.IN_PROGRESS, S.APPROVED, S.REJECTED],
  [S.DOCUMENTS_REQUESTED]: [S.IN_REVIEW, S.IN_PROGRESS, S.REJECTED],
  [S.IN_PROGRESS]: [S.DOCUMENTS_REQUESTED, S.APPROVED, S.REJECTED],
  [S.APPROVED]: [S.CLOSED],
  [S.REJECTED]: [S.CLOSED],
  [S.WITHDRAWN]: [S.CLOSED],
  [S.CLOSED]: [],
};

/** Before a decision the applicant may withdraw. */
export const WITHDRAWABLE: ReadonlySet<S> = new Set([S.RECEIVED, S.IN_REVIEW, S.DOCUMENTS_REQUESTED, S.IN_PROGRESS]);

export const FINAL: ReadonlySet<S> = new Set([S.APPROVED, S.REJECTED, S.WITHDRAWN, S.CLOSED]);
export const DECIDED: ReadonlySet<S> = new Set([S.APPROVED, S.REJECTED]);

export const canTransition = (from: S, to: S) => STAFF_TRANSITIONS[from].includes(to);

export const STATUS_LABELS: Readonly<Record<S, { de: string; en: string }>> = {
  [S.RECEIVED]: { de: 'Eingegangen', en: 'Received' },
  [S.IN_REVIEW]: { de: 'In Prüfung', en: 'In review' },
  [S.DOCUMENTS_REQUESTED]: { de: 'Unterlagen angefordert', en: 'Documents requested' },
  [S.IN_PROGRESS]: { de: 'In Bearbeitung', en: 'In progress' },
  [S.APPROVED]: { de: 'Bewilligt', en: 'Approved' },
  [S.REJECTED]: { de: 'Abgelehnt', en: 'Rejected' },
  [S.CLOSED]: { de: 'Abgeschlossen', en: 'Closed' },
  [S.WITHDRAWN]: { de: 'Zurückgezogen', en: 'Withdrawn' },
};

/** `days` working days (Monday to Friday) after `from`. */
export function addWorkingDays(from: Date, days: number): Date {
  const date = new Date(from.getTime());
  let left = days;
  while (left > 0) {
    date.setUTCDate(date.getUTCDate() + 1);
    const day = date.getUTCDay();
    if (day !== 0 && day !== 6) left -= 1;
  }
  return date;
}
