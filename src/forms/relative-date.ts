/**
 * Date bounds relative to today, as forms need them ("not in the past", "at least 18 years ago"):
 * `today`, or a signed amount with unit d/m/y (e.g. `+7d`, `-18y`). Absolute dates (YYYY-MM-DD) pass through.
 */
const RELATIVE = /^([+-])(\d{1,3})([dmy])$/;

export function isDateBound(value: string): boolean {
  return value === 'today' || RELATIVE.test(value) || /^\d{4}-\d{2}-\d{2}$/.test(value);
}

export function resolveDateBound(value: string, today: string): string {
  if (value === 'today') return today;
  const m = RELATIVE.exec(value);
  if (!m) return value;
  const [y, mo, d] = today.split('-').map(Number);
  const n = Number(m[2]) * (m[1] === '-' ? -1 : 1);
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (m[3] === 'd') date.setUTCDate(date.getUTCDate() + n);
  if (m[3] === 'm') date.setUTCMonth(date.getUTCMonth() + n);
  if (m[3] === 'y') date.setUTCFullYear(date.getUTCFullYear() + n);
  return date.toISOString().slice(0, 10);
}
