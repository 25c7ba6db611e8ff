import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Migration } from '@mikro-orm/migrations';

type Json = Record<string, unknown>;

/** Keys in the order of `template` (then the rest), at every level; content unchanged. Frozen copy for this migration. */
function orderLike(value: unknown, template: unknown): unknown {
  if (Array.isArray(value)) return Array.isArray(template) ? value.map((v, i) => orderLike(v, template[i])) : value;
  const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(value) || !isObject(template)) return value;
  const keys = [...Object.keys(template).filter((k) => k in value), ...Object.keys(value).filter((k) => !(k in template))];
  return Object.fromEntries(keys.map((k) => [k, orderLike(value[k], template[k])]));
}

/** Canonical form for comparing content regardless of key order. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Json)[k])}`).join(',')}}`;
}

/**
 * Form versions keep the order of their properties: `data` and `published_schema` become `json` (jsonb sorts
 * object keys, which scrambled the field order of every form). Rows written before keep their content; where the
 * catalog file of the version is at hand (LOTSE_CATALOG_DIR, default ./catalog) and has the same content, its order
 * is restored now (content hashes are over canonical JSON and stay as they are). Other rows (imports) keep the
 * order jsonb left them in, until a catalog sync writes the version again (a status change), which restores it too.
 */
export class Migration20261205114500_order_preserving_form_json extends Migration {

  override name = 'Migration20261205114500_order_preserving_form_json';

  override async up(): Promise<void> {
    await this.execute(`alter table "form_version" alter column "data" type json using "data"::json, alter column "published_schema" type json using "published_schema"::json;`);
    const catalogDir = process.env.LOTSE_CATALOG_DIR ?? join(process.cwd(), 'catalog');
    const rows = await this.execute(`select "id", "form_id", "version", "data"::text as "data", "published_schema"::text as "published_schema" from "form_version";`);
    for (const row of rows as Array<{ id: string; form_id: string; version: string; data: string; published_schema: string }>) {
      const file = join(catalogDir, 'forms', row.form_id, `${row.version}.json`);
      if (!/^[a-z0-9-]+$/.test(row.form_id) || !/^\d+\.\d+$/.test(row.version) || !existsSync(file)) continue;
      const source = JSON.parse(readFileSync(file, 'utf8')) as Json;
      const { status: _a, ...stored } = JSON.parse(row.data) as Json;
      const { status: _b, ...fromFile } = source;
      if (canonical(stored) !== canonical(fromFile)) continue;
      const data = orderLike(JSON.parse(row.data), source);
      const published = orderLike(JSON.parse(row.published_schema), source.schema);
      await this.execute(`update "form_version" set "data" = ?::json, "published_schema" = ?::json where "id" = ?;`, [JSON.stringify(data), JSON.stringify(published), row.id]);
    }
  }

  override async down(): Promise<void> {
    await this.execute(`alter table "form_version" alter column "data" type jsonb using "data"::jsonb, alter column "published_schema" type jsonb using "published_schema"::jsonb;`);
  }

}
