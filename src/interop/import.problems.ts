/**
 * What can go wrong with an import file. Parsers and mappers report problems with a stable code, a German
 * message and, where known, the line in the file; the import report hands them on unchanged.
 */
export enum ImportProblemCode {
  /** Not XDatenfelder 2/3 and not a Lotse bundle (or a format named that the content is not). */
  UNSUPPORTED_FORMAT = 'UNSUPPORTED_FORMAT',
  /** An XDatenfelder document whose content is built like another version than its namespace claims (both modes). */
  NAMESPACE_MISMATCH = 'NAMESPACE_MISMATCH',
  /** Larger than the configured limit; refused before parsing. */
  INPUT_TOO_LARGE = 'INPUT_TOO_LARGE',
  /** Not well-formed XML (or JSON for bundles). */
  MALFORMED = 'MALFORMED',
  /** DOCTYPE, ENTITY declarations or processing that could expand the document. */
  FORBIDDEN_CONSTRUCT = 'FORBIDDEN_CONSTRUCT',
  /** Elements nested deeper than allowed. */
  TOO_DEEP = 'TOO_DEEP',
  /** A character reference outside Unicode or not allowed in XML 1.0. */
  INVALID_CHARACTER_REFERENCE = 'INVALID_CHARACTER_REFERENCE',
  /** Strict mode: the file breaks the official XSD. */
  SCHEMA_VIOLATION = 'SCHEMA_VIOLATION',
  /** Strict mode needs the official XSDs, and their folder is not configured or incomplete. */
  SCHEMA_UNAVAILABLE = 'SCHEMA_UNAVAILABLE',
  /** Required content missing or not understood (an element, an anzahl, a reference). */
  STRUCTURE = 'STRUCTURE',
  /** A code list that a select field references is not among the supplied genericode files. */
  CODELIST_MISSING = 'CODELIST_MISSING',
  /** A genericode file without usable codeKey/codenameKey columns or rows. */
  CODELIST_INVALID = 'CODELIST_INVALID',
  /** A pattern that does not compile or could backtrack catastrophically. */
  PATTERN_UNSAFE = 'PATTERN_UNSAFE',
  /** Something the file says that Lotse keeps but cannot apply (rules, unknown data types, …). */
  NOT_APPLIED = 'NOT_APPLIED',
  /** A legacy or ambiguous value read in a chosen way (e.g. a bare-number praezisierung as maximum length); the message says how. */
  INTERPRETED = 'INTERPRETED',
  /** Bundles: an entry that does not match its own hash, kind or schema. */
  BUNDLE_INVALID = 'BUNDLE_INVALID',
  /** The organisation, a service or a form named in the request does not exist or is not the caller's. */
  TARGET_INVALID = 'TARGET_INVALID',
}

export interface ImportProblem {
  code: ImportProblemCode;
  message: string;
  /** 1-based line in the imported file, where known. */
  line?: number;
}

/** Thrown by parsers for a problem that stops the import; everything collected so far goes with it. */
export class ImportRejectedError extends Error {
  constructor(readonly problems: ImportProblem[]) {
    super(problems.map((p) => (p.line ? `${p.line}: ${p.message}` : p.message)).join('\n'));
    this.name = 'ImportRejectedError';
  }
}

export const problem = (code: ImportProblemCode, message: string, line?: number): ImportProblem =>
  line === undefined ? { code, message } : { code, message, line };

/** A genericode 1.0 code list as read, with the code and name columns resolved through codeKey/codenameKey. */
export interface GenericodeList {
  shortName?: string;
  longName?: string;
  version?: string;
  canonicalUri?: string;
  canonicalVersionUri?: string;
  /** Column ids the codes and names were taken from. */
  codeColumn: string;
  nameColumn: string;
  helpColumn?: string;
  codes: Array<{ code: string; name: string; help?: string }>;
}
