import { SubmissionStatus as S } from '../submissions/models/submission.model.js';
import { addWorkingDays, canTransition, FINAL, STAFF_TRANSITIONS, STATUS_LABELS, WITHDRAWABLE } from './workflow.js';

describe('workflow', () => {
  it('lets staff move a case forward but not back from a decision', () => {
    expect(canTransition(S.RECEIVED, S.IN_REVIEW)).toBe(true);
    expect(canTransition(S.IN_REVIEW, S.APPROVED)).toBe(true);
    expect(canTransition(S.APPROVED, S.IN_REVIEW)).toBe(false);
    expect(canTransition(S.CLOSED, S.IN_REVIEW)).toBe(false);
    expect(canTransition(S.RECEIVED, S.WITHDRAWN)).toBe(false); // only the applicant withdraws
  });

  it('has a German and English label for every status and no way out of CLOSED', () => {
    for (const status of Object.values(S)) {
      expect(STATUS_LABELS[status].de).toBeTruthy();
      expect(STATUS_LABELS[status].en).toBeTruthy();
      expect(STAFF_TRANSITIONS[status]).toBeDefined();
    }
    expect(STAFF_TRANSITIONS[S.CLOSED]).toEqual([]);
    for (const status of WITHDRAWABLE) expect(FINAL.has(status)).toBe(false);
  });

  it('counts working days', () => {
    // Friday 27 Nov 2026 + 3 working days = Wednesday 2 Dec
    expect(addWorkingDays(new Date('2026-11-27T10:00:00Z'), 3).toISOString()).toBe('2026-12-02T10:00:00.000Z');
    expect(addWorkingDays(new Date('2026-11-27T10:00:00Z'), 0).toISOString()).toBe('2026-11-27T10:00:00.000Z');
  });
});
