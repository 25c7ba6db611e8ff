import type {
  Angaben,
  Bezug,
  CodelisteReferenz,
  Element,
  FimStammdatenschema,
  Identifikation,
  Praezisierung,
  Regel,
  Struktur,
} from '../../generated/fim-stammdatenschema.js';
import { escapeXmlAttribute, escapeXmlText } from '../../xoev/fachdaten.serializer.js';
import { ImportProblemCode, ImportRejectedError, problem, type ImportProblem } from '../import.problems.js';
import { XDF2_NAMESPACE } from './namespaces.js';
export { XDF2_NAMESPACE } from './namespaces.js';

/**
 * Export of a Stammdatenschema (IR) as an XDatenfelder 2.0 message `xdatenfelder.stammdatenschema.0102`.
 *
 * xdf2 nests the full definition of a group or field inside each `struktur/enthaelt` (and the full `regel` inside each
 * element that has it), while the IR holds every building block once; so each block is written once per occurrence.
 * Whatever xdf2 cannot say (XDatenfelder 3 additions) is mapped to the closest xdf2 value or left out, and reported
 * as one warning per kind of loss, naming the elements concerned.
 */


export interface Xdf2ExportOptions {
  nachrichtID: string;
  /** xs:dateTime, e.g. `2026-11-25T10:00:00Z`. */
  erstellungszeitpunkt: string;
}

export interface Xdf2Export {
  xml: string;
  warnings: ImportProblem[];
}

/** Prefix of the canonical identification written for the inline `werte` of an xdf3 select field. */
export const WERTE_CODELIST_PREFIX = 'urn:lotse:fim:werte:';
/** Genericode version written for inline `werte`. */
export const WERTE_CODELIST_VERSION = '1';

/** Upper bound on written element occurrences: nested reuse multiplies, and a runaway IR must not exhaust memory. */
const MAX_OCCURRENCES = 200_000;

// Fixed listURIs of the XÖV codes in xdatenfelder-baukasten.xsd 2.0; every listVersionID is fixed to 1.0.
const LIST_URI = {
  status: 'urn:xoev-de:fim:codeliste:xdatenfelder.status',
  schemaelementart: 'urn:xoev-de:fim:codeliste:xdatenfelder.schemaelementart',
  feldart: 'urn:xoev-de:fim:codeliste:xdatenfelder.feldart',
  datentyp: 'urn:xoev-de:fim:codeliste:xdatenfelder.datentyp',
  ableitungsmodifikationenStruktur: 'urn:xoev-de:fim:codeliste:xdatenfelder.ableitungsmodifikationenStruktur',
  ableitungsmodifikationenRepraesentation: 'urn:xoev-de:fim:codeliste:xdatenfelder.ableitungsmodifikationenRepraesentation',
} as const;
const LIST_VERSION = '1.0';

const STATUS = ['aktiv', 'inaktiv', 'inVorbereitung'];
const SCHEMAELEMENTART = ['ABS', 'HAR', 'RNG'];
const FELDART = ['input', 'label', 'select'];
const DATENTYP = ['bool', 'date', 'file', 'num', 'num_currency', 'num_int', 'obj', 'text'];
const ABLEITUNG_STRUKTUR = ['0', '1', '2', '3'];
const ABLEITUNG_REPRAESENTATION = ['0', '1'];

/**
 * Defaults written where the XSD requires a code that the IR lacks (each one reported as a warning):
 * - status `inVorbereitung`: claims no approval that the source did not state;
 * - schemaelementart `HAR` (harmonisiert): ABS is meant for abstract building blocks, RNG needs a legal norm;
 * - feldart `input`, datentyp `text`: the most general field;
 * - ableitungsmodifikationen `0` (nicht modifizierbar): the most restrictive, so nothing is allowed that was not stated.
 */
export const XDF2_DEFAULTS = {
  status: 'inVorbereitung',
  schemaelementart: 'HAR',
  feldart: 'input',
  datentyp: 'text',
  ableitungsmodifikationenStruktur: '0',
  ableitungsmodifikationenRepraesentation: '0',
} as const;

/**
 * XDatenfelder 3 freigabestatus (FIM status code list, 1–8) → the closest xdf2 status:
 * 1 in Planung, 2 in Bearbeitung, 3 Entwurf, 4 methodisch freigegeben → inVorbereitung (not yet approved for use);
 * 5 fachlich freigegeben (silber), 6 fachlich freigegeben (gold) → aktiv;
 * 7 inaktiv, 8 vorgesehen zum Löschen → inaktiv.
 */
const FREIGABESTATUS_TO_XDF2: Record<string, string> = {
  '1': 'inVorbereitung',
  '2': 'inVorbereitung',
  '3': 'inVorbereitung',
  '4': 'inVorbereitung',
  '5': 'aktiv',
  '6': 'aktiv',
  '7': 'inaktiv',
  '8': 'inaktiv',
};

const FELDART_DOWN: Record<string, string> = { hidden: 'input', locked: 'input' };
const DATENTYP_DOWN: Record<string, string> = { datetime: 'text', time: 'text', text_latin: 'text' };

// ---------------------------------------------------------------------------------------------------------------
// A tiny XML tree and its pretty printer (2 spaces, text-only elements inline, empty elements self-closed).

export interface XNode {
  name: string;
  attrs?: Array<[string, string]>;
  text?: string;
  children?: XNode[];
}

const leaf = (name: string, text: string, attrs?: Array<[string, string]>): XNode => ({ name, text, attrs });
const branch = (name: string, children: XNode[], attrs?: Array<[string, string]>): XNode => ({ name, children, attrs });

/** Builders of the tiny XML tree, shared with the genericode serializer. */
export const xmlLeaf = leaf;
export const xmlBranch = branch;

function render(node: XNode, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  const attrs = (node.attrs ?? []).map(([k, v]) => ` ${k}="${escapeXmlAttribute(v)}"`).join('');
  if (node.children && node.children.length > 0) {
    out.push(`${pad}<${node.name}${attrs}>`);
    for (const c of node.children) render(c, depth + 1, out);
    out.push(`${pad}</${node.name}>`);
  } else if (node.text) {
    out.push(`${pad}<${node.name}${attrs}>${escapeXmlText(node.text)}</${node.name}>`);
  } else {
    out.push(`${pad}<${node.name}${attrs}/>`);
  }
}

/** Renders a document: declaration, the root (with its namespace declarations in `attrs`), a final newline. */
export function renderXmlDocument(root: XNode): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  render(root, 0, out);
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------------------
// Warnings: one per kind of loss, naming the elements concerned in the order they were met.

interface Kind {
  code: ImportProblemCode;
  render: (subjects: string) => string;
  /** Insertion-ordered, each subject once. */
  subjects: Set<string>;
}

class Losses {
  private readonly kinds = new Map<string, Kind>();

  note(key: string, code: ImportProblemCode, subject: string, renderMessage: (subjects: string) => string): void {
    let kind = this.kinds.get(key);
    if (!kind) {
      kind = { code, render: renderMessage, subjects: new Set() };
      this.kinds.set(key, kind);
    }
    kind.subjects.add(subject);
  }

  problems(): ImportProblem[] {
    return [...this.kinds.values()].map((k) => problem(k.code, k.render(listSubjects([...k.subjects]))));
  }
}

const SHOWN_SUBJECTS = 10;
const listSubjects = (subjects: string[]): string =>
  subjects.length <= SHOWN_SUBJECTS
    ? subjects.join(', ')
    : `${subjects.slice(0, SHOWN_SUBJECTS).join(', ')} und ${subjects.length - SHOWN_SUBJECTS} weitere`;

// ---------------------------------------------------------------------------------------------------------------
// Text checks: characters XML 1.0 cannot carry are removed; characters outside String.Latin 1.1 are reported.

// eslint-disable-next-line no-control-regex
const NOT_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` without the characters XML 1.0 cannot carry at all (control characters, lone surrogates, U+FFFE/U+FFFF). */
export const withoutNonXmlCharacters = (text: string): string => text.replace(NOT_XML_CHARS, '');

/** The single characters of xoev-lc:String.Latin (latinchars.xsd 1.1.1), as a character class. */
const LATIN_CLASS =
  '\\t\\n\\r\\x20-\\x7e\\xa1-\\xac\\xae-\\u0107\\u010a-\\u011b\\u011e-\\u0123\\u0126-\\u0131\\u0134-\\u015b\\u015e-\\u016b' +
  '\\u016e-\\u017e\\u018f\\u01a0-\\u01a1\\u01af-\\u01b0\\u01b7\\u01cd-\\u01d4\\u01de-\\u01df\\u01e4-\\u01f0\\u01f4-\\u01f5' +
  '\\u01fa-\\u01ff\\u0218-\\u021b\\u021e-\\u021f\\u022a-\\u022b\\u022e-\\u0233\\u0259\\u0292\\u1e02-\\u1e03\\u1e0a-\\u1e0b' +
  '\\u1e10-\\u1e11\\u1e1e-\\u1e21\\u1e24-\\u1e27\\u1e30-\\u1e31\\u1e40-\\u1e41\\u1e44-\\u1e45\\u1e56-\\u1e57\\u1e60-\\u1e63' +
  '\\u1e6a-\\u1e6b\\u1e80-\\u1e85\\u1e8c-\\u1e93\\u1e9e\\u1ea0-\\u1ea7\\u1eaa-\\u1eac\\u1eae-\\u1ec1\\u1ec4-\\u1ed3' +
  '\\u1ed6-\\u1edd\\u1ee4-\\u1ef9\\u20ac';
/** The combining sequences String.Latin 1.1.1 allows (letter + circumflex or caron). */
const LATIN_SEQUENCES = /[MNmnDdLl]\u0302|J\u030C/g;
const LATIN_CHARS = new RegExp(`[${LATIN_CLASS}]`, 'g');

/** The characters of `text` that xoev-lc:String.Latin does not allow, each once, in order. */
export function nonLatinCharacters(text: string): string[] {
  const rest = text.replace(LATIN_SEQUENCES, '').replace(LATIN_CHARS, '');
  return [...new Set(Array.from(rest))];
}

const codePoint = (c: string) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

// ---------------------------------------------------------------------------------------------------------------
// The writer.

interface Ctx {
  schema: FimStammdatenschema;
  xdf3: boolean;
  losses: Losses;
  errors: ImportProblem[];
  /** Keys of the groups being written, to stop at a group that contains itself. */
  path: string[];
}

const subjectOf = (ident: Identifikation | undefined): string => (ident ? (ident.version ? `${ident.id} (${ident.version})` : ident.id) : '?');

/** Checks and cleans a text: drops characters XML cannot carry, reports those String.Latin does not allow. */
function cleanText(ctx: Ctx, subject: string, value: string, latin: boolean): string {
  const text = withoutNonXmlCharacters(value);
  if (text !== value)
    ctx.losses.note('xml-chars', ImportProblemCode.INVALID_CHARACTER_REFERENCE, subject, (s) =>
      `Zeichen, die XML 1.0 nicht darstellen kann (Steuerzeichen), wurden aus den Texten entfernt bei: ${s}.`,
    );
  if (latin) {
    const bad = nonLatinCharacters(text);
    if (bad.length > 0)
      ctx.losses.note('latin', ImportProblemCode.SCHEMA_VIOLATION, `${subject}: ${bad.map((c) => `„${c}“ (${codePoint(c)})`).join(' ')}`, (s) =>
        `Einige Texte enthalten Zeichen außerhalb von String.Latin, die das XSD von XDatenfelder 2 nicht zulässt; die Datei ist so nicht schemagültig. Betroffen: ${s}.`,
      );
  }
  return text;
}

/** A String.Latin text element (written empty when the value is absent). */
const latinLeaf = (ctx: Ctx, subject: string, name: string, value: string | undefined): XNode =>
  leaf(`xdf:${name}`, cleanText(ctx, subject, value ?? '', true));

/** A token / xs:string element. */
const plainLeaf = (ctx: Ctx, subject: string, name: string, value: string): XNode => leaf(`xdf:${name}`, cleanText(ctx, subject, value, false));

const codeNode = (name: keyof typeof LIST_URI, code: string): XNode =>
  branch(`xdf:${name}`, [leaf('code', code)], [
    ['listURI', LIST_URI[name]],
    ['listVersionID', LIST_VERSION],
  ]);

/** xdf2 version `\d+\.\d+`; an xdf3 version `1.2.0` becomes `1.2`; anything else is left out. */
function xdf2Version(ctx: Ctx, subject: string, version: string | undefined): string | undefined {
  if (version === undefined || version === '') return undefined;
  if (/^\d+\.\d+$/.test(version)) return version;
  const three = /^(\d+)\.(\d+)\.\d+$/.exec(version);
  if (three) {
    const short = `${three[1]}.${three[2]}`;
    ctx.losses.note('version-shortened', ImportProblemCode.NOT_APPLIED, `${subject}: ${version} → ${short}`, (s) =>
      `XDatenfelder 2 kennt nur zweistellige Versionen (z. B. 1.2); die dreistelligen Versionen aus XDatenfelder 3 wurden gekürzt: ${s}.`,
    );
    return short;
  }
  ctx.losses.note('version-invalid', ImportProblemCode.NOT_APPLIED, `${subject}: ${version}`, (s) =>
    `Diese Versionen passen nicht zum Format von XDatenfelder 2 (Zahl.Zahl) und wurden weggelassen: ${s}.`,
  );
  return undefined;
}

function identifikationNode(ctx: Ctx, ident: Identifikation): XNode {
  const subject = ident.id;
  const version = xdf2Version(ctx, subject, ident.version);
  const children = [plainLeaf(ctx, subject, 'id', ident.id)];
  if (version !== undefined) children.push(leaf('xdf:version', version));
  return branch('xdf:identifikation', children);
}

/** xdf2 `bezug` is one text: the IR's Bezüge joined with a newline (links have no place in xdf2). */
function bezugText(ctx: Ctx, subject: string, bezug: Bezug[] | undefined): string {
  if (!bezug) return '';
  if (bezug.some((b) => b.link !== undefined && b.link !== ''))
    ctx.losses.note('bezug-link', ImportProblemCode.NOT_APPLIED, subject, (s) =>
      `Links von Rechtsbezügen gibt es in XDatenfelder 2 nicht; exportiert wurde nur der Text der Bezüge bei: ${s}.`,
    );
  return bezug.map((b) => b.text).join('\n');
}

function statusCode(ctx: Ctx, subject: string, status: string | undefined): string {
  if (status !== undefined && STATUS.includes(status)) return status;
  const mapped = status === undefined ? undefined : FREIGABESTATUS_TO_XDF2[status];
  if (mapped) {
    ctx.losses.note(`status:${status}`, ImportProblemCode.NOT_APPLIED, subject, (s) =>
      `Den Freigabestatus ${status} aus XDatenfelder 3 gibt es in XDatenfelder 2 nicht; exportiert wurde der nächstliegende Status „${mapped}“ bei: ${s}.`,
    );
    return mapped;
  }
  const what = status === undefined || status === '' ? 'Es fehlt ein Status' : `„${status}“ ist in XDatenfelder 2 kein Status`;
  ctx.losses.note(`status-default:${status ?? ''}`, ImportProblemCode.STRUCTURE, subject, (s) =>
    `${what}; exportiert wurde der Standardwert „${XDF2_DEFAULTS.status}“ bei: ${s}.`,
  );
  return XDF2_DEFAULTS.status;
}

const XS_DATE = /^-?\d{4,}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?$/;

/** An optional xs:date element; a dateTime keeps its date, anything else is left out with a warning. */
function dateNode(ctx: Ctx, subject: string, name: string, value: string | undefined): XNode[] {
  if (value === undefined || value === '') return [];
  if (XS_DATE.test(value)) return [leaf(`xdf:${name}`, value)];
  const day = /^(-?\d{4,}-\d{2}-\d{2})T/.exec(value);
  if (day) return [leaf(`xdf:${name}`, day[1])];
  ctx.losses.note(`date:${name}`, ImportProblemCode.NOT_APPLIED, `${subject}: ${value}`, (s) =>
    `Die Angabe „${name}“ ist kein Datum (JJJJ-MM-TT) und wurde weggelassen: ${s}.`,
  );
  return [];
}

/** Reports the Angaben that exist only in XDatenfelder 3 and have no place in xdf2. */
function noteDroppedAngaben(ctx: Ctx, subject: string, a: Angaben): void {
  const dropped: Array<[keyof Angaben, string]> = [
    ['stichwort', 'Stichwörter'],
    ['statusGesetztAm', 'statusGesetztAm'],
    ['statusGesetztDurch', 'statusGesetztDurch'],
    ['letzteAenderung', 'letzteAenderung'],
  ];
  for (const [key, label] of dropped) {
    const value = a[key];
    const present = Array.isArray(value) ? value.length > 0 : value !== undefined && value !== '';
    if (present)
      ctx.losses.note(`dropped:${key}`, ImportProblemCode.NOT_APPLIED, subject, (s) =>
        `Die Angabe „${label}“ gibt es in XDatenfelder 2 nicht; sie wurde weggelassen bei: ${s}.`,
      );
  }
}

/** AllgemeineAngaben in the order of xdatenfelder-baukasten.xsd 2.0; `bezeichnungEingabe` may be given for the schema. */
function allgemeineAngaben(ctx: Ctx, a: Angaben, bezeichnungEingabe = a.bezeichnungEingabe): XNode[] {
  const subject = subjectOf(a.identifikation);
  noteDroppedAngaben(ctx, subject, a);
  const nodes: XNode[] = [
    identifikationNode(ctx, a.identifikation),
    latinLeaf(ctx, subject, 'name', a.name),
    latinLeaf(ctx, subject, 'bezeichnungEingabe', bezeichnungEingabe),
  ];
  if (a.bezeichnungAusgabe !== undefined) nodes.push(latinLeaf(ctx, subject, 'bezeichnungAusgabe', a.bezeichnungAusgabe));
  nodes.push(
    latinLeaf(ctx, subject, 'beschreibung', a.beschreibung),
    latinLeaf(ctx, subject, 'definition', a.definition),
    latinLeaf(ctx, subject, 'bezug', bezugText(ctx, subject, a.bezug)),
    codeNode('status', statusCode(ctx, subject, a.status)),
    ...dateNode(ctx, subject, 'gueltigAb', a.gueltigAb),
    ...dateNode(ctx, subject, 'gueltigBis', a.gueltigBis),
  );
  if (a.fachlicherErsteller !== undefined) nodes.push(latinLeaf(ctx, subject, 'fachlicherErsteller', a.fachlicherErsteller));
  if (a.versionshinweis !== undefined) nodes.push(latinLeaf(ctx, subject, 'versionshinweis', a.versionshinweis));
  nodes.push(...dateNode(ctx, subject, 'freigabedatum', a.freigabedatum), ...dateNode(ctx, subject, 'veroeffentlichungsdatum', a.veroeffentlichungsdatum));
  return nodes;
}

/** A code the XSD requires: the IR's value when xdf2 knows it, else a mapped or default value with a warning. */
function requiredCode(
  ctx: Ctx,
  subject: string,
  label: string,
  value: string | undefined,
  allowed: string[],
  fallback: string,
  down: Record<string, string> = {},
): string {
  if (value !== undefined && allowed.includes(value)) return value;
  const mapped = value === undefined ? undefined : down[value];
  if (mapped) {
    ctx.losses.note(`${label}:${value}`, ImportProblemCode.NOT_APPLIED, subject, (s) =>
      `„${value}“ ist als ${label} in XDatenfelder 2 nicht vorgesehen; exportiert wurde „${mapped}“ bei: ${s}.`,
    );
    return mapped;
  }
  const what = value === undefined || value === '' ? `Es fehlt die Angabe „${label}“` : `„${value}“ ist als ${label} in XDatenfelder 2 unbekannt`;
  ctx.losses.note(`${label}-default:${value ?? ''}`, ImportProblemCode.STRUCTURE, subject, (s) =>
    `${what}; exportiert wurde der Standardwert „${fallback}“ bei: ${s}.`,
  );
  return fallback;
}

function schemaelementAngaben(ctx: Ctx, a: Angaben): XNode[] {
  const subject = subjectOf(a.identifikation);
  const art = requiredCode(ctx, subject, 'Schemaelementart', a.schemaelementart, SCHEMAELEMENTART, XDF2_DEFAULTS.schemaelementart);
  return [
    ...allgemeineAngaben(ctx, a),
    codeNode('schemaelementart', art),
    latinLeaf(ctx, subject, 'hilfetextEingabe', a.hilfetextEingabe),
    latinLeaf(ctx, subject, 'hilfetextAusgabe', a.hilfetextAusgabe),
  ];
}

function regelNode(ctx: Ctx, regel: Regel): XNode {
  const subject = subjectOf(regel.angaben.identifikation);
  if (regel.typ !== undefined && regel.typ !== '')
    ctx.losses.note('regel-typ', ImportProblemCode.NOT_APPLIED, subject, (s) =>
      `Den Regeltyp aus XDatenfelder 3 gibt es in XDatenfelder 2 nicht; er wurde weggelassen bei: ${s}.`,
    );
  // xdf3 keeps the prose of a rule in freitextRegel, xdf2 in definition.
  const definition = [regel.angaben.definition, regel.freitextRegel].filter((t): t is string => !!t);
  const angaben = { ...regel.angaben, definition: [...new Set(definition)].join('\n\n') };
  return branch('xdf:regel', [...allgemeineAngaben(ctx, angaben), plainLeaf(ctx, subject, 'script', regel.script ?? '')]);
}

function regelNodes(ctx: Ctx, owner: string, keys: string[] | undefined): XNode[] {
  const nodes: XNode[] = [];
  for (const key of keys ?? []) {
    const regel = ctx.schema.regeln[key];
    if (regel) nodes.push(regelNode(ctx, regel));
    else
      ctx.losses.note('regel-missing', ImportProblemCode.STRUCTURE, `${owner} → ${key}`, (s) =>
        `Diese Regeln fehlen im Stammdatenschema und konnten nicht exportiert werden: ${s}.`,
      );
  }
  return nodes;
}

/** xdf2 `praezisierung`: the original xdf2 text when known, else the xdf2 JSON form with string numbers, else empty. */
export function praezisierungText(p: Praezisierung | undefined, preferText = true): string {
  if (!p) return '';
  if (preferText && p.text !== undefined) return p.text;
  const json: Record<string, string> = {};
  if (p.minLength !== undefined) json.minLength = String(p.minLength);
  if (p.maxLength !== undefined) json.maxLength = String(p.maxLength);
  if (p.minValue !== undefined) json.minValue = p.minValue;
  if (p.maxValue !== undefined) json.maxValue = p.maxValue;
  if (p.pattern !== undefined) json.pattern = p.pattern;
  return Object.keys(json).length > 0 ? JSON.stringify(json) : '';
}

function praezisierungFor(ctx: Ctx, subject: string, p: Praezisierung | undefined): string {
  if (!ctx.xdf3) return praezisierungText(p);
  // xdf3 keeps the numbers as attributes; its element content is something else and only used when nothing else is there.
  const json = praezisierungText(p, false);
  if (json === '') return p?.text ?? '';
  if (p?.text)
    ctx.losses.note('praezisierung-text', ImportProblemCode.NOT_APPLIED, subject, (s) =>
      `Der Textinhalt der Präzisierung aus XDatenfelder 3 hat neben den Grenzwerten keinen Platz in XDatenfelder 2 und wurde weggelassen bei: ${s}.`,
    );
  return json;
}

function codelisteNode(ctx: Ctx, subject: string, ref: CodelisteReferenz): XNode {
  const uri = ref.canonicalIdentification ?? '';
  const version = ref.genericodeVersion ?? '';
  const versionUri = ref.canonicalVersionUri ?? (uri && version ? `${uri}_${version}` : '');
  const id = ref.id ?? uri;
  if (ref.id === undefined)
    ctx.losses.note('codeliste-id', ImportProblemCode.NOT_APPLIED, subject, (s) =>
      `XDatenfelder 2 verlangt eine Kennung der Codeliste (C-Nummer), die hier fehlt; eingetragen wurde ihre kanonische Kennung bei: ${s}.`,
    );
  if (!version)
    ctx.losses.note('codeliste-version', ImportProblemCode.CODELIST_MISSING, subject, (s) =>
      `Die Codeliste hat keine Version; ohne Version ist nicht festgelegt, welcher Stand gilt. Betroffen: ${s}.`,
    );
  const ident = [plainLeaf(ctx, subject, 'id', id)];
  const identVersion = xdf2Version(ctx, `${subject} → ${id}`, ref.version);
  if (identVersion !== undefined) ident.push(leaf('xdf:version', identVersion));
  return branch('xdf:codelisteReferenz', [
    branch('xdf:identifikation', ident),
    branch('xdf:genericodeIdentification', [
      plainLeaf(ctx, subject, 'canonicalIdentification', uri),
      plainLeaf(ctx, subject, 'version', version),
      plainLeaf(ctx, subject, 'canonicalVersionUri', versionUri),
    ]),
  ]);
}

/** The code list of a field: its reference, or for inline xdf3 `werte` a reference to a list the caller must supply. */
function codelisteFor(ctx: Ctx, element: Element): XNode[] {
  const subject = subjectOf(element.angaben.identifikation);
  const hasWerte = (element.werte?.length ?? 0) > 0;
  if (element.codeliste) {
    if (hasWerte)
      ctx.losses.note('werte-dropped', ImportProblemCode.NOT_APPLIED, subject, (s) =>
        `Diese Felder haben sowohl eine Codeliste als auch eigene Werte; exportiert wurde nur der Verweis auf die Codeliste: ${s}.`,
      );
    return [codelisteNode(ctx, subject, element.codeliste)];
  }
  if (hasWerte) {
    const id = element.angaben.identifikation.id;
    const uri = `${WERTE_CODELIST_PREFIX}${id}`;
    ctx.losses.note('werte', ImportProblemCode.CODELIST_MISSING, `${subject} → ${uri}`, (s) =>
      `Eigene Auswahlwerte (werte) kennt XDatenfelder 2 nicht; exportiert wurde je Feld ein Verweis auf die Codeliste ` +
      `„${WERTE_CODELIST_PREFIX}<Feld-ID>“ (Version ${WERTE_CODELIST_VERSION}). Bitte legen Sie der Datei die passenden ` +
      `genericode-Codelisten bei. Betroffen: ${s}.`,
    );
    return [
      codelisteNode(ctx, subject, {
        id: uri,
        canonicalIdentification: uri,
        genericodeVersion: WERTE_CODELIST_VERSION,
        canonicalVersionUri: `${uri}_${WERTE_CODELIST_VERSION}`,
      }),
    ];
  }
  return [];
}

function noteDroppedField(ctx: Ctx, subject: string, element: Element): void {
  const dropped: Array<[string, boolean]> = [
    ['vorbefuellung', element.vorbefuellung !== undefined && element.vorbefuellung !== '' && element.vorbefuellung !== 'keine'],
    ['maxSize', element.maxSize !== undefined],
    ['mediaType', (element.mediaType?.length ?? 0) > 0],
    ['codeKey/nameKey/helpKey', [element.codeKey, element.nameKey, element.helpKey].some((k) => k !== undefined && k !== '')],
  ];
  for (const [label, present] of dropped)
    if (present)
      ctx.losses.note(`dropped:${label}`, ImportProblemCode.NOT_APPLIED, subject, (s) =>
        `Die Angabe „${label}“ gibt es in XDatenfelder 2 nicht; sie wurde weggelassen bei: ${s}.`,
      );
}

function datenfeldNode(ctx: Ctx, element: Element): XNode {
  const subject = subjectOf(element.angaben.identifikation);
  noteDroppedField(ctx, subject, element);
  const feldart = requiredCode(ctx, subject, 'Feldart', element.feldart, FELDART, XDF2_DEFAULTS.feldart, FELDART_DOWN);
  const datentyp = requiredCode(ctx, subject, 'Datentyp', element.datentyp, DATENTYP, XDF2_DEFAULTS.datentyp, DATENTYP_DOWN);
  const codeliste = codelisteFor(ctx, element);
  if (feldart === 'select' && codeliste.length === 0)
    ctx.losses.note('select-ohne-codeliste', ImportProblemCode.CODELIST_MISSING, subject, (s) =>
      `Diese Auswahlfelder haben weder eine Codeliste noch eigene Werte: ${s}.`,
    );
  return branch('xdf:datenfeld', [
    ...schemaelementAngaben(ctx, element.angaben),
    codeNode('feldart', feldart),
    codeNode('datentyp', datentyp),
    latinLeaf(ctx, subject, 'praezisierung', praezisierungFor(ctx, subject, element.praezisierung)),
    latinLeaf(ctx, subject, 'inhalt', element.inhalt),
    ...codeliste,
    ...regelNodes(ctx, subject, element.regelKeys),
  ]);
}

function datenfeldgruppeNode(ctx: Ctx, key: string, element: Element): XNode {
  const subject = subjectOf(element.angaben.identifikation);
  if (element.gruppenart !== undefined && element.gruppenart !== '')
    ctx.losses.note(`gruppenart:${element.gruppenart}`, ImportProblemCode.NOT_APPLIED, subject, (s) =>
      element.gruppenart === 'X'
        ? `Auswahlgruppen (Gruppenart X: genau eines der enthaltenen Elemente) gibt es in XDatenfelder 2 nicht; sie wurden als gewöhnliche Gruppen exportiert: ${s}.`
        : `Die Gruppenart „${element.gruppenart}“ gibt es in XDatenfelder 2 nicht; die Gruppen wurden als gewöhnliche Gruppen exportiert: ${s}.`,
    );
  ctx.path.push(key);
  const children = [...schemaelementAngaben(ctx, element.angaben), ...regelNodes(ctx, subject, element.regelKeys), ...strukturNodes(ctx, element.struktur)];
  ctx.path.pop();
  return branch('xdf:datenfeldgruppe', children);
}

const ANZAHL = /^\d+:(\*|\d+)$/;

function strukturNode(ctx: Ctx, struktur: Struktur): XNode | undefined {
  const owner = ctx.path.length > 0 ? ctx.path[ctx.path.length - 1] : 'Stammdatenschema';
  const element = ctx.schema.elements[struktur.element];
  if (!element) {
    ctx.errors.push(problem(ImportProblemCode.STRUCTURE, `Das Element „${struktur.element}“, auf das „${owner}“ verweist, fehlt im Stammdatenschema.`));
    return undefined;
  }
  if (ctx.path.includes(struktur.element)) {
    ctx.errors.push(problem(ImportProblemCode.STRUCTURE, `Die Gruppe „${struktur.element}“ enthält sich selbst (${[...ctx.path, struktur.element].join(' → ')}).`));
    return undefined;
  }
  if (!ANZAHL.test(struktur.anzahl)) {
    ctx.errors.push(problem(ImportProblemCode.STRUCTURE, `Die Anzahl „${struktur.anzahl}“ von „${struktur.element}“ in „${owner}“ hat nicht die Form min:max (z. B. 0:1 oder 1:*).`));
    return undefined;
  }
  const subject = subjectOf(element.angaben.identifikation);
  const enthaelt = element.art === 'GRUPPE' ? datenfeldgruppeNode(ctx, struktur.element, element) : datenfeldNode(ctx, element);
  return branch('xdf:struktur', [
    leaf('xdf:anzahl', struktur.anzahl),
    latinLeaf(ctx, subject, 'bezug', bezugText(ctx, subject, struktur.bezug)),
    branch('xdf:enthaelt', [enthaelt]),
  ]);
}

function strukturNodes(ctx: Ctx, struktur: Struktur[] | undefined): XNode[] {
  return (struktur ?? []).map((s) => strukturNode(ctx, s)).filter((n): n is XNode => n !== undefined);
}

function stammdatenschemaNode(ctx: Ctx): XNode {
  const s = ctx.schema;
  const subject = subjectOf(s.angaben.identifikation);
  const bezeichnungEingabe = s.angaben.bezeichnungEingabe ?? s.bezeichnung;
  if (s.bezeichnung !== undefined && s.angaben.bezeichnungEingabe !== undefined && s.bezeichnung !== s.angaben.bezeichnungEingabe)
    ctx.losses.note('dropped:bezeichnung', ImportProblemCode.NOT_APPLIED, subject, (x) =>
      `Die Bezeichnung des Stammdatenschemas weicht von der Bezeichnung Eingabe ab; XDatenfelder 2 kennt nur diese, die Bezeichnung wurde weggelassen bei: ${x}.`,
    );
  if (s.dokumentsteckbrief)
    ctx.losses.note('dropped:dokumentsteckbrief', ImportProblemCode.NOT_APPLIED, subject, (x) =>
      `Den Verweis auf den Dokumentsteckbrief (${s.dokumentsteckbrief?.id}) kann ein Stammdatenschema in XDatenfelder 2 nicht enthalten; er wurde weggelassen bei: ${x}.`,
    );
  const nodes = [...allgemeineAngaben(ctx, s.angaben, bezeichnungEingabe)];
  if (s.hilfetext !== undefined) nodes.push(latinLeaf(ctx, subject, 'hilfetext', s.hilfetext));
  nodes.push(
    codeNode(
      'ableitungsmodifikationenStruktur',
      requiredCode(ctx, subject, 'Ableitungsmodifikation (Struktur)', s.ableitungsmodifikationenStruktur, ABLEITUNG_STRUKTUR, XDF2_DEFAULTS.ableitungsmodifikationenStruktur),
    ),
    codeNode(
      'ableitungsmodifikationenRepraesentation',
      requiredCode(
        ctx,
        subject,
        'Ableitungsmodifikation (Repräsentation)',
        s.ableitungsmodifikationenRepraesentation,
        ABLEITUNG_REPRAESENTATION,
        XDF2_DEFAULTS.ableitungsmodifikationenRepraesentation,
      ),
    ),
    ...regelNodes(ctx, subject, s.regelKeys),
    ...strukturNodes(ctx, s.struktur),
  );
  return branch('xdf:stammdatenschema', nodes);
}

/**
 * How many element occurrences the written file would hold (each struktur writes its element in full), counted
 * without writing: memoised per key, so a deep chain of reuse is counted at once. Cycles and missing elements count 0
 * here; the writer reports them.
 */
function countOccurrences(schema: FimStammdatenschema): number {
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const count = (struktur: Struktur[] | undefined): number => {
    let total = 0;
    for (const s of struktur ?? []) {
      const element = schema.elements[s.element];
      if (!element || visiting.has(s.element)) continue;
      let n = memo.get(s.element);
      if (n === undefined) {
        visiting.add(s.element);
        n = 1 + count(element.art === 'GRUPPE' ? element.struktur : undefined);
        visiting.delete(s.element);
        memo.set(s.element, n);
      }
      total += n;
      if (total > MAX_OCCURRENCES) return total;
    }
    return total;
  };
  return count(schema.struktur);
}

const XS_DATETIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * The Stammdatenschema as an XDatenfelder 2.0 message. Deterministic: the same input gives the same bytes.
 * Throws ImportRejectedError (STRUCTURE) when the IR cannot be written at all: a referenced element missing, a group
 * that contains itself, an anzahl not in min:max form, or header options that are not valid.
 */
export function stammdatenschemaToXdf2(schema: FimStammdatenschema, options: Xdf2ExportOptions): Xdf2Export {
  const header: ImportProblem[] = [];
  if (options.nachrichtID.trim() === '') header.push(problem(ImportProblemCode.STRUCTURE, 'Die Nachrichten-ID für den Kopf der XDatenfelder-Nachricht fehlt.'));
  if (!XS_DATETIME.test(options.erstellungszeitpunkt))
    header.push(
      problem(
        ImportProblemCode.STRUCTURE,
        `Der Erstellungszeitpunkt „${options.erstellungszeitpunkt}“ ist kein Zeitpunkt im Format JJJJ-MM-TTThh:mm:ss (mit Zeitzone).`,
      ),
    );
  if (header.length > 0) throw new ImportRejectedError(header);

  if (countOccurrences(schema) > MAX_OCCURRENCES)
    throw new ImportRejectedError([
      problem(ImportProblemCode.INPUT_TOO_LARGE, `Das Stammdatenschema ergäbe ausgeschrieben mehr als ${MAX_OCCURRENCES} Elemente und wird nicht exportiert.`),
    ]);
  const ctx: Ctx = { schema, xdf3: schema.standard === 'XDATENFELDER_3', losses: new Losses(), errors: [], path: [] };
  const body = stammdatenschemaNode(ctx);
  if (ctx.errors.length > 0) throw new ImportRejectedError(ctx.errors);
  const root = branch(
    'xdf:xdatenfelder.stammdatenschema.0102',
    [
      branch('xdf:header', [
        plainLeaf(ctx, 'header', 'nachrichtID', options.nachrichtID),
        leaf('xdf:erstellungszeitpunkt', options.erstellungszeitpunkt),
      ]),
      body,
    ],
    [['xmlns:xdf', XDF2_NAMESPACE]],
  );
  return { xml: renderXmlDocument(root), warnings: ctx.losses.problems() };
}

/** A file-name part: letters, digits, `.`, `-` and `_` kept, anything else becomes `_`. */
export const safeFileNamePart = (value: string): string => value.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'export';

/** The usual FIM file name, e.g. `S05000058V1.0_xdf2.xml` (an xdf3 version 1.2.0 becomes V1.2, as in the file). */
export function xdf2FileName(schema: FimStammdatenschema): string {
  const { id, version } = schema.angaben.identifikation;
  const three = version === undefined ? null : /^(\d+\.\d+)\.\d+$/.exec(version);
  const v = three ? three[1] : version !== undefined && /^\d+\.\d+$/.test(version) ? version : undefined;
  return `${safeFileNamePart(id)}${v ? `V${v}` : ''}_xdf2.xml`;
}
