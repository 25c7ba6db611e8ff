import { createTestDatabase, withClient } from '../support/postgres.js';
import { formatReferenceNumber, isValidReferenceNumber } from '../../src/submissions/reference-number.js';

describe('reference numbers drawn in SQL (submitForm)', () => {
  it('are exactly those of formatReferenceNumber, check digit included', async () => {
    const db = await createTestDatabase();
    try {
      const cases: Array<[string, number, number]> = [
        ['CLP', 2026, 1],
        ['CLP', 2026, 42],
        ['CLP', 2027, 999_999],
        ['LKX', 2026, 1_000_000],
        ['AB', 1999, 123_456_789],
        ...Array.from({ length: 200 }, (_, i) => ['CLP', 2026 + (i % 3), i * 7919 + 3] as [string, number, number]),
      ];
      const got = await withClient(db.url, async (client) => {
        const result = await client.query<{ value: string }>(
          `select "lotse_reference_number"(c.prefix, c.year, c.sequence) as "value"
           from json_to_recordset($1::json) as c(prefix text, year int, sequence bigint)`,
          [JSON.stringify(cases.map(([prefix, year, sequence]) => ({ prefix, year, sequence })))],
        );
        return result.rows.map((r) => r.value);
      });
      expect(got).toEqual(cases.map(([prefix, year, sequence]) => formatReferenceNumber(prefix, year, sequence)));
      expect(got.every(isValidReferenceNumber)).toBe(true);
    } finally {
      await db.drop();
    }
  });
});
