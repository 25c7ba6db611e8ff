import type { SchemaValidateFunction } from 'ajv';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { LocalizedText } from '../generated/catalog-common.js';
import { CARRIED_KEYWORDS, X_KEYWORDS, type FormSchemaNode } from './form.types.js';
import { messageFor, type MessageLocale } from './form-messages.js';
import { fieldIndex, fieldKey, type FieldInfo } from './form-schema.js';
import { isDin91379Text } from './din91379.js';
import { isValidIban } from './iban.js';
import { guardDepth } from '../common/json-bounds.js';
import { pointerSegment } from '../common/json-pointer.js';

const addFormats = addFormatsImport as unknown as (ajv: Ajv2020, options?: unknown) => Ajv2020;

export const MAX_ERRORS = 100;

/** An error as JSON Forms takes it (`additionalErrors`: ajv's ErrorObject) plus the field and its label. */
export interface FieldError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
  /** JSON pointer of the field the error is about (for `required`, the missing field). */
  field: string;
  label: string;
}

export interface ValidationOutcome {
  valid: boolean;
  errors: FieldError[];
  /** Whether more errors existed than the cap. */
  truncated: boolean;
}

/** The checks behind `x-format`; a failure names the format in its params, so that messages can tell them apart. */
const X_FORMAT_CHECKS = new Map<string, (value: string) => boolean>([
  ['iban', isValidIban],
  ['din91379', isDin91379Text],
]);

const checkXFormat: SchemaValidateFunction = (format: string, value: string): boolean => {
  const check = X_FORMAT_CHECKS.get(format);
  if (!check || check(value)) return true;
  checkXFormat.errors = [{ keyword: 'x-format', params: { format } }];
  return false;
};

/**
 * The one ajv instance for form data: JSON Schema 2020-12, strict mode (except strictRequired, which would
 * forbid the standard conditional `then: { required: [...] }`), formats from ajv-formats
 * (with formatMinimum/formatMaximum for date bounds), `$data` off, all errors, `multipleOf` with 8 digits of
 * precision (so 19.99 is a multiple of 0.01). The x- annotations are
 * registered as such; `x-format: iban` also checks the IBAN's check digits, `x-format: din91379` the character
 * set of DIN 91379 datatype C (FIM `text_latin`).
 */
export function createFormAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, $data: false, messages: false, multipleOfPrecision: 8 });
  addFormats(ajv, { mode: 'full', keywords: true });
  for (const keyword of X_KEYWORDS) {
    if (keyword === 'x-format') continue;
    ajv.addKeyword({ keyword });
  }
  ajv.addKeyword({ keyword: 'x-codelist-version', schemaType: 'string' });
  for (const keyword of CARRIED_KEYWORDS) ajv.addKeyword({ keyword, schemaType: 'object' });
  ajv.addKeyword({
    keyword: 'x-format',
    schemaType: 'string',
    type: 'string',
    errors: true,
    validate: checkXFormat,
  });
  return ajv;
}

/** The field an error is about: for required-style errors, the missing child. */
function fieldOf(error: ErrorObject): string {
  const p = error.params as { missingProperty?: string; additionalProperty?: string };
  if ((error.keyword === 'required' || error.keyword === 'dependentRequired' || error.keyword === 'dependencies') && p.missingProperty) {
    return `${error.instancePath}/${p.missingProperty}`;
  }
  return error.instancePath;
}

function labelOf(fields: Map<string, FieldInfo>, pointer: string, locale: MessageLocale, formTitle: LocalizedText): string {
  const key = fieldKey(pointer);
  // an entry of a list of plain values: the items' label, else the list's
  const list = key.endsWith('/*') ? fields.get(key.slice(0, -2))?.node : undefined;
  const label = fields.get(key)?.label ?? list?.items?.['x-label'] ?? list?.['x-label'] ?? (pointer === '' ? formTitle : undefined);
  return (label && ((label as Record<string, string | undefined>)[locale] ?? label.de)) ?? (pointer.split('/').pop() || pointer);
}

/** Summary errors that only say "a branch failed"; the branch's own errors say what is wrong. */
const SUMMARY = new Set(['if', 'allOf']);

export class CompiledForm {
  readonly fields: Map<string, FieldInfo>;

  constructor(
    readonly validate: ValidateFunction,
    schema: FormSchemaNode,
    private readonly title: LocalizedText,
  ) {
    this.fields = fieldIndex(schema);
  }

  /** Validates `data`; with `fieldPrefixes`, keeps only errors inside those fields (one step of the form). */
  check(data: unknown, locale: MessageLocale, fieldPrefixes?: readonly string[]): ValidationOutcome {
    const extra = [...formatChecks(data, this.fields), ...illegalCharacters(data)];
    if (this.validate(data) && extra.length === 0) return { valid: true, errors: [], truncated: false };
    const seen = new Set<string>();
    const errors: FieldError[] = [];
    for (const error of [...(this.validate.errors ?? []), ...extra]) {
      if (SUMMARY.has(error.keyword)) continue;
      const field = fieldOf(error);
      if (fieldPrefixes && !fieldPrefixes.some((prefix) => field === prefix || field.startsWith(`${prefix}/`))) continue;
      const key = `${field}\u0000${error.keyword}\u0000${JSON.stringify(error.params)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const dependsOn = error.keyword === 'dependentRequired' || error.keyword === 'dependencies' ? `${error.instancePath}/${String((error.params as { property?: string }).property)}` : undefined;
      const label = labelOf(this.fields, field, locale, this.title);
      const node = this.fields.get(fieldKey(field))?.node;
      const declaration = node?.type === 'boolean' && node.const === true;
      errors.push({
        instancePath: error.instancePath,
        schemaPath: error.schemaPath,
        keyword: error.keyword,
        params: error.params as Record<string, unknown>,
        message: messageFor(error, label, locale, dependsOn ? labelOf(this.fields, dependsOn, locale, this.title) : undefined, declaration),
        field,
        label,
      });
    }
    const truncated = errors.length > MAX_ERRORS;
    return { valid: errors.length === 0, errors: errors.slice(0, MAX_ERRORS), truncated };
  }
}

/** `/a/*\/b` -> `#/properties/a/items/properties/b`: where a field sits in the served schema. */
const schemaPointer = (key: string) => `#${key.split('/').slice(1).map((s) => (s === '*' ? '/items' : `/properties/${pointerSegment(s)}`)).join('')}`;

/**
 * The checks the server makes beyond JSON Schema: `x-format` (IBAN check digits, DIN 91379 characters) on every
 * string of a field that has one. They are not in the served schema (a browser's ajv would refuse an unknown
 * keyword), so their errors carry their own keyword `x-format` and a schemaPath ending in `/x-format`.
 */
function formatChecks(data: unknown, fields: Map<string, FieldInfo>): ErrorObject[] {
  const found: ErrorObject[] = [];
  collectFormatErrors(data, fields, '', found);
  return found;
}

// The walks of every validation recurse through module-level functions with plain loops rather than flatMap
// callbacks: a callback is a new closure per call, and V8 drops the optimised code of closures gone at a full GC, so
// they were compiled again after every full GC of a soak (see canonical-json.ts).
function collectFormatErrors(data: unknown, fields: Map<string, FieldInfo>, path: string, found: ErrorObject[]): void {
  if (typeof data === 'string') {
    const key = fieldKey(path);
    const format = fields.get(key)?.node['x-format'];
    const check = format ? X_FORMAT_CHECKS.get(format) : undefined;
    if (check && !check(data)) found.push({ instancePath: path, schemaPath: `${schemaPointer(key)}/x-format`, keyword: 'x-format', params: { format } });
  } else if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) collectFormatErrors(data[i], fields, `${path}/${i}`, found);
  } else if (data && typeof data === 'object') {
    for (const key of Object.keys(data)) collectFormatErrors((data as Record<string, unknown>)[key], fields, `${path}/${pointerSegment(key)}`, found);
  }
}

/** Characters XML 1.0 cannot carry: control characters, U+FFFE/U+FFFF and lone surrogates. */
// eslint-disable-next-line no-control-regex -- the control characters are exactly what this looks for
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

/**
 * Text that could not be exported as XML is refused here, so every accepted submission exports. Deeper than
 * JSON_MAX_DEPTH is INPUT_TOO_DEEP, also when the data did not come through the JSON scalar.
 */
export function illegalCharacters(data: unknown, path = '', depth = 0): ErrorObject[] {
  const found: ErrorObject[] = [];
  collectIllegalCharacters(data, path, depth, found);
  return found;
}

function collectIllegalCharacters(data: unknown, path: string, depth: number, found: ErrorObject[]): void {
  if (typeof data === 'string') {
    if (XML_ILLEGAL.test(data)) found.push({ instancePath: path, schemaPath: '#/x-xml-characters', keyword: 'x-xml-characters', params: {} });
    return;
  }
  if (data === null || typeof data !== 'object') return;
  guardDepth(depth + 1);
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) collectIllegalCharacters(data[i], `${path}/${i}`, depth + 1, found);
  } else {
    for (const key of Object.keys(data)) collectIllegalCharacters((data as Record<string, unknown>)[key], `${path}/${pointerSegment(key)}`, depth + 1, found);
  }
}

/** An rjsf `extraErrors` tree: `{ field: { __errors: [message] } }`, arrays by index. */
export function toRjsfErrors(errors: readonly FieldError[]): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  for (const error of errors) {
    let node = tree as Record<string, unknown>;
    for (const segment of error.field.split('/').slice(1)) {
      node[segment] ??= {};
      node = node[segment] as Record<string, unknown>;
    }
    ((node.__errors ??= []) as string[]).push(error.message);
  }
  return tree;
}
