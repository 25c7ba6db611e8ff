/**
 * Reference numbers: `<PREFIX>-<year>-<6-digit sequence>-<check digit>`, e.g. CLP-2026-000042-7.
 * The check digit is Damm's: it catches every single wrong digit and every swap of neighbouring digits.
 */
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

export function dammDigit(digits: string): number {
  let interim = 0;
  for (const d of digits) interim = DAMM[interim][Number(d)];
  return interim;
}

export function formatReferenceNumber(prefix: string, year: number, sequence: number): string {
  const body = `${year}${String(sequence).padStart(6, '0')}`;
  return `${prefix}-${year}-${String(sequence).padStart(6, '0')}-${dammDigit(body)}`;
}

const SHAPE = /^([A-Z]{2,6})-(\d{4})-(\d{6,9})-(\d)$/;

/** Whether a reference number is well formed and its check digit fits (typos are caught before any lookup). */
export function isValidReferenceNumber(value: string): boolean {
  const m = SHAPE.exec(value.trim().toUpperCase());
  return !!m && dammDigit(`${m[2]}${m[3]}${m[4]}`) === 0;
}
