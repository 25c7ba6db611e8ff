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
  'x-fim'?: { id?: string; version?: string; datentyp?: string; feldart?: string };
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

/** The Lotse annotations: kept in catalog files, stripped from what frontends get. */
/** Annotations that the served schemas keep (renderers show them). */
export const CARRIED_KEYWORDS = ['x-attachment'] as const;

export const X_KEYWORDS = ['x-label', 'x-help', 'x-fim', 'x-codelist', 'x-enum-labels', 'x-widget', 'x-format', 'x-date', 'x-rules'] as const;
