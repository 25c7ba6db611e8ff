import { Migration } from '@mikro-orm/migrations';

export class Migration20261125175648_webhooks extends Migration {

  override name = 'Migration20261125175648_webhooks';

  override up(): void | Promise<void> {
    this.addSql(`create table "webhook_subscription" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "organisation_id" text not null, "url" text not null, "secret" text not null, "active" boolean not null default true, primary key ("id"));`);
    this.addSql(`create index "webhook_subscription_organisation_id_index" on "webhook_subscription" ("organisation_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "webhook_subscription" cascade;`);
  }

}
