import type { ImportProblem } from './import.problems.js';
import type { FieldChange } from './form-diff.js';
import type { RoutingDecision } from './form-routing.js';
import type { FormRuleInfo } from '../forms/form-rules.js';

/** The formats an import understands (the same union as format-detect.ts's ImportFormat). */
export type ImportFormat = 'XDATENFELDER_2' | 'XDATENFELDER_3' | 'BUNDLE';

export type EntryKind = 'AREA' | 'ORGANISATION' | 'CODE_LIST' | 'SERVICE' | 'FORM';

/** Where an imported entry came from. */
export interface EntryOrigin {
  format: ImportFormat;
  /** SHA-256 of the imported file. */
  fileHash: string;
  /** FIM imports: the Stammdatenschema's id and version. */
  fimId?: string;
  fimVersion?: string;
  /** Bundle imports: the exporting instance and organisation, and the entry's version there. */
  bundle?: { organisationId: string; ags?: string; instanceId?: string; exportedAt: string; version?: string };
}

/** The provenance a form version carries when it came from an import. */
export interface FormProvenance extends EntryOrigin {
  organisationId: string;
  importRunId: string;
  importedAt: string;
}

export interface ImportEntryRef {
  kind: EntryKind;
  id: string;
  version?: string;
  fimId?: string;
  /** Conflicts: why the entry was left as it is. */
  message?: string;
  /** XDatenfelder forms: the FIM rules (prose) with the fields they belong to. */
  rules?: FormRuleInfo[];
  /** Updated forms and new versions: the fields added, removed and changed against `comparedWith`. */
  changes?: FieldChange[];
  comparedWith?: string;
  /** XDatenfelder forms of municipal services imported by a municipality: how submissions are routed. */
  routing?: RoutingDecision;
}

/** What an import did (or, in a dry run, would do). */
export interface ImportReportData {
  format?: ImportFormat;
  organisationId: string;
  dryRun: boolean;
  lenient: boolean;
  /** Whether anything was written. */
  applied: boolean;
  fileHash: string;
  /** The import_run row that records this import. */
  runId?: string;
  created: ImportEntryRef[];
  updated: ImportEntryRef[];
  unchanged: ImportEntryRef[];
  conflicts: ImportEntryRef[];
  warnings: ImportProblem[];
  errors: ImportProblem[];
}
