import { Migration } from '@mikro-orm/migrations';

export class Migration20261125174858_processing extends Migration {

  override name = 'Migration20261125174858_processing';

  override up(): void | Promise<void> {
    this.addSql(`create table "submission_event" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "submission_id" uuid not null, "kind" text not null, "actor_type" text not null, "actor_id" text null, "from_status" text null, "to_status" text null, "public_note_de" text null, "public_note_en" text null, "internal_note" text null, "items" jsonb null, primary key ("id"));`);
    this.addSql(`create index "submission_event_submission_id_index" on "submission_event" ("submission_id");`);

    this.addSql(`alter table "submission" add "due_at" timestamptz null, add "assignee_id" text null, add "requested_documents" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "submission_event" cascade;`);

    this.addSql(`alter table "submission" drop column "due_at", drop column "assignee_id", drop column "requested_documents";`);
  }

}
