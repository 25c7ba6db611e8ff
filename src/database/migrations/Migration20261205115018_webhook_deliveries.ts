import { Migration } from '@mikro-orm/migrations';

export class Migration20261205115018_webhook_deliveries extends Migration {

  override name = 'Migration20261205115018_webhook_deliveries';

  override up(): void | Promise<void> {
    this.addSql(`create table "webhook_delivery" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "subscription_id" uuid not null, "event_id" uuid not null, "event_type" text not null, "event" jsonb not null, "state" text not null default 'PENDING', "attempts" int not null default 0, "last_status" int null, "last_error" text null, "last_attempt_at" timestamptz null, "delivered_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "webhook_delivery_state_index" on "webhook_delivery" ("state");`);
    this.addSql(`create index "webhook_delivery_subscription_id_created_at_index" on "webhook_delivery" ("subscription_id", "created_at");`);
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_subscription_id_event_id_unique" unique ("subscription_id", "event_id");`);

    this.addSql(`alter table "webhook_subscription" add "last_success_at" timestamptz null, add "failing_since" timestamptz null, add "paused_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "webhook_delivery" cascade;`);

    this.addSql(`alter table "webhook_subscription" drop column "last_success_at", drop column "failing_since", drop column "paused_at";`);
  }

}
