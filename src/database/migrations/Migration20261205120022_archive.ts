import { Migration } from '@mikro-orm/migrations';

export class Migration20261205120022_archive extends Migration {

  override name = 'Migration20261205120022_archive';

  override up(): void | Promise<void> {
    this.addSql(`create table "archive_offer" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organisation_id" text not null, "state" text not null default 'OFFERED', "as_of" date not null, "offer_message_id" uuid not null, "offer_sha256" text not null, "evaluated_at" timestamptz null, "evaluation_source" text null, "handover_message_id" uuid null, "handover_sha256" text null, "handed_over_at" timestamptz null, "closed_at" timestamptz null, "receipt" text null, primary key ("id"));`);
    this.addSql(`create index "archive_offer_organisation_id_index" on "archive_offer" ("organisation_id");`);

    this.addSql(`create table "case_retention" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "submission_id" uuid not null, "organisation_id" text not null, "service_id" text not null, "trigger_status" text not null, "trigger_at" timestamptz not null, "retain_until" date not null, "rule" jsonb not null, "state" text not null default 'RETAINED', "decision" text null, "offer_id" uuid null, "record_id" uuid not null, "legal_hold" boolean not null default false, "legal_hold_reason" text null, "legal_hold_by" text null, primary key ("id"));`);
    this.addSql(`alter table "case_retention" add constraint "case_retention_submission_id_unique" unique ("submission_id");`);
    this.addSql(`create index "case_retention_organisation_id_index" on "case_retention" ("organisation_id");`);
    this.addSql(`create index "case_retention_retain_until_index" on "case_retention" ("retain_until");`);
    this.addSql(`create index "case_retention_state_index" on "case_retention" ("state");`);
    this.addSql(`create index "case_retention_offer_id_index" on "case_retention" ("offer_id");`);

    this.addSql(`create table "deletion_record" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "submission_id" uuid not null, "reference_number" text not null, "organisation_id" text not null, "service_id" text not null, "status" text not null, "submitted_at" timestamptz not null, "trigger_at" timestamptz null, "retain_until" date null, "deleted_at" timestamptz not null, "reason" text not null, "offer_id" uuid null, "deleted_sha256" text not null, "counts" jsonb not null, primary key ("id"));`);
    this.addSql(`alter table "deletion_record" add constraint "deletion_record_submission_id_unique" unique ("submission_id");`);
    this.addSql(`create index "deletion_record_organisation_id_index" on "deletion_record" ("organisation_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "archive_offer" cascade;`);
    this.addSql(`drop table if exists "case_retention" cascade;`);
    this.addSql(`drop table if exists "deletion_record" cascade;`);
  }

}
