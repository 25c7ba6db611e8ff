import type { Opt } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** A stored content, once per SHA-256; its bytes are the rows of `attachment_chunk` with `blob_key` = sha256. */
@Entity({ tableName: 'attachment_blob' })
export class AttachmentBlobEntity {
  @PrimaryKey({ type: 'text' })
  sha256!: string;

  @Property({ type: 'integer' })
  size!: number;

  @Property({ type: 'integer' })
  chunks!: number;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Opt<Date> = new Date();
}
