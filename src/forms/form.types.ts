import type { FormVersionFile } from '../generated/form.js';
import type { LocalizedText } from '../generated/catalog-common.js';

export type { FormVersionFile, LocalizedText };

/** A JSON Schema node of a form, with the x- annotations Lotse understands. */
export interface FormSchemaNode {
  type?: string | string[];
  properties?: Record<string, FormSchemaNode>;
  items?: FormSchemaNode;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  allOf?: FormSchemaNode[];
  anyOf?: FormSchemaNode[];
  oneOf?: FormSchemaNode[];
  if?: FormSchemaNode;
  then?: FormSchemaNode;
  else?: FormSchemaNode;
  'x-label'?: LocalizedText;
  'x-help'?: LocalizedText;
  'x-fim'?: {
    id?: string;
    version?: string;
    datentyp?: string;
    feldart?: string;
    /** Select fields: the FIM code list (uri = canonicalIdentification, version); `missing` when it was not supplied. */
    codeliste?: { uri?: string; version?: string; versionUri?: string; id?: string; missing?: boolean };
  };
  /** Object nodes from FIM: the property keys in FIM order (stored JSON does not keep key order). */
  'x-order'?: string[];
  /** Object nodes from FIM: label fields (static text) with their FIM id, after the property `after` (none: first). */
  'x-labels'?: Array<{ 'x-fim': { id: string; version?: string; feldart: string }; text: LocalizedText; after?: string }>;
  /** FIM rules on this element, kept readable (they are prose in real exports and are not executed). */
  'x-rules'?: Array<{ id: string; version?: string; name: string; text?: LocalizedText }>;
  'x-codelist'?: string;
  'x-enum-labels'?: Record<string, LocalizedText>;
  'x-widget'?: string;
  'x-format'?: string;
  'x-date'?: { min?: string; max?: string };
  /** Limits of an attachment field (`x-widget: attachment`): media types, bytes, files; served to renderers. */
  'x-attachment'?: { mediaTypes?: string[]; maxBytes?: number; maxFiles?: number };
  [keyword: string]: unknown;
}

/** Annotations that the served schemas keep (renderers show them). */
export const CARRIED_KEYWORDS = ['x-attachment'] as const;

/** The Lotse annotations: kept in catalog files, stripped from what frontends get. */
export const X_KEYWORDS = ['x-label', 'x-help', 'x-fim', 'x-codelist', 'x-enum-labels', 'x-widget', 'x-format', 'x-date', 'x-rules', 'x-order', 'x-labels'] as const;
