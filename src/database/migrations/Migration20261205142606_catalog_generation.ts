import { Migration } from '@mikro-orm/migrations';

/**
 * The number of the published catalog, one row. Every catalog change raises it in its own transaction and notifies
 * `lotse_catalog`; instances rebuild their in-memory snapshot when they see a higher number.
 */
export class Migration20261205142606_catalog_generation extends Migration {

  override name = 'Migration20261205142606_catalog_generation';

  override up(): void | Promise<void> {
    this.addSql(`create table "catalog_generation" ("id" smallint not null, "generation" bigint not null, "changed_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`insert into "catalog_generation" ("id", "generation", "changed_at") values (1, 1, now());`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "catalog_generation" cascade;`);
  }

}
