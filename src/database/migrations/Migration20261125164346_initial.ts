import { Migration } from '@mikro-orm/migrations';

export class Migration20261125164346_initial extends Migration {

  override name = 'Migration20261125164346_initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "platform_instance" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "label" text not null, primary key ("id"));`);
    // The installation's identity is created once, with its database.
    this.addSql(
      `insert into "platform_instance" ("id", "created_at", "updated_at", "label") values (gen_random_uuid(), now(), now(), 'Lotse');`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "platform_instance" cascade;`);
  }

}
