import type { Opt } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { EntryKind, EntryOrigin } from '../import.types.js';

/**
 * Where an entry written by an import came from, and what was written: `writtenHash` is the canonical hash of
 * the entry as the import left it. When the entry's current hash differs, someone changed it locally since,
 * and the next import reports a conflict instead of overwriting it.
 */
@Entity({ tableName: 'imported_entry' })
export class ImportedEntryEntity {
  /** `<kind>:<entry id>`, forms with their version: `FORM:<form id>@<version>`. */
  @PrimaryKey({ type: 'text' })
  id!: string;

  @Property({ type: 'text' })
  kind!: EntryKind;

  @Property({ type: 'text' })
  entryId!: string;

  /** The organisation that imported it. */
  @Index()
  @Property({ type: 'text' })
  organisationId!: string;

  @Property({ type: 'json' })
  origin!: EntryOrigin;

  /** Hash of the entry in the source (bundle entry hash, or the FIM file's hash). */
  @Property({ type: 'text' })
  sourceHash!: string;

  @Property({ type: 'text' })
  writtenHash!: string;

  @Property({ type: 'uuid' })
  importRunId!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  importedAt: Opt<Date> = new Date();
}
