import { Migration } from '@mikro-orm/migrations';

export class Migration20261125170424_catalog extends Migration {

  override name = 'Migration20261125170424_catalog';

  override up(): void | Promise<void> {
    // trigram search (similar spellings, substrings); a trusted extension since PostgreSQL 13
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create type "catalog_sync_outcome" as enum ('APPLIED', 'UNCHANGED', 'REJECTED');`);
    this.addSql(`create table "catalog_file" ("path" text not null, "kind" text not null, "content_hash" text not null, "synced_at" timestamptz not null, primary key ("path"));`);

    this.addSql(`create table "catalog_sync_run" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "outcome" "catalog_sync_outcome" not null, "files_changed" int not null default 0, "files_removed" int not null default 0, "new_service_versions" int not null default 0, "problems" jsonb null, primary key ("id"));`);

    this.addSql(`create table "code_list" ("id" text not null, "content_hash" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" text not null, "data" jsonb not null, primary key ("id"));`);

    this.addSql(`create table "municipal_override" ("id" text not null, "content_hash" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "ags" text not null, "service_id" text not null, "data" jsonb not null, primary key ("id"));`);
    this.addSql(`create index "municipal_override_ags_service_id_index" on "municipal_override" ("ags", "service_id");`);

    this.addSql(`create table "organisation" ("id" text not null, "content_hash" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "kind" text not null, "ags" text null, "parent_id" text null, "data" jsonb not null, primary key ("id"));`);
    this.addSql(`create index "organisation_ags_index" on "organisation" ("ags");`);
    this.addSql(`create index "organisation_parent_id_index" on "organisation" ("parent_id");`);

    this.addSql(`create table "service_area" ("id" text not null, "content_hash" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "position" int not null, "data" jsonb not null, primary key ("id"));`);

    this.addSql(`create table "service" ("id" text not null, "content_hash" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null, "status" text not null, "area_id" text not null, "leika_key" text null, "responsibility_level" text not null, "audience" text[] not null, "life_situations" text[] not null, "online_availability" text not null, "valid_from" date null, "valid_to" date null, "title_sort" text not null, "search_text" text not null, "search_document" tsvector null, "removed" boolean not null default false, "data" jsonb not null, primary key ("id"));`);
    this.addSql(`create index "service_area_id_index" on "service" ("area_id");`);
    this.addSql(`create index "service_leika_key_index" on "service" ("leika_key");`);
    this.addSql(`create index "service_search_text_trgm_idx" on "service" using gin ("search_text" gin_trgm_ops);`);
    this.addSql(`create index "service_search_document_idx" on "service" using gin ("search_document");`);

    this.addSql(`create table "service_point" ("id" text not null, "content_hash" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "kind" text not null, "data" jsonb not null, primary key ("id"));`);

    this.addSql(`create table "service_version" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "service_id" text not null, "version" int not null, "content_hash" text not null, "status" text not null, "data" jsonb not null, primary key ("id"));`);
    this.addSql(`alter table "service_version" add constraint "service_version_service_id_version_unique" unique ("service_id", "version");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "catalog_file" cascade;`);
    this.addSql(`drop table if exists "catalog_sync_run" cascade;`);
    this.addSql(`drop table if exists "code_list" cascade;`);
    this.addSql(`drop table if exists "municipal_override" cascade;`);
    this.addSql(`drop table if exists "organisation" cascade;`);
    this.addSql(`drop table if exists "service_area" cascade;`);
    this.addSql(`drop table if exists "service" cascade;`);
    this.addSql(`drop table if exists "service_point" cascade;`);
    this.addSql(`drop table if exists "service_version" cascade;`);

    this.addSql(`drop type "catalog_sync_outcome";`);
  }

}
