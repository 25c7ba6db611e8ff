import { Migration } from '@mikro-orm/migrations';

export class Migration20261205113649_attachments extends Migration {

  override name = 'Migration20261205113649_attachments';

  override up(): void | Promise<void> {
    this.addSql(`create table "attachment_blob" ("sha256" text not null, "size" int not null, "chunks" int not null, "created_at" timestamptz not null, primary key ("sha256"));`);

    this.addSql(`create table "attachment_chunk" ("blob_key" text not null, "seq" int not null, "data" bytea not null, primary key ("blob_key", "seq"));`);

    this.addSql(`create table "attachment" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "sha256" text not null, "file_name" text not null, "media_type" text not null, "size" int not null, "purpose" text not null, "form_id" text null, "form_version" text null, "field" text null, "pointer" text null, "submission_id" uuid null, "request_id" uuid null, "uploaded_by" text null, "bound_at" timestamptz null, "client_address" text null, "scanned" boolean not null default false, primary key ("id"));`);
    this.addSql(`create index "attachment_sha256_index" on "attachment" ("sha256");`);
    this.addSql(`create index "attachment_submission_id_index" on "attachment" ("submission_id");`);
    this.addSql(`create index "attachment_bound_at_created_at_index" on "attachment" ("bound_at", "created_at");`);

    this.addSql(`create table "case_document" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "submission_id" uuid not null, "attachment_id" uuid not null, "title" text not null, "source" text not null, "visible_to_applicant" boolean not null default false, "request_id" uuid null, "pointer" text null, "added_by" text null, primary key ("id"));`);
    this.addSql(`create index "case_document_attachment_id_index" on "case_document" ("attachment_id");`);
    this.addSql(`create index "case_document_submission_id_created_at_index" on "case_document" ("submission_id", "created_at");`);

    this.addSql(`create table "document_request" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "submission_id" uuid not null, "items" jsonb not null, "status" text not null default 'OPEN', "requested_by" text null, "fulfilled_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "document_request_submission_id_index" on "document_request" ("submission_id");`);

    // what was requested before requests had ids: one open request per case that waits for documents
    this.addSql(`insert into "document_request" ("id", "created_at", "updated_at", "submission_id", "items", "status")
      select gen_random_uuid(), "updated_at", "updated_at", "id", "requested_documents"::jsonb, 'OPEN'
      from "submission" where "status" = 'DOCUMENTS_REQUESTED' and "requested_documents" is not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "attachment_blob" cascade;`);
    this.addSql(`drop table if exists "attachment_chunk" cascade;`);
    this.addSql(`drop table if exists "attachment" cascade;`);
    this.addSql(`drop table if exists "case_document" cascade;`);
    this.addSql(`drop table if exists "document_request" cascade;`);
  }

}
