import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';
import type { ImportReportData } from '../import.types.js';

/** One import attempt, also a refused or dry one: who imported what into which organisation, and the report. */
@Entity({ tableName: 'import_run' })
export class ImportRunEntity extends BaseEntity {
  @Index()
  @Property({ type: 'text' })
  organisationId!: string;

  /** The token's subject, or `cli` for the command line. */
  @Property({ type: 'text' })
  actor!: string;

  @Property({ type: 'text' })
  format!: string;

  /** SHA-256 of the imported file's bytes (UTF-8). */
  @Property({ type: 'text' })
  fileHash!: string;

  @Property({ type: 'boolean' })
  dryRun!: boolean;

  @Property({ type: 'boolean' })
  lenient!: boolean;

  /** APPLIED, UNCHANGED, DRY_RUN or REJECTED. */
  @Property({ type: 'text' })
  outcome!: string;

  @Property({ type: 'json' })
  report!: ImportReportData;
}
