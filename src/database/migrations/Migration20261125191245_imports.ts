import { Migration } from '@mikro-orm/migrations';

export class Migration20261125191245_imports extends Migration {

  override name = 'Migration20261125191245_imports';

  override up(): void | Promise<void> {
    this.addSql(`create table "imported_entry" ("id" text not null, "kind" text not null, "entry_id" text not null, "organisation_id" text not null, "origin" jsonb not null, "source_hash" text not null, "written_hash" text not null, "import_run_id" uuid not null, "imported_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "imported_entry_organisation_id_index" on "imported_entry" ("organisation_id");`);

    this.addSql(`create table "import_run" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organisation_id" text not null, "actor" text not null, "format" text not null, "file_hash" text not null, "dry_run" boolean not null, "lenient" boolean not null, "outcome" text not null, "report" jsonb not null, primary key ("id"));`);
    this.addSql(`create index "import_run_organisation_id_index" on "import_run" ("organisation_id");`);

    this.addSql(`alter table "form_version" add "provenance" jsonb null;`);
    this.addSql(`alter table "form_version" alter column "service_id" drop not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "imported_entry" cascade;`);
    this.addSql(`drop table if exists "import_run" cascade;`);

    this.addSql(`alter table "form_version" drop column "provenance";`);
    this.addSql(`alter table "form_version" alter column "service_id" set not null;`);
  }

}
