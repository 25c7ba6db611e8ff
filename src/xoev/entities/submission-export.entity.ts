import type { Opt } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * The XÖV message of a submission, kept once it validated: every later request (API, HTTP, CLI, webhook) hands out
 * the same bytes, so the SHA-512 in the metadata always matches the XML a receiver holds.
 */
@Entity({ tableName: 'submission_export' })
export class SubmissionExportEntity {
  @PrimaryKey({ type: 'uuid' })
  submissionId!: string;

  @Property({ type: 'uuid' })
  messageId!: string;

  @Property({ type: 'text' })
  xml!: string;

  @Property({ type: 'text' })
  sha512!: string;

  @Property({ type: 'text' })
  schemaUri!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Opt<Date> = new Date();
}
