/**
 * Catalog examples pin the day they are valid on (`today`), and many forms bound their dates relative to the day of
 * submission (a pick-up date at least two working days ahead, say). The bench submits an example on any later day,
 * so it moves every calendar date in the example by the days between its pinned day and today: the example stays as
 * valid as it was on its day (weekdays can differ; the bench tries the next example when one is refused).
 */
const DATE = /^(\d{4}-\d{2}-\d{2})(T.*)?$/;
const DAY_MS = 86_400_000;

export function shiftExampleDates<T>(data: T, pinnedDay: string, today: string): T {
  const days = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${pinnedDay}T00:00:00Z`)) / DAY_MS);
  if (!Number.isFinite(days) || days === 0) return data;
  const shift = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const match = DATE.exec(value);
      if (!match || Number.isNaN(Date.parse(`${match[1]}T00:00:00Z`))) return value;
      const moved = new Date(Date.parse(`${match[1]}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
      return moved + (match[2] ?? '');
    }
    if (Array.isArray(value)) return value.map(shift);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shift(v)]));
    return value;
  };
  return shift(data) as T;
}
