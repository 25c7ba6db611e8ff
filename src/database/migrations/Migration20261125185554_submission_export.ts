import { Migration } from '@mikro-orm/migrations';

export class Migration20261125185554_submission_export extends Migration {

  override name = 'Migration20261125185554_submission_export';

  override up(): void | Promise<void> {
    this.addSql(`create table "submission_export" ("submission_id" uuid not null, "message_id" uuid not null, "xml" text not null, "sha512" text not null, "schema_uri" text not null, "created_at" timestamptz not null, primary key ("submission_id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "submission_export" cascade;`);
  }

}
