import { Migration } from '@mikro-orm/migrations';

export class Migration20261205143047_citizen_accounts extends Migration {

  override name = 'Migration20261205143047_citizen_accounts';

  override up(): void | Promise<void> {
    this.addSql(`create table "citizen_account" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "issuer" text not null, "subject" text not null, primary key ("id"));`);
    this.addSql(`alter table "citizen_account" add constraint "citizen_account_issuer_subject_unique" unique ("issuer", "subject");`);

    this.addSql(`alter table "form_draft" add "citizen_account_id" uuid null;`);
    this.addSql(`create index "form_draft_citizen_account_id_index" on "form_draft" ("citizen_account_id");`);

    this.addSql(`alter table "submission" add "citizen_account_id" uuid null, add "trust_level" text null;`);
    this.addSql(`create index "submission_citizen_account_id_index" on "submission" ("citizen_account_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "citizen_account" cascade;`);

    this.addSql(`drop index "form_draft_citizen_account_id_index";`);
    this.addSql(`alter table "form_draft" drop column "citizen_account_id";`);

    this.addSql(`drop index "submission_citizen_account_id_index";`);
    this.addSql(`alter table "submission" drop column "citizen_account_id", drop column "trust_level";`);
  }

}
