import { Migration } from '@mikro-orm/migrations';

export class Migration20261125174017_forms_submissions extends Migration {

  override name = 'Migration20261125174017_forms_submissions';

  override up(): void | Promise<void> {
    // reference numbers: a sequence never blocks concurrent submissions (a counter row would serialise them)
    this.addSql(`create sequence if not exists "submission_reference_seq" start 1;`);
    this.addSql(`create table "form_draft" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "token_hash" text not null, "form_id" text not null, "form_version" text not null, "data" jsonb not null, "expires_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "form_draft" add constraint "form_draft_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "form_draft_expires_at_index" on "form_draft" ("expires_at");`);

    this.addSql(`create table "form_version" ("id" text not null, "content_hash" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "form_id" text not null, "version" text not null, "status" text not null, "service_id" text not null, "owner" text not null, "data" jsonb not null, "published_schema" jsonb not null, "published_at" timestamptz null, "removed" boolean not null default false, primary key ("id"));`);
    this.addSql(`create index "form_version_form_id_index" on "form_version" ("form_id");`);
    this.addSql(`create index "form_version_service_id_index" on "form_version" ("service_id");`);

    this.addSql(`create table "submission_idempotency_key" ("key" text not null, "request_hash" text not null, "submission_id" uuid null, "created_at" timestamptz not null, "expires_at" timestamptz not null, primary key ("key"));`);
    this.addSql(`create index "submission_idempotency_key_expires_at_index" on "submission_idempotency_key" ("expires_at");`);

    this.addSql(`create table "rate_limit_bucket" ("key" text not null, "window_start" timestamptz not null, "count" int not null, primary key ("key", "window_start"));`);

    this.addSql(`create table "submission" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "reference_number" text not null, "access_code_salt" text not null, "access_code_hash" text not null, "form_id" text not null, "form_version" text not null, "service_id" text not null, "service_version" int null, "organisation_id" text not null, "ags" text null, "locale" text not null, "status" text not null default 'RECEIVED', "version" int not null default 1, "data" jsonb not null, "canonical_json" text not null, "sha256" text not null, "submitted_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "submission" add constraint "submission_reference_number_unique" unique ("reference_number");`);
    this.addSql(`create index "submission_form_id_index" on "submission" ("form_id");`);
    this.addSql(`create index "submission_organisation_id_index" on "submission" ("organisation_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop sequence if exists "submission_reference_seq";`);
    this.addSql(`drop table if exists "form_draft" cascade;`);
    this.addSql(`drop table if exists "form_version" cascade;`);
    this.addSql(`drop table if exists "submission_idempotency_key" cascade;`);
    this.addSql(`drop table if exists "rate_limit_bucket" cascade;`);
    this.addSql(`drop table if exists "submission" cascade;`);
  }

}
