import { canonicalJson } from '../../common/canonical-json.js';
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
import { ImportProblemCode, problem, type ImportProblem } from '../import.problems.js';
import { child, childrenNamed, childText, codeOf, type XmlElement } from '../xml/xml-element.js';

/**
 * What the XDatenfelder 2.0 and 3.0.0 parsers share: both formats nest the full definition of a group or field in
 * every `struktur/enthaelt` and of a rule in every element that has it, while the IR keeps each building block once
 * (by key `<id>@<version>`) and refers to it from every position. The walk over the tree, the keys, the check that a
 * reused key has the same content, `anzahl`, the Angaben and the code lists are the same for both; what differs
 * (praezisierung, rule contents, xdf3 additions) comes from an {@link XdfDialect}.
 *
 * Elements are looked up by name, never by position, so files that break the XSD's element order still read.
 * The XML has no line numbers here, so problems carry none.
 */

export interface XdfParseOptions {
  lenient: boolean;
}

/**
 * The Stammdatenschema as read and the problems found. With errors, `schema` is a best effort (possibly an empty
 * skeleton) and must not be used.
 */
export interface XdfParseResult {
  schema: FimStammdatenschema;
  warnings: ImportProblem[];
  errors: ImportProblem[];
}

export type XdfStandard = FimStammdatenschema['standard'];

/** The parts in which XDatenfelder 2.0 and 3.0.0 differ. */
export interface XdfDialect {
  standard: XdfStandard;
  namespace: string;
  /** For messages, e.g. `XDatenfelder 2.0`. */
  label: string;
  /** The status code of AllgemeineAngaben: `status` (xdf2) or `freigabestatus` (xdf3). */
  statusElement: string;
  schemaDetails(reader: XdfReader, el: XmlElement, schema: FimStammdatenschema): void;
  groupDetails(reader: XdfReader, el: XmlElement, group: Element): void;
  /** Called after feldart, datentyp, inhalt and codelisteReferenz are read; `of` is `des Datenfelds „F1“`. */
  fieldDetails(reader: XdfReader, el: XmlElement, field: Element, of: string): void;
  ruleDetails(reader: XdfReader, el: XmlElement, rule: Regel): void;
}

export const MESSAGE_ROOT = 'xdatenfelder.stammdatenschema.0102';
export const GROUP_MESSAGE_ROOT = 'xdatenfelder.datenfeldgruppe.0103';

/** Placeholders that real exports write for "no value"; kept as they are (the mapper treats them as empty). */
export const PLACEHOLDERS: ReadonlySet<string> = new Set(['-', '.']);

const ANZAHL = /^(\d+):(\*|\d+)$/;
/** Used in lenient mode when `anzahl` is missing or beyond repair: FIM's most common value (34 of 41 in S05000058). */
const FALLBACK_ANZAHL = '1:1';

/** An id or value shortened for a message, so that a huge value cannot flood the report. */
export const shown = (value: string, max = 80): string => (value.length > max ? `${value.slice(0, max)}…` : value);

/** `<id>@<version>`, or `<id>` when there is no version. */
export const elementKey = (ident: Identifikation): string => (ident.version ? `${ident.id}@${ident.version}` : ident.id);

/** The identification as written in messages: `F123` or `F123 (Version 1.0)`. */
const named = (ident: Identifikation): string => `„${shown(ident.id)}“${ident.version ? ` (Version ${shown(ident.version, 40)})` : ''}`;

/** Limits of the IR (fim-stammdatenschema.schema.json, Identifikation). */
const MAX_ID = 200;
const MAX_VERSION = 40;
const TOO_LONG = `Erlaubt sind höchstens ${MAX_ID} Zeichen für die Kennung und ${MAX_VERSION} für die Version.`;

/** Whether an identification fits the IR's limits on id and version length. */
export const fitsIdentifikation = (ident: Identifikation): boolean => ident.id.length <= MAX_ID && (ident.version ?? '').length <= MAX_VERSION;

/** `identifikation/id` and `version`; undefined when there is no non-empty id. An empty version counts as none. */
export function readIdentifikation(el: XmlElement | undefined): Identifikation | undefined {
  const id = childText(el, 'id');
  if (!id) return undefined;
  const version = childText(el, 'version');
  return version ? { id, version } : { id };
}

/**
 * The value of an XÖV code element: its `<code>` child, trimmed. Hand-written files sometimes put the value straight
 * into the element, so without a `<code>` child its own text is taken. Undefined when the element is absent.
 */
export function codeValue(el: XmlElement | undefined): string | undefined {
  if (el === undefined) return undefined;
  return codeOf(el) ?? el.text.trim();
}

/** All `bezug` children (xdf2: one text; xdf3: 0..n Rechtsbezüge with optional @link); undefined when there is none. */
export function readBezug(el: XmlElement): Bezug[] | undefined {
  const found = childrenNamed(el, 'bezug');
  if (found.length === 0) return undefined;
  return found.map((b) => (b.attributes.link !== undefined ? { text: b.text.trim(), link: b.attributes.link.trim() } : { text: b.text.trim() }));
}

/** A non-negative integer written as a string (or JSON number); undefined when it is not one. */
export function toNonNegativeInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || !/^\s*\+?\d+\s*$/.test(value)) return undefined;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Compares two digit strings as numbers, without limits on their size. */
function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A repaired `anzahl` for lenient mode (`1:n` → `1:*`, `0 : 1` → `0:1`, `1..n` → `1:*`), or undefined. */
export function normaliseAnzahl(raw: string): string | undefined {
  const candidate = raw
    .replace(/\s+/g, '')
    .replace(/^(\d+)\.\.(?=\S)/, '$1:')
    .replace(/:[nN]$/, ':*');
  return ANZAHL.test(candidate) ? candidate : undefined;
}

/** Whitespace runs → one space, in every string of a value: so that pretty-printing at another depth is no difference. */
function withCollapsedSpace(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\s+/g, ' ');
  if (Array.isArray(value)) return value.map(withCollapsedSpace);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withCollapsedSpace(v)]));
  }
  return value;
}

/** Whether two reads of the same key say the same (key order and inner whitespace do not count). */
export const sameContent = (a: unknown, b: unknown): boolean => canonicalJson(withCollapsedSpace(a)) === canonicalJson(withCollapsedSpace(b));

/**
 * Text fields of AllgemeineAngaben / Schemaelementangaben (both versions) that are copied exactly as written, leading
 * and trailing spaces included, so that names and texts round-trip byte for byte (`Kommunikation ` stays itself).
 * The form mapper trims them where it shows them.
 */
const ANGABEN_TEXTS = [
  'bezeichnungEingabe',
  'bezeichnungAusgabe',
  'beschreibung',
  'definition',
  'statusGesetztDurch',
  'fachlicherErsteller',
  'versionshinweis',
  'hilfetextEingabe',
  'hilfetextAusgabe',
] as const satisfies ReadonlyArray<keyof Angaben>;

/** Dates and times of the Angaben: values of XSD date types, whose surrounding whitespace carries nothing; trimmed. */
const ANGABEN_DATES = ['statusGesetztAm', 'gueltigAb', 'gueltigBis', 'freigabedatum', 'veroeffentlichungsdatum', 'letzteAenderung'] as const satisfies ReadonlyArray<keyof Angaben>;

/** The untrimmed text of the first child with this name, or undefined when there is none. */
export const rawChildText = (el: XmlElement | undefined, name: string): string | undefined => child(el, name)?.text;

/**
 * Reads one Stammdatenschema. Holds the problems and the building blocks found so far; one instance per parse.
 */
export class XdfReader {
  readonly warnings: ImportProblem[] = [];
  readonly errors: ImportProblem[] = [];
  // Maps, not plain objects: ids are untrusted and could be `__proto__`; the result is built with Object.fromEntries.
  private readonly elements = new Map<string, Element>();
  private readonly regeln = new Map<string, Regel>();
  /** Keys already reported as reused with different content (one warning per key). */
  private readonly conflicts = new Set<string>();
  /** Topics already reported by {@link notAppliedOnce}. */
  private readonly reported = new Set<string>();
  /** Keys of the groups being read, outermost first: a key found again here is a group that contains itself. */
  private readonly open: string[] = [];

  constructor(
    readonly dialect: XdfDialect,
    readonly lenient: boolean,
  ) {}

  /**
   * A warning. A reused building block is read at every position, so the same NOT_APPLIED or INTERPRETED note about
   * its content would repeat; it is given once. (Structure problems of different elements can read alike and all count.)
   */
  warn(code: ImportProblemCode, message: string): void {
    const once = code === ImportProblemCode.NOT_APPLIED || code === ImportProblemCode.INTERPRETED;
    if (once && this.warnings.some((w) => w.code === code && w.message === message)) return;
    this.warnings.push(problem(code, message));
  }

  fail(code: ImportProblemCode, message: string): void {
    this.errors.push(problem(code, message));
  }

  /**
   * Missing or broken required content: an error in strict mode; in lenient mode a warning that also says what is
   * done instead (`consequence`, e.g. `Es wird übersprungen.`).
   */
  structure(message: string, consequence: string): void {
    if (this.lenient) this.warn(ImportProblemCode.STRUCTURE, `${message} ${consequence}`);
    else this.fail(ImportProblemCode.STRUCTURE, message);
  }

  /** A NOT_APPLIED warning given once per import for a topic, however often it occurs. */
  notAppliedOnce(topic: string, message: string): void {
    if (this.reported.has(topic)) return;
    this.reported.add(topic);
    this.warn(ImportProblemCode.NOT_APPLIED, message);
  }

  /**
   * The whole message: root check, the schema, its rules and structure. A `xdatenfelder.datenfeldgruppe.0103`
   * message (one group, as FIM editors exchange building blocks) is read as a schema holding that group once.
   */
  parse(root: XmlElement): XdfParseResult {
    const found = this.checkRoot(root);
    if (found === undefined) return this.result(this.skeleton());
    if (found.kind === 'GROUP') return this.parseGroupMessage(found.el);
    const schemaEl = found.el;
    const ident = readIdentifikation(child(schemaEl, 'identifikation'));
    if (ident === undefined || !fitsIdentifikation(ident)) {
      this.fail(
        ImportProblemCode.STRUCTURE,
        ident === undefined ? 'Das Stammdatenschema hat keine Kennung (identifikation/id).' : `Die Kennung des Stammdatenschemas ${named(ident)} ist zu lang. ${TOO_LONG}`,
      );
      return this.result(this.skeleton());
    }
    const where = `das Stammdatenschema ${named(ident)}`;
    const schema: FimStammdatenschema = {
      standard: this.dialect.standard,
      angaben: this.readAngaben(schemaEl, ident, where),
      struktur: [],
      elements: {},
      regeln: {},
    };
    this.dialect.schemaDetails(this, schemaEl, schema);
    const inSchema = `im Stammdatenschema ${named(ident)}`;
    schema.regelKeys = this.readRegeln(schemaEl, inSchema);
    schema.struktur = this.readStruktur(schemaEl, inSchema);
    // Not said again when errors already explain why nothing was left (strict mode skips what it refuses).
    if (schema.struktur.length === 0 && this.errors.length === 0) {
      this.structure(
        `Das Stammdatenschema ${named(ident)} enthält keine lesbaren Datenfelder oder Datenfeldgruppen (struktur); daraus lässt sich kein Formular bilden.`,
        'Es wird nichts angelegt.',
      );
    }
    return this.result(schema);
  }

  private parseGroupMessage(groupEl: XmlElement): XdfParseResult {
    const ident = readIdentifikation(child(groupEl, 'identifikation'));
    if (ident === undefined || !fitsIdentifikation(ident)) {
      this.fail(ImportProblemCode.STRUCTURE, 'Die Datenfeldgruppe der Nachricht hat keine (brauchbare) Kennung (identifikation/id).');
      return this.result(this.skeleton());
    }
    const read = this.readGroup(groupEl, 'der Nachricht');
    const schema: FimStammdatenschema = {
      standard: this.dialect.standard,
      nachricht: 'DATENFELDGRUPPE',
      angaben: this.readAngaben(groupEl, ident, `die Datenfeldgruppe ${named(ident)}`),
      struktur: read ? [{ anzahl: '1:1', element: read.key }] : [],
      elements: {},
      regeln: {},
    };
    return this.result(schema);
  }

  private result(schema: FimStammdatenschema): XdfParseResult {
    schema.elements = Object.fromEntries(this.elements);
    schema.regeln = Object.fromEntries(this.regeln);
    return { schema, warnings: this.warnings, errors: this.errors };
  }

  private skeleton(): FimStammdatenschema {
    return { standard: this.dialect.standard, angaben: { identifikation: { id: '' }, name: '' }, struktur: [], elements: {}, regeln: {} };
  }

  /** The `stammdatenschema` element of a `…stammdatenschema.0102` message (or the group of a `…datenfeldgruppe.0103`). */
  private checkRoot(root: XmlElement): { kind: 'SCHEMA' | 'GROUP'; el: XmlElement } | undefined {
    const { label, namespace } = this.dialect;
    if (root.namespace !== namespace) {
      this.fail(
        ImportProblemCode.UNSUPPORTED_FORMAT,
        `Die Datei gehört nicht zu ${label}: erwartet wird der Namensraum „${namespace}“, gefunden wurde ${root.namespace ? `„${shown(root.namespace)}“` : 'keiner'}.`,
      );
      return undefined;
    }
    if (root.name === GROUP_MESSAGE_ROOT) {
      const groupEl = child(root, 'datenfeldgruppe');
      if (groupEl === undefined) this.fail(ImportProblemCode.STRUCTURE, 'Die Nachricht enthält keine Datenfeldgruppe (datenfeldgruppe).');
      return groupEl && { kind: 'GROUP', el: groupEl };
    }
    if (root.name !== MESSAGE_ROOT) {
      this.fail(
        ImportProblemCode.UNSUPPORTED_FORMAT,
        `Die Datei ist eine ${label}-Nachricht „${shown(root.name)}“; eingelesen werden können nur Stammdatenschemata („${MESSAGE_ROOT}“) und Datenfeldgruppen („${GROUP_MESSAGE_ROOT}“).`,
      );
      return undefined;
    }
    const schemaEl = child(root, 'stammdatenschema');
    if (schemaEl === undefined) this.fail(ImportProblemCode.STRUCTURE, 'Die Nachricht enthält kein Stammdatenschema (stammdatenschema).');
    return schemaEl && { kind: 'SCHEMA', el: schemaEl };
  }

  /** AllgemeineAngaben / Schemaelementangaben of a schema, group, field or rule. */
  readAngaben(el: XmlElement, ident: Identifikation, where: string): Angaben {
    let name = rawChildText(el, 'name');
    if (name === undefined) {
      this.structure(`Für ${where} fehlt der Name (name).`, 'Er bleibt leer.');
      name = '';
    }
    const angaben: Angaben = { identifikation: ident, name };
    for (const key of ANGABEN_TEXTS) {
      const text = rawChildText(el, key);
      if (text !== undefined) angaben[key] = text;
    }
    for (const key of ANGABEN_DATES) {
      const text = childText(el, key);
      if (text !== undefined) angaben[key] = text;
    }
    const bezug = readBezug(el);
    if (bezug) angaben.bezug = bezug;
    const statusEl = child(el, this.dialect.statusElement);
    const status = codeValue(statusEl);
    if (status !== undefined) angaben.status = status;
    const listVersion = statusEl?.attributes.listVersionID;
    if (listVersion !== undefined) angaben.statusListVersionID = listVersion.trim();
    const art = codeValue(child(el, 'schemaelementart'));
    if (art !== undefined) angaben.schemaelementart = art;
    const stichwort = childrenNamed(el, 'stichwort');
    if (stichwort.length) angaben.stichwort = stichwort.map((s) => s.text.trim());
    if (childrenNamed(el, 'relation').length) {
      this.notAppliedOnce('relation', 'Beziehungen zu anderen Elementen (relation) werden nicht übernommen.');
    }
    return angaben;
  }

  /** The rules of an element, each stored once in `regeln`; returns their keys in order. `where`: `im Datenfeld „F1“`. */
  readRegeln(el: XmlElement, where: string): string[] {
    const keys: string[] = [];
    for (const regelEl of childrenNamed(el, 'regel')) {
      const ident = this.identify(regelEl, `Eine Regel ${where}`, 'Sie wird übersprungen.');
      if (ident === undefined) continue;
      const key = elementKey(ident);
      const regel: Regel = { angaben: this.readAngaben(regelEl, ident, `die Regel ${named(ident)}`) };
      this.dialect.ruleDetails(this, regelEl, regel);
      this.register(this.regeln, 'REGEL', key, regel, `Die Regel ${named(ident)}`);
      keys.push(key);
    }
    return keys;
  }

  /** The `struktur` children of a schema or group; `where` names the parent, e.g. `in der Datenfeldgruppe „G1“`. */
  readStruktur(el: XmlElement, where: string): Struktur[] {
    const result: Struktur[] = [];
    for (const strukturEl of childrenNamed(el, 'struktur')) {
      const inner = child(strukturEl, 'enthaelt')?.children.find((c) => c.name === 'datenfeld' || c.name === 'datenfeldgruppe');
      if (inner === undefined) {
        this.structure(`Ein Strukturelement ${where} enthält weder ein Datenfeld noch eine Datenfeldgruppe (enthaelt).`, 'Es wird übersprungen.');
        continue;
      }
      const read = inner.name === 'datenfeldgruppe' ? this.readGroup(inner, where) : this.readField(inner, where);
      if (read === undefined) continue;
      const anzahl = this.readAnzahl(childText(strukturEl, 'anzahl'), `${read.what} ${where}`);
      if (anzahl === undefined) continue;
      const position: Struktur = { anzahl, element: read.key };
      const bezug = readBezug(strukturEl);
      if (bezug) position.bezug = bezug;
      result.push(position);
    }
    return result;
  }

  /**
   * `anzahl` as `min:max`. Strict: anything else is an error. Lenient: repaired with a warning, or, when it cannot be
   * repaired or is missing, read as 1:1 with a warning. min > max is an error in both modes. Undefined on error.
   */
  readAnzahl(raw: string | undefined, where: string): string | undefined {
    let anzahl = raw;
    if (anzahl === undefined) {
      this.structure(`Für ${where} fehlt die Anzahl (anzahl).`, `Sie wird als „${FALLBACK_ANZAHL}“ gelesen.`);
      if (!this.lenient) return undefined;
      anzahl = FALLBACK_ANZAHL;
    } else if (!ANZAHL.test(anzahl)) {
      const message = `Die Anzahl „${shown(anzahl, 40)}“ für ${where} hat nicht die Form min:max (z. B. 0:1 oder 1:*).`;
      const repaired = normaliseAnzahl(anzahl);
      this.structure(message, `Sie wird als „${repaired ?? FALLBACK_ANZAHL}“ gelesen.`);
      if (!this.lenient) return undefined;
      anzahl = repaired ?? FALLBACK_ANZAHL;
    }
    const [, min, max] = ANZAHL.exec(anzahl) ?? [];
    if (min !== undefined && max !== undefined && max !== '*' && compareDigits(min, max) > 0) {
      this.fail(ImportProblemCode.STRUCTURE, `Die Anzahl „${shown(anzahl, 40)}“ für ${where} ist unmöglich: das Minimum ist größer als das Maximum.`);
      return undefined;
    }
    return anzahl;
  }

  private readGroup(el: XmlElement, where: string): { key: string; what: string } | undefined {
    const ident = this.identify(el, `Eine Datenfeldgruppe ${where}`, 'Sie wird übersprungen.');
    if (ident === undefined) return undefined;
    const key = elementKey(ident);
    const what = `die Datenfeldgruppe ${named(ident)}`;
    if (this.open.includes(key)) {
      this.fail(ImportProblemCode.STRUCTURE, `Die Datenfeldgruppe ${named(ident)} enthält sich selbst; so eine Struktur lässt sich nicht darstellen.`);
      return undefined;
    }
    this.open.push(key);
    try {
      const group: Element = { art: 'GRUPPE', angaben: this.readAngaben(el, ident, what), regelKeys: [] };
      this.dialect.groupDetails(this, el, group);
      const inGroup = `in der Datenfeldgruppe ${named(ident)}`;
      group.regelKeys = this.readRegeln(el, inGroup);
      group.struktur = this.readStruktur(el, inGroup);
      this.register(this.elements, 'ELEMENT', key, group, `Die Datenfeldgruppe ${named(ident)}`);
    } finally {
      this.open.pop();
    }
    return { key, what };
  }

  private readField(el: XmlElement, where: string): { key: string; what: string } | undefined {
    const ident = this.identify(el, `Ein Datenfeld ${where}`, 'Es wird übersprungen.');
    if (ident === undefined) return undefined;
    const key = elementKey(ident);
    const what = `das Datenfeld ${named(ident)}`;
    const field: Element = { art: 'FELD', angaben: this.readAngaben(el, ident, what), regelKeys: [] };
    let feldart = codeValue(child(el, 'feldart'));
    if (!feldart) {
      this.structure(`Das Datenfeld ${named(ident)} hat keine Feldart (feldart).`, 'Es wird als Eingabefeld (input) gelesen.');
      feldart = 'input';
    }
    let datentyp = codeValue(child(el, 'datentyp'));
    if (!datentyp) {
      this.structure(`Das Datenfeld ${named(ident)} hat keinen Datentyp (datentyp).`, 'Es wird als Text (text) gelesen.');
      datentyp = 'text';
    }
    field.feldart = feldart;
    field.datentyp = datentyp;
    const inhalt = childText(el, 'inhalt');
    if (inhalt !== undefined) field.inhalt = inhalt;
    const codeliste = child(el, 'codelisteReferenz');
    if (codeliste) field.codeliste = readCodelisteReferenz(codeliste);
    this.dialect.fieldDetails(this, el, field, `des Datenfelds ${named(ident)}`);
    field.regelKeys = this.readRegeln(el, `im Datenfeld ${named(ident)}`);
    this.register(this.elements, 'ELEMENT', key, field, `Das Datenfeld ${named(ident)}`);
    return { key, what };
  }

  /** The identification of a group, field or rule; a structure problem when it is missing or too long. */
  private identify(el: XmlElement, subject: string, consequence: string): Identifikation | undefined {
    const ident = readIdentifikation(child(el, 'identifikation'));
    if (ident === undefined) {
      this.structure(`${subject} hat keine Kennung (identifikation/id).`, consequence);
      return undefined;
    }
    if (!fitsIdentifikation(ident)) {
      this.structure(`${subject} hat eine zu lange Kennung ${named(ident)}. ${TOO_LONG}`, consequence);
      return undefined;
    }
    return ident;
  }

  /** Stores a building block under its key; a reuse with other content keeps the first and warns once per key. */
  private register<T>(store: Map<string, T>, kind: 'ELEMENT' | 'REGEL', key: string, value: T, subject: string): void {
    const existing = store.get(key);
    if (existing === undefined) {
      store.set(key, value);
      return;
    }
    const conflict = `${kind} ${key}`;
    if (!sameContent(existing, value) && !this.conflicts.has(conflict)) {
      this.conflicts.add(conflict);
      this.warn(
        ImportProblemCode.STRUCTURE,
        `${subject} kommt mehrfach mit unterschiedlichem Inhalt vor; übernommen wird das erste Vorkommen, die übrigen verweisen darauf.`,
      );
    }
  }
}

/**
 * `codelisteReferenz` of both versions: xdf2 wraps the genericode identification (`identifikation` with the C id,
 * `genericodeIdentification`), xdf3 writes canonicalIdentification/version/canonicalVersionUri directly. Either shape is
 * accepted in either version.
 */
export function readCodelisteReferenz(el: XmlElement): CodelisteReferenz {
  const ref: CodelisteReferenz = {};
  const ident = child(el, 'identifikation');
  const id = childText(ident, 'id');
  if (id !== undefined) ref.id = id;
  const version = childText(ident, 'version');
  if (version !== undefined) ref.version = version;
  const genericode = child(el, 'genericodeIdentification') ?? el;
  const canonicalIdentification = childText(genericode, 'canonicalIdentification');
  if (canonicalIdentification !== undefined) ref.canonicalIdentification = canonicalIdentification;
  const genericodeVersion = childText(genericode, 'version');
  if (genericodeVersion !== undefined) ref.genericodeVersion = genericodeVersion;
  const canonicalVersionUri = childText(genericode, 'canonicalVersionUri');
  if (canonicalVersionUri !== undefined) ref.canonicalVersionUri = canonicalVersionUri;
  return ref;
}

/** The two codes of Stammdatenschema that both versions have. */
export function readAbleitungsmodifikationen(el: XmlElement, schema: FimStammdatenschema): void {
  const struktur = codeValue(child(el, 'ableitungsmodifikationenStruktur'));
  if (struktur !== undefined) schema.ableitungsmodifikationenStruktur = struktur;
  const repraesentation = codeValue(child(el, 'ableitungsmodifikationenRepraesentation'));
  if (repraesentation !== undefined) schema.ableitungsmodifikationenRepraesentation = repraesentation;
}

/** Sets `target[key]` to the trimmed text of the child of that name, when present. */
export function copyText<K extends string>(el: XmlElement, target: Partial<Record<K, string>>, key: K, from: string = key): void {
  const text = childText(el, from);
  if (text !== undefined) target[key] = text;
}

/** The Praezisierung keys that hold integers, and those that hold strings. */
export const PRAEZISIERUNG_INTEGERS = ['minLength', 'maxLength'] as const satisfies ReadonlyArray<keyof Praezisierung>;
export const PRAEZISIERUNG_STRINGS = ['minValue', 'maxValue', 'pattern'] as const satisfies ReadonlyArray<keyof Praezisierung>;
