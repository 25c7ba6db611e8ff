import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * One piece of a stored content (ATTACHMENT_CHUNK_BYTES, 256 KB by default), so that no file is ever one row
 * in memory. `blobKey` is the SHA-256 of the content, or `staging:<uuid>` while an upload is being written.
 */
@Entity({ tableName: 'attachment_chunk' })
export class AttachmentChunkEntity {
  @PrimaryKey({ type: 'text' })
  blobKey!: string;

  @PrimaryKey({ type: 'integer' })
  seq!: number;

  @Property({ type: 'blob' })
  data!: Buffer;
}
