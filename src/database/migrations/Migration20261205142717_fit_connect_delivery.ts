import { Migration } from '@mikro-orm/migrations';

export class Migration20261205142717_fit_connect_delivery extends Migration {

  override name = 'Migration20261205142717_fit_connect_delivery';

  override up(): void | Promise<void> {
    this.addSql(`create table "delivery_destination" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organisation_id" text not null, "service_key" text not null, "destination_id" text not null, "submission_api_url" text not null, "token_url" text not null, "client_id" text not null, "client_secret_env" text not null, "callback_secret_env" text not null, primary key ("id"));`);
    this.addSql(`create index "delivery_destination_organisation_id_index" on "delivery_destination" ("organisation_id");`);
    this.addSql(`alter table "delivery_destination" add constraint "delivery_destination_organisation_id_service_key_unique" unique ("organisation_id", "service_key");`);

    this.addSql(`create table "fit_connect_delivery" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "submission_id" uuid not null, "destination_config_id" uuid not null, "state" text not null default 'QUEUED', "fit_connect_submission_id" uuid null, "case_id" uuid null, "attempts" int not null default 0, "last_error" text null, "lease_until" timestamptz null, "steps" jsonb not null, primary key ("id"));`);
    this.addSql(`create index "fit_connect_delivery_submission_id_index" on "fit_connect_delivery" ("submission_id");`);
    this.addSql(`create index "fit_connect_delivery_destination_config_id_index" on "fit_connect_delivery" ("destination_config_id");`);
    this.addSql(`create index "fit_connect_delivery_state_index" on "fit_connect_delivery" ("state");`);
    this.addSql(`create index "fit_connect_delivery_case_id_index" on "fit_connect_delivery" ("case_id");`);
    this.addSql(`alter table "fit_connect_delivery" add constraint "fit_connect_delivery_submission_id_destination_config_id_unique" unique ("submission_id", "destination_config_id");`);

    this.addSql(`create table "fit_connect_event" ("jti" text not null, "delivery_id" uuid not null, "event_type" text not null, "issued_at" timestamptz not null, "applied_at" timestamptz not null, primary key ("jti"));`);
    this.addSql(`create index "fit_connect_event_delivery_id_index" on "fit_connect_event" ("delivery_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "delivery_destination" cascade;`);
    this.addSql(`drop table if exists "fit_connect_delivery" cascade;`);
    this.addSql(`drop table if exists "fit_connect_event" cascade;`);
  }

}
