import type { EntityManager } from '@mikro-orm/postgresql';

/** What a write stored: the content's SHA-256 (its address) and size. */
export interface StoredContent {
  sha256: string;
  size: number;
}

/**
 * Where the bytes of attachments live, addressed by their SHA-256 (each content once). The default is
 * PostgreSQL ({@link PgAttachmentStorage}), which makes an upload and its attachment row one transaction.
 *
 * Another store (e.g. an S3-compatible object store) implements the same four methods:
 * - `write` streams the bytes to a staging object (`staging/<uuid>`) while hashing them, then copies it to
 *   `sha256/<hash>` unless that exists, and deletes the staging object. It must not leave the content
 *   visible when `tx` rolls back: register the staging key in `tx` (a row in a table such as
 *   `attachment_staging`) so that a sweeper removes objects of rolled-back uploads, and remove the content
 *   only through `removeUnreferenced`.
 * - `read` streams `sha256/<hash>` (ranged GETs keep memory flat).
 * - `removeUnreferenced` deletes contents that no `attachment` row names any more.
 * Register it instead of PgAttachmentStorage in `attachments.module.ts` under the token ATTACHMENT_STORAGE,
 * and run the storage test (`test/integration/attachment-storage.spec.ts`) against it.
 */
export interface AttachmentStorage {
  /** Stores `bytes` within the transaction of `tx`; a rollback leaves nothing. */
  write(tx: EntityManager, bytes: AsyncIterable<Buffer>): Promise<StoredContent>;
  /** The bytes of a stored content, in order, a chunk at a time. */
  read(sha256: string): AsyncIterable<Buffer>;
  /** Whether a content is stored. */
  has(sha256: string): Promise<boolean>;
  /** Deletes contents no attachment refers to; returns how many. */
  removeUnreferenced(): Promise<number>;
}

export const ATTACHMENT_STORAGE = Symbol('ATTACHMENT_STORAGE');
