import { ImportProblemCode, ImportRejectedError, problem } from './import.problems.js';
import type { ImportFormat } from './import.types.js';
import { GENERICODE_NAMESPACE } from './xdf/genericode.parser.js';
import { checkInputSize, DEFAULT_XML_LIMITS, lineOf, parseXml, type XmlLimits } from './xml/safe-xml.js';
import { child, childText, type XmlElement } from './xml/xml-element.js';
import { XDF1_NAMESPACE, XDF2_NAMESPACE, XDF3_NAMESPACE } from './xdf/namespaces.js';
export { XDF1_NAMESPACE, XDF2_NAMESPACE, XDF3_NAMESPACE } from './xdf/namespaces.js';

export type { ImportFormat };

export interface DetectedInput {
  format: ImportFormat;
  /** The root element, for the XML formats. */
  root?: XmlElement;
  /** The parsed JSON, for bundles (not yet checked against the bundle schema). */
  json?: unknown;
}

const XDF_NAMESPACE_PREFIX = 'urn:xoev-de:fim:standard:xdatenfelder_';
const STAMMDATENSCHEMA = 'xdatenfelder.stammdatenschema.0102';
/** A single group, as FIM editors exchange building blocks: imported as a form holding that group. */
const DATENFELDGRUPPE = 'xdatenfelder.datenfeldgruppe.0103';

/**
 * Bundles are walked by recursive code after parsing (hashing, schema checks); nesting beyond this is refused.
 * Generous for real bundles (a form schema nests a few levels per group), far below any stack limit.
 */
export const MAX_JSON_DEPTH = 256;

const FORMAT_NAMES: Record<ImportFormat, string> = {
  XDATENFELDER_2: 'XDatenfelder 2',
  XDATENFELDER_3: 'XDatenfelder 3',
  BUNDLE: 'Lotse-Bundle (JSON)',
};

/** The other XDatenfelder messages, by the part of the root name after `xdatenfelder.`. */
const XDF_MESSAGES: Record<string, string> = {
  'dokumentsteckbrief.0101': 'einen Dokumentsteckbrief',
  'datenfeld.0104': 'ein einzelnes Datenfeld',
  'codeliste.0105': 'eine Codeliste',
  'uebersetzung.0106': 'eine Übersetzung',
};

const unsupported = (message: string, line?: number): never => {
  throw new ImportRejectedError([problem(ImportProblemCode.UNSUPPORTED_FORMAT, message, line)]);
};

/**
 * Reads an uploaded file and tells what it is: a JSON bundle (first character `{` or `[`) or an XDatenfelder 2/3
 * Stammdatenschema (XML, read with the safe parser). Anything else, and a declared format the content does not
 * match, is refused with UNSUPPORTED_FORMAT and a message that names what the file is.
 */
export function readImportInput(text: string, declared: 'AUTO' | ImportFormat, limits: XmlLimits = DEFAULT_XML_LIMITS): DetectedInput {
  checkInputSize(text, limits.maxBytes);
  const start = firstContentIndex(text);
  const first = start === -1 ? '' : text[start];
  let detected: DetectedInput;
  if (first === '{' || first === '[') {
    detected = { format: 'BUNDLE', json: parseJson(text) };
  } else if (first === '<') {
    const root = parseXml(text, limits);
    detected = { format: xmlFormatOf(root), root };
  } else {
    return unsupported(
      start === -1
        ? 'Die Datei ist leer.'
        : 'Die Datei ist weder XML noch JSON. Erwartet wird ein XDatenfelder-2- oder -3-Stammdatenschema (XML) oder ein Lotse-Bundle (JSON).',
    );
  }
  if (declared !== 'AUTO' && declared !== detected.format) {
    unsupported(
      `Als Format wurde ${FORMAT_NAMES[declared]} angegeben, die Datei ist aber ${FORMAT_NAMES[detected.format]}. Bitte wählen Sie das passende Format oder „automatisch erkennen“.`,
      detected.root ? lineOf(detected.root) : undefined,
    );
  }
  return detected;
}

/** Index of the first character that is not whitespace (after an optional UTF-8 byte order mark), or -1. */
function firstContentIndex(text: string): number {
  const match = /[^\s\uFEFF]/.exec(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (!match) return -1;
  return match.index + (text.charCodeAt(0) === 0xfeff ? 1 : 0);
}

/** 1-based line of a character position. */
function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function parseJson(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const detail = (error as Error).message;
    // V8 names the position: "… in JSON at position 17 (line 2 column 5)" or "Unexpected end of JSON input".
    const position = /position (\d+)/.exec(detail);
    const line = position ? lineAt(body, Number(position[1])) : /end of JSON input/.test(detail) ? lineAt(body, body.length) : undefined;
    throw new ImportRejectedError([
      problem(ImportProblemCode.MALFORMED, `Die Datei ist kein gültiges JSON (Meldung des Parsers: ${detail}).`, line),
    ]);
  }
  checkJsonDepth(body);
  return value;
}

/** Refuses JSON nested deeper than {@link MAX_JSON_DEPTH}; a linear scan that skips strings. */
function checkJsonDepth(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) {
        throw new ImportRejectedError([
          problem(ImportProblemCode.TOO_DEEP, `Die JSON-Daten sind tiefer als ${MAX_JSON_DEPTH} Ebenen verschachtelt.`, lineAt(text, i)),
        ]);
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/** The format of a parsed XML file, or UNSUPPORTED_FORMAT naming what the file is. */
function xmlFormatOf(root: XmlElement): ImportFormat {
  const line = lineOf(root);
  const { name, namespace } = root;
  const importable = name === STAMMDATENSCHEMA || name === DATENFELDGRUPPE;
  if (namespace === XDF2_NAMESPACE && importable) return checkedVersion(root, 'XDATENFELDER_2');
  if (namespace === XDF3_NAMESPACE && importable) return checkedVersion(root, 'XDATENFELDER_3');
  if (namespace === XDF1_NAMESPACE) {
    return unsupported('XDatenfelder 1 wird nicht unterstützt; bitte exportieren Sie das Schema als XDatenfelder 2 oder 3.', line);
  }
  if (namespace === XDF2_NAMESPACE || namespace === XDF3_NAMESPACE) {
    const version = namespace === XDF2_NAMESPACE ? '2' : '3';
    const what = XDF_MESSAGES[name.replace(/^xdatenfelder\./, '')];
    return unsupported(
      `Die Datei ist die XDatenfelder-${version}-Nachricht „${name}“${what ? ` (${what})` : ''}. Importiert werden kann nur ein Stammdatenschema („${STAMMDATENSCHEMA}“); bitte exportieren Sie das ganze Datenschema.`,
      line,
    );
  }
  if (namespace.startsWith(XDF_NAMESPACE_PREFIX)) {
    return unsupported(
      `Die Datei ist XDatenfelder im Namensraum „${namespace}“; diese Version wird nicht unterstützt. Unterstützt werden XDatenfelder 2 und 3.0.0.`,
      line,
    );
  }
  if (namespace === GENERICODE_NAMESPACE && name === 'CodeList') {
    const listName = childText(child(root, 'Identification'), 'ShortName') || childText(child(root, 'Identification'), 'CanonicalUri');
    return unsupported(
      `Die Datei ist eine Codeliste (genericode${listName ? ` „${listName}“` : ''}) ohne Stammdatenschema. Codelisten werden zusammen mit dem Stammdatenschema hochgeladen, das sie verwendet.`,
      line,
    );
  }
  return unsupported(
    `Die Datei ist XML mit dem Wurzelelement „${name}“ ${namespace ? `im Namensraum „${namespace}“` : 'ohne Namensraum'}. Erwartet wird ein XDatenfelder-2- oder -3-Stammdatenschema („${STAMMDATENSCHEMA}“) oder ein Lotse-Bundle (JSON).`,
    line,
  );
}

/**
 * Traits of each XDatenfelder version that the other one does not have (element names from the XSDs, and the form of
 * `praezisierung`: xdf2 writes JSON text, xdf3 attributes). Used to tell whether the content fits its namespace.
 */
const TRAITS: Record<'XDATENFELDER_2' | 'XDATENFELDER_3', Array<{ what: string; found: (el: XmlElement) => boolean }>> = {
  XDATENFELDER_2: [
    { what: '„status“ statt „freigabestatus“', found: (el) => el.name === 'status' },
    { what: '„genericodeIdentification“ in Codelisten-Referenzen', found: (el) => el.name === 'genericodeIdentification' },
    { what: 'Präzisierungen als JSON-Text', found: (el) => el.name === 'praezisierung' && el.text.trim().startsWith('{') },
    { what: 'Regeln mit „script“', found: (el) => el.name === 'script' },
    { what: '„freigabedatum“', found: (el) => el.name === 'freigabedatum' },
  ],
  XDATENFELDER_3: [
    { what: '„freigabestatus“', found: (el) => el.name === 'freigabestatus' },
    { what: '„letzteAenderung“', found: (el) => el.name === 'letzteAenderung' },
    { what: 'Präzisierungen als Attribute', found: (el) => el.name === 'praezisierung' && Object.keys(el.attributes).length > 0 },
    { what: '„vorbefuellung“', found: (el) => el.name === 'vorbefuellung' },
    { what: 'Wertelisten („werte“)', found: (el) => el.name === 'werte' },
    { what: 'Regeln mit „skript“ oder „freitextRegel“', found: (el) => el.name === 'skript' || el.name === 'freitextRegel' },
    { what: '„dokumentsteckbrief“', found: (el) => el.name === 'dokumentsteckbrief' },
  ],
};

const VERSION_NAMES = { XDATENFELDER_2: 'XDatenfelder 2.0', XDATENFELDER_3: 'XDatenfelder 3.0.0' } as const;

/** The traits of a version found in the document, each named once. */
function traitsFound(root: XmlElement, format: keyof typeof TRAITS): string[] {
  const found = new Set<string>();
  const stack = [root];
  while (stack.length) {
    const el = stack.pop()!;
    for (const trait of TRAITS[format]) if (trait.found(el)) found.add(trait.what);
    stack.push(...el.children);
  }
  return TRAITS[format].map((t) => t.what).filter((w) => found.has(w));
}

/**
 * The version the namespace claims, when the content fits it. A document built like the other version (its traits
 * present, none of the claimed version's) is refused in both modes with NAMESPACE_MISMATCH: reading it as the claimed
 * version would silently lose what only the other version's reader understands (e.g. xdf2 length limits in JSON).
 */
function checkedVersion(root: XmlElement, claimed: 'XDATENFELDER_2' | 'XDATENFELDER_3'): ImportFormat {
  const other = claimed === 'XDATENFELDER_2' ? 'XDATENFELDER_3' : 'XDATENFELDER_2';
  const foreign = traitsFound(root, other);
  if (foreign.length === 0 || traitsFound(root, claimed).length > 0) return claimed;
  throw new ImportRejectedError([
    problem(
      ImportProblemCode.NAMESPACE_MISMATCH,
      `Die Datei gibt den Namensraum von ${VERSION_NAMES[claimed]} an („${root.namespace}“), ihr Inhalt ist aber ${VERSION_NAMES[other]}: gefunden wurden ${foreign.join(', ')}. Sie wird weder streng noch nachsichtig eingelesen, weil dabei Angaben verloren gingen; bitte exportieren Sie das Schema erneut oder korrigieren Sie den Namensraum.`,
      lineOf(root),
    ),
  ]);
}
