import type { Element, Praezisierung } from '../../generated/fim-stammdatenschema.js';
import { ImportProblemCode } from '../import.problems.js';
import { child, childrenNamed, childText, type XmlElement } from '../xml/xml-element.js';
import {
  codeValue,
  copyText,
  fitsIdentifikation,
  PRAEZISIERUNG_INTEGERS,
  readAbleitungsmodifikationen,
  readIdentifikation,
  shown,
  toNonNegativeInteger,
  XdfReader,
  type XdfDialect,
  type XdfParseOptions,
  type XdfParseResult,
} from './xdf-common.js';
import { XDF3_NAMESPACE } from './namespaces.js';
export { XDF3_NAMESPACE } from './namespaces.js';

export type { XdfParseOptions, XdfParseResult } from './xdf-common.js';

/**
 * XDatenfelder 3.0.0 (`urn:xoev-de:fim:standard:xdatenfelder_3.0.0`) message `xdatenfelder.stammdatenschema.0102` → IR.
 * See docs fim-xoev.md §1.4 and §6; the walk itself is in xdf-common.ts. Beyond xdf2 it reads the precision
 * attributes, inline `werte`, the genericode reference without id wrapper, codeKey/nameKey/helpKey, maxSize and
 * mediaType, vorbefuellung, the group kind `art` (X = Auswahlgruppe), stichwort, and the rule fields freitextRegel,
 * skript and typ. Not kept (one NOT_APPLIED warning each per import): relation, and the rules' param, ziel and fehler.
 */


type Report = (message: string) => void;

/**
 * An xdf3 `praezisierung`: minLength/maxLength attributes as integers (others reported and left out),
 * minValue/maxValue/pattern as strings, the element's text (if any) in `text`.
 */
export function readPraezisierungXdf3(el: XmlElement, of: string, report: Report): Praezisierung {
  const result: Praezisierung = {};
  const text = el.text.trim();
  if (text !== '') {
    result.text = text;
    // xdf3 says precision in attributes; text in the element is kept (and exported) but is nothing to check against
    report(`Der Text „${shown(text)}“ in der Präzisierung ${of} ist keine prüfbare Angabe (xdf3 nennt Grenzen als Attribute); er bleibt im Stammdatenschema erhalten, wird aber nicht angewendet.`);
  }
  for (const key of PRAEZISIERUNG_INTEGERS) {
    const raw = el.attributes[key];
    if (raw === undefined) continue;
    const integer = toNonNegativeInteger(raw);
    if (integer === undefined) report(`Der Wert „${shown(raw, 40)}“ von ${key} in der Präzisierung ${of} ist keine ganze Zahl ≥ 0 und wird nicht angewendet.`);
    else result[key] = integer;
  }
  if (el.attributes.minValue !== undefined) result.minValue = el.attributes.minValue.trim();
  if (el.attributes.maxValue !== undefined) result.maxValue = el.attributes.maxValue.trim();
  // The pattern is an HTML pattern attribute: whitespace in it can matter, so it is kept untouched.
  if (el.attributes.pattern !== undefined) result.pattern = el.attributes.pattern;
  return result;
}

/** Inline `werte/wert(code, name, hilfe?)`; a value without code or name is a structure problem and left out. */
function readWerte(reader: XdfReader, el: XmlElement, of: string): NonNullable<Element['werte']> {
  const werte: NonNullable<Element['werte']> = [];
  for (const wert of childrenNamed(el, 'wert')) {
    const code = childText(wert, 'code');
    const name = childText(wert, 'name');
    if (code === undefined || name === undefined) {
      reader.structure(`Ein Wert in der Werteliste ${of} hat keinen ${code === undefined ? 'Code (code)' : 'Namen (name)'}.`, 'Er wird übersprungen.');
      continue;
    }
    const hilfe = childText(wert, 'hilfe');
    werte.push(hilfe === undefined ? { code, name } : { code, name, hilfe });
  }
  return werte;
}

const XDF3: XdfDialect = {
  standard: 'XDATENFELDER_3',
  namespace: XDF3_NAMESPACE,
  label: 'XDatenfelder 3.0.0',
  statusElement: 'freigabestatus',
  schemaDetails(reader, el, schema) {
    copyText(el, schema, 'bezeichnung');
    copyText(el, schema, 'hilfetext');
    readAbleitungsmodifikationen(el, schema);
    const steckbrief = readIdentifikation(child(el, 'dokumentsteckbrief'));
    if (steckbrief && fitsIdentifikation(steckbrief)) schema.dokumentsteckbrief = steckbrief;
    else if (steckbrief) reader.warn(ImportProblemCode.NOT_APPLIED, `Die Kennung des Dokumentsteckbriefs „${shown(steckbrief.id)}“ ist zu lang und wird nicht übernommen.`);
  },
  groupDetails(_reader, el, group) {
    const art = codeValue(child(el, 'art'));
    if (art !== undefined) group.gruppenart = art;
  },
  fieldDetails(reader, el, field, of) {
    const report: Report = (message) => reader.warn(ImportProblemCode.NOT_APPLIED, message);
    const praezisierung = child(el, 'praezisierung');
    if (praezisierung) field.praezisierung = readPraezisierungXdf3(praezisierung, of, report);
    const vorbefuellung = codeValue(child(el, 'vorbefuellung'));
    if (vorbefuellung !== undefined) field.vorbefuellung = vorbefuellung;
    const werte = child(el, 'werte');
    if (werte) field.werte = readWerte(reader, werte, of);
    copyText(el, field, 'codeKey');
    copyText(el, field, 'nameKey');
    copyText(el, field, 'helpKey');
    const maxSize = childText(el, 'maxSize');
    if (maxSize !== undefined) {
      const size = toNonNegativeInteger(maxSize);
      if (size === undefined || size < 1) report(`Die Höchstgröße (maxSize) „${shown(maxSize, 40)}“ ${of} ist keine positive ganze Zahl und wird nicht angewendet.`);
      else field.maxSize = size;
    }
    const mediaTypes = childrenNamed(el, 'mediaType');
    if (mediaTypes.length) field.mediaType = mediaTypes.map((m) => m.text.trim());
  },
  ruleDetails(reader, el, rule) {
    copyText(el, rule, 'freitextRegel');
    copyText(el, rule, 'script', 'skript');
    const typ = codeValue(child(el, 'typ'));
    if (typ !== undefined) rule.typ = typ;
    if (['param', 'ziel', 'fehler'].some((name) => child(el, name) !== undefined)) {
      reader.notAppliedOnce(
        'regel-param',
        `Parameter, Ziele und Fehlermeldungen von Regeln (param, ziel, fehler) werden nicht übernommen (zum Beispiel bei der Regel „${shown(rule.angaben.identifikation.id)}“).`,
      );
    }
  },
};

/** Reads an XDatenfelder 3.0.0 `xdatenfelder.stammdatenschema.0102` message (the root element) into the IR. */
export function parseXdf3(root: XmlElement, options: XdfParseOptions): XdfParseResult {
  return new XdfReader(XDF3, options.lenient).parse(root);
}
