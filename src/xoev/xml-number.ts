/** A number as xs:decimal / xs:integer take it: never in exponent notation (`1e-7` → `0.0000001`). */
export function xmlNumber(value: number): string {
  const plain = String(value);
  return /e/i.test(plain) ? value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 100 }) : plain;
}
