import type { Praezisierung } from '../../generated/fim-stammdatenschema.js';
import { ImportProblemCode } from '../import.problems.js';
import { child, childText, type XmlElement } from '../xml/xml-element.js';
import {
  copyText,
  PLACEHOLDERS,
  PRAEZISIERUNG_INTEGERS,
  PRAEZISIERUNG_STRINGS,
  readAbleitungsmodifikationen,
  shown,
  toNonNegativeInteger,
  XdfReader,
  type XdfDialect,
  type XdfParseOptions,
  type XdfParseResult,
} from './xdf-common.js';
import { XDF2_NAMESPACE } from './namespaces.js';
export { XDF2_NAMESPACE } from './namespaces.js';

export type { XdfParseOptions, XdfParseResult } from './xdf-common.js';

/**
 * XDatenfelder 2.0 (`urn:xoev-de:fim:standard:xdatenfelder_2`) message `xdatenfelder.stammdatenschema.0102` → IR.
 * See docs fim-xoev.md §1.3 and §6; the walk itself is in xdf-common.ts.
 */


/** Data types whose plain-integer legacy praezisierung is read as a maximum length. */
const TEXT_TYPES: ReadonlySet<string> = new Set(['text', 'text_latin']);
const NUMBER = '-?\\d+(?:\\.\\d+)?';
/** Legacy range `a..b` (e.g. `1..31` on a num_int field in a real export); either side may be left open. */
const LEGACY_RANGE = new RegExp(`^(${NUMBER})?\\s*\\.\\.\\s*(${NUMBER})?$`);

/** A report about the praezisierung: NOT_APPLIED by default, INTERPRETED where a legacy value was read in a chosen way. */
type Report = (message: string, code?: ImportProblemCode) => void;

/**
 * An xdf2 `praezisierung` (free text): the original text is always kept in `text`. JSON with string values
 * (`{"minLength":"1","maxLength":"250","pattern":"…"}`) gives minLength/maxLength as integers and
 * minValue/maxValue/pattern as strings; the legacy text `a..b` gives minValue/maxValue; a plain integer on a text
 * field gives maxLength. Anything else is kept as text only, with a NOT_APPLIED report.
 */
export function readPraezisierungXdf2(text: string, datentyp: string, of: string, report: Report): Praezisierung {
  const result: Praezisierung = { text };
  if (text === '' || PLACEHOLDERS.has(text)) return result;
  if (text.startsWith('{')) return readJson(text, of, result, report);

  const range = LEGACY_RANGE.exec(text);
  if (range && (range[1] !== undefined || range[2] !== undefined)) {
    if (range[1] !== undefined) result.minValue = range[1];
    if (range[2] !== undefined) result.maxValue = range[2];
    return result;
  }
  const integer = toNonNegativeInteger(text);
  if (integer !== undefined && TEXT_TYPES.has(datentyp)) {
    // Decided: a bare number such as `5` on a text field (a postcode) is the old "Feldlänge", i.e. the maximum length,
    // not an exact one (an exact length would refuse shorter values the source may well allow). Always said.
    result.maxLength = integer;
    report(
      `Die Präzisierung „${shown(text)}“ ${of} ist eine bloße Zahl (alte Schreibweise); sie wird beim Datentyp „${shown(datentyp, 20)}“ als Höchstlänge gelesen: höchstens ${integer} Zeichen.`,
      ImportProblemCode.INTERPRETED,
    );
    return result;
  }
  if (integer !== undefined) {
    report(`Die Präzisierung „${shown(text)}“ ${of} ist eine bloße Zahl (alte Schreibweise); beim Datentyp „${shown(datentyp, 20)}“ lässt sie sich weder als Länge noch als Grenze sicher lesen und wird nur als Text übernommen, nicht angewendet.`);
    return result;
  }
  report(`Die Präzisierung „${shown(text)}“ ${of} wird nicht verstanden und nur als Text übernommen.`);
  return result;
}

function readJson(text: string, of: string, result: Praezisierung, report: Report): Praezisierung {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    report(`Die Präzisierung „${shown(text)}“ ${of} ist kein gültiges JSON und wird nur als Text übernommen.`);
    return result;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    report(`Die Präzisierung „${shown(text)}“ ${of} ist kein JSON-Objekt und wird nur als Text übernommen.`);
    return result;
  }
  const values = new Map(Object.entries(parsed));
  for (const key of PRAEZISIERUNG_INTEGERS) {
    if (!values.has(key)) continue;
    const value = values.get(key);
    const integer = toNonNegativeInteger(value);
    if (integer === undefined) report(`Der Wert „${shown(String(value), 40)}“ von ${key} in der Präzisierung ${of} ist keine ganze Zahl ≥ 0 und wird nicht angewendet.`);
    else result[key] = integer;
  }
  for (const key of PRAEZISIERUNG_STRINGS) {
    if (!values.has(key)) continue;
    const value = values.get(key);
    if (typeof value === 'string') result[key] = key === 'pattern' ? value : value.trim();
    else if (typeof value === 'number' && Number.isFinite(value)) result[key] = String(value);
    else report(`Der Wert von ${key} in der Präzisierung ${of} ist weder Text noch Zahl und wird nicht angewendet.`);
  }
  const known = new Set<string>([...PRAEZISIERUNG_INTEGERS, ...PRAEZISIERUNG_STRINGS]);
  const unknown = [...values.keys()].filter((k) => !known.has(k));
  if (unknown.length) {
    const parts = unknown.map((k) => `„${shown(k, 40)}“: „${shown(typeof values.get(k) === 'string' ? (values.get(k) as string) : JSON.stringify(values.get(k) ?? null), 60)}“`);
    report(`Die Angaben ${parts.join(', ')} in der Präzisierung ${of} sind unbekannt und werden nicht angewendet.`);
  }
  return result;
}

const XDF2: XdfDialect = {
  standard: 'XDATENFELDER_2',
  namespace: XDF2_NAMESPACE,
  label: 'XDatenfelder 2.0',
  statusElement: 'status',
  schemaDetails(_reader, el, schema) {
    copyText(el, schema, 'hilfetext');
    readAbleitungsmodifikationen(el, schema);
  },
  groupDetails() {
    // xdf2 groups have nothing beyond Schemaelementangaben, rules and structure.
  },
  fieldDetails(reader, el, field, of) {
    const praezisierung = child(el, 'praezisierung');
    if (praezisierung === undefined) return;
    field.praezisierung = readPraezisierungXdf2(praezisierung.text.trim(), field.datentyp ?? 'text', of, (message, code = ImportProblemCode.NOT_APPLIED) =>
      reader.warn(code, message),
    );
  },
  ruleDetails(_reader, el, rule) {
    const script = childText(el, 'script');
    if (script !== undefined) rule.script = script;
  },
};

/** Reads an XDatenfelder 2.0 `xdatenfelder.stammdatenschema.0102` message (the root element) into the IR. */
export function parseXdf2(root: XmlElement, options: XdfParseOptions): XdfParseResult {
  return new XdfReader(XDF2, options.lenient).parse(root);
}
