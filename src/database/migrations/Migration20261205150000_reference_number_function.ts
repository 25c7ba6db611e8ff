import { Migration } from '@mikro-orm/migrations';

/**
 * The reference number as a SQL function, so that submitForm claims its idempotency key, draws the number and stores
 * the submission in one statement. Must give exactly what formatReferenceNumber (src/submissions/reference-number.ts)
 * gives: `<PREFIX>-<year>-<sequence, at least 6 digits>-<Damm check digit of year and sequence>`.
 */
export class Migration20261205150000_reference_number_function extends Migration {

  override name = 'Migration20261205150000_reference_number_function';

  override up(): void | Promise<void> {
    this.addSql(`create or replace function "lotse_reference_number"(p_prefix text, p_year int, p_sequence bigint) returns text
  language plpgsql immutable parallel safe as $$
declare
  digits text := lpad(p_sequence::text, greatest(6, length(p_sequence::text)), '0');
  body text := p_year::text || digits;
  damm int[] := '{{0,3,1,7,5,9,8,6,4,2},{7,0,9,2,1,5,4,8,6,3},{4,2,0,6,8,7,1,3,5,9},{1,7,5,0,9,8,3,4,2,6},{6,1,2,3,0,4,5,9,7,8},{3,6,7,4,2,0,9,5,8,1},{5,8,6,9,7,2,0,1,3,4},{8,9,4,5,3,6,2,0,1,7},{9,4,3,8,6,1,7,2,0,5},{2,5,8,1,4,3,6,7,9,0}}';
  interim int := 0;
begin
  for i in 1 .. length(body) loop
    interim := damm[interim + 1][substr(body, i, 1)::int + 1];
  end loop;
  return p_prefix || '-' || p_year::text || '-' || digits || '-' || interim::text;
end
$$;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop function if exists "lotse_reference_number"(text, int, bigint);`);
  }

}
