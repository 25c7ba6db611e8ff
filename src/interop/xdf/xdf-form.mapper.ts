import type { Ajv2020 } from 'ajv/dist/2020.js';
import { unsafePatternReason } from '../../catalog/regex-safety.js';
import { createFormAjv } from '../../forms/form-validator.js';
import type { FormSchemaNode, FormVersionFile, LocalizedText } from '../../forms/form.types.js';
import type {
  CodelisteReferenz,
  Element,
  FimStammdatenschema,
  Praezisierung,
  Struktur,
} from '../../generated/fim-stammdatenschema.js';
import { ImportProblemCode, problem, type GenericodeList, type ImportProblem } from '../import.problems.js';

/**
 * FIM Stammdatenschema (IR, XDatenfelder 2 or 3) → Lotse form version (JSON Schema 2020-12 with x- annotations
 * and a layout). Pure and deterministic: the same input gives the same form, byte for byte.
 *
 * Rules (see docs fim-xoev.md §2.2 and §6):
 * - properties are keyed by FIM id ({@link propertyKey}); `anzahl` sits on the struktur, so `required` and arrays are
 *   decided per position, and one group can be required in one place and optional in another;
 * - every string is bounded (maxLength, enum), every object closed (`additionalProperties: false`);
 * - FIM patterns are HTML pattern attributes and are anchored as `^(?:…)$`; unsafe ones are refused (strict) or dropped;
 * - code lists become `enum` + `x-enum-labels` (frozen at import, never `x-codelist`, which names a Lotse list);
 * - rules stay prose (`x-rules`), label fields become help texts or section descriptions;
 * - datetime is `date-time` and date bounds are `formatMinimum`/`formatMaximum` (not `minimum`), unlike vs5000's converter.
 *
 * In lenient mode every problem that can be worked around is a warning; in strict mode it is an error, except
 * NOT_APPLIED, which is always a warning. With errors, the form is a best effort and must not be stored.
 */

export interface XdfFormOptions {
  formId: string;
  version: string;
  owner: string;
  serviceId?: string;
  lenient: boolean;
}

export interface XdfFormResult {
  form: FormVersionFile;
  warnings: ImportProblem[];
  errors: ImportProblem[];
}

type Node = FormSchemaNode;

const KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_KEY = 64;

/** Key rules: bare FIM id when it is a valid property name, else a sanitised form; unique per parent. */
export function propertyKey(fimId: string, taken: ReadonlySet<string>): string {
  let base = fimId;
  if (!KEY.test(base)) {
    base = fimId.replace(/[^A-Za-z0-9_]/gu, '_');
    if (!/^[A-Za-z]/.test(base)) base = `F_${base}`;
    base = base.slice(0, MAX_KEY);
  }
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const candidate = base.slice(0, MAX_KEY - suffix.length) + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}

/** FIM exports write `-`, `.` or nothing where there is no text. */
export const isPlaceholder = (text: string | undefined): boolean => text === undefined || /^[\s.-]*$/u.test(text);

const text = (value: string | undefined): string | undefined => (isPlaceholder(value) ? undefined : (value as string).trim());

/** Cuts at a code point boundary and marks the cut. */
function cut(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

const de = (value: string, max = 20000): LocalizedText => ({ de: cut(value, max) });

// Defaults and limits
const DEFAULT_TEXT_MAX = 1000;
const UNRESOLVED_SELECT_MAX = 200;
const DESCRIPTION_MAX = 2000;
const MAX_STEPS = 20;
const MAX_SECTIONS = 20;
const MAX_FIELDS = 100;
/** Numeric bounds beyond this would print in exponent notation, which xs:decimal facets do not accept. */
const MAX_BOUND = 1e15;
const DEFAULT_MEDIA_TYPES = ['application/pdf', 'image/jpeg', 'image/png'];
const FIM_VERSION = /^[0-9]{1,3}\.[0-9]{1,3}$|^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$/;
const FIM_SCHEMA_ID = /^S[0-9A-Za-z]{4,20}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MEDIA_TYPE = /^\w+\/[-+.\w]+$/;
/** Keeps what ajv accepts for `date-time`/`time` inside the lexical space of xs:dateTime/xs:time (upper-case T and Z, no space). */
const DATE_TIME_PATTERN = '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:[0-9]{2})$';
const TIME_PATTERN = '^[0-9]{2}:[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,9})?(?:Z|[+-][0-9]{2}:[0-9]{2})$';

interface Anzahl {
  min: number;
  /** undefined: `*` */
  max: number | undefined;
}

/** One child of a group or of the schema, in order: a property or the text of a label field. */
type Entry =
  | { kind: 'property'; key: string; node: Node; required: boolean; group: boolean; label: string }
  | { kind: 'label'; text: string; fim: { id: string; version?: string } };

interface Section {
  title: string;
  fields: string[];
}

interface Block {
  title: string;
  sections: Section[];
}

class FormMapper {
  readonly warnings: ImportProblem[] = [];
  readonly errors: ImportProblem[] = [];
  /** Rule keys that were kept as text. */
  private readonly rulesKept = new Set<string>();
  /** Built value nodes by element key (FIM reuses its building blocks); cloned on reuse. */
  private readonly built = new Map<string, { node: Node; labels: string[] }>();
  private readonly building = new Set<string>();
  private ajv?: Ajv2020;

  constructor(
    private readonly schema: FimStammdatenschema,
    private readonly codeLists: readonly GenericodeList[],
    private readonly options: XdfFormOptions,
  ) {}

  /**
   * A problem that can be worked around: a warning in lenient mode, an error in strict mode (NOT_APPLIED: always a
   * warning). With a `consequence` the message fits the mode: lenient says how it was imported (`… Das Feld wird
   * als Textfeld importiert …`), strict that the import is refused because of it.
   */
  private report(code: ImportProblemCode, message: string, consequence?: string): void {
    const warning = code === ImportProblemCode.NOT_APPLIED || this.options.lenient;
    const text = consequence === undefined ? message : warning ? `${message} ${consequence}` : `${message} Deshalb wird der Import abgelehnt (streng).`;
    (warning ? this.warnings : this.errors).push(problem(code, text));
  }

  private fail(code: ImportProblemCode, message: string): void {
    this.errors.push(problem(code, message));
  }

  map(): FormVersionFile {
    const entries = this.children(this.schema.struktur, 'dem Stammdatenschema');
    const properties = Object.fromEntries(entries.flatMap((e) => (e.kind === 'property' ? [[e.key, e.node]] : [])));
    const required = entries.flatMap((e) => (e.kind === 'property' && e.required ? [e.key] : []));
    const rules = this.rules(this.schema.regelKeys ?? [], 'dem Stammdatenschema');
    const root: FormVersionFile['schema'] & Node = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      ...(required.length ? { required } : {}),
      properties,
      ...orderAndLabels(entries),
      ...(rules.length ? { 'x-rules': rules } : {}),
    };
    if (this.rulesKept.size > 0) {
      const n = this.rulesKept.size;
      this.report(
        ImportProblemCode.NOT_APPLIED,
        `${n === 1 ? 'Eine Regel wurde' : `${n} Regeln wurden`} nur als Text übernommen (x-rules) und ${n === 1 ? 'wird' : 'werden'} bei der Eingabe nicht geprüft; bitte setzen Sie sie bei Bedarf im Formular um.`,
      );
    }

    const angaben = this.schema.angaben;
    const id = angaben.identifikation.id;
    const title = text(this.schema.bezeichnung) ?? text(angaben.bezeichnungEingabe) ?? text(angaben.name) ?? id;
    const description = text(this.schema.hilfetext) ?? text(angaben.beschreibung);
    const form: FormVersionFile = {
      id: this.options.formId,
      version: this.options.version,
      status: 'DRAFT',
      ...(this.options.serviceId !== undefined ? { serviceId: this.options.serviceId } : {}),
      owner: this.options.owner,
      title: de(title, 500),
      ...(description ? { description: de(description, DESCRIPTION_MAX) } : {}),
      ...this.fim(),
      schema: root,
      layout: this.layout(entries),
    };
    return form;
  }

  private fim(): Pick<FormVersionFile, 'fim'> {
    const { id, version } = this.schema.angaben.identifikation;
    if (!FIM_SCHEMA_ID.test(id)) {
      this.report(
        ImportProblemCode.STRUCTURE,
        `Die Kennung „${cut(id, 80)}“ ist keine Kennung eines Stammdatenschemas (S…).`,
        'Das Formular behält den Bezug zu FIM nicht und lässt sich nicht als XDatenfelder exportieren.',
      );
      return {};
    }
    return { fim: { id, ...(version && FIM_VERSION.test(version) ? { version } : {}), stammdatenschema: withReadableAnzahl(this.schema) } };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Structure

  /** The children of the schema or of a group, with property keys unique among them. */
  private children(struktur: readonly Struktur[], parent: string): Entry[] {
    const taken = new Set<string>();
    const entries: Entry[] = [];
    for (const position of struktur) {
      const element = this.schema.elements[position.element];
      if (!element) {
        this.report(ImportProblemCode.STRUCTURE, `Das Element „${cut(position.element, 80)}“ in ${parent} fehlt im Stammdatenschema.`, 'Es wird ausgelassen.');
        continue;
      }
      const fimId = element.angaben.identifikation.id;
      const label = this.label(element);
      const where = `„${label}“ (${fimId})`;
      if (element.art === 'FELD' && element.feldart === 'label') {
        const content = text(element.inhalt) ?? text(element.angaben.bezeichnungEingabe) ?? text(element.angaben.name);
        const { id: labelId, version: labelVersion } = element.angaben.identifikation;
        if (content) entries.push({ kind: 'label', text: content, fim: { id: labelId, ...(labelVersion ? { version: labelVersion } : {}) } });
        if (element.regelKeys.length) {
          this.report(ImportProblemCode.NOT_APPLIED, `Die Regeln am Hinweistext ${where} lassen sich keinem Feld zuordnen und werden nicht übernommen.`);
        }
        continue;
      }
      const anzahl = this.anzahl(position.anzahl, where, parent);
      if (anzahl.max === 0) {
        this.report(ImportProblemCode.NOT_APPLIED, `${where} darf in ${parent} nicht vorkommen (Anzahl ${position.anzahl}) und wird ausgelassen.`);
        continue;
      }
      const key = propertyKey(fimId, taken);
      if (key !== propertyKey(fimId, new Set())) {
        // legitimate in FIM (e.g. one address group for two purposes), so a warning in both modes
        this.warnings.push(problem(ImportProblemCode.STRUCTURE, `${where} kommt in ${parent} mehrfach vor; die weitere Stelle heißt im Formular „${key}“.`));
      }
      taken.add(key);
      const built = this.value(position.element, element, where);
      if (!built) continue;
      if (element.feldart === 'hidden' && anzahl.min >= 1 && built.node.default === undefined) {
        this.report(ImportProblemCode.NOT_APPLIED, `Das verborgene Pflichtfeld ${where} hat keinen Vorgabewert (inhalt); Antragstellende können es nicht ausfüllen.`);
      }
      entries.push({ kind: 'property', key, node: this.position(built.node, built.labels, element, anzahl, label, where), required: anzahl.min >= 1, group: element.art === 'GRUPPE', label });
    }
    return entries;
  }

  private anzahl(value: string, where: string, parent: string): Anzahl {
    const match = /^(\d{1,9}):(\*|\d{1,9})$/.exec(value);
    const min = match ? Number(match[1]) : NaN;
    const max = match && match[2] !== '*' ? Number(match[2]) : undefined;
    if (!match || (max !== undefined && max !== 0 && max < min)) {
      const shown = cut(value, 40);
      this.report(
        ImportProblemCode.STRUCTURE,
        IR_ANZAHL.test(value)
          ? `Die Anzahl „${shown}“ von ${where} in ${parent} ist nicht lesbar (erwartet min:max, z. B. 0:1 oder 1:*).`
          : `Die Anzahl „${shown}“ von ${where} in ${parent} ist nicht lesbar (erwartet min:max, z. B. 0:1 oder 1:*).`,
        IR_ANZAHL.test(value) ? 'Sie wird als 0:1 behandelt.' : 'Sie wird als 0:1 behandelt und so auch im Stammdatenschema gespeichert.',
      );
      return { min: 0, max: 1 };
    }
    return { min, max };
  }

  /** The node at one position: single value, or an array by anzahl, with label, help, FIM id and rules. */
  private position(value: Node, labels: readonly string[], element: Element, anzahl: Anzahl, label: string, where: string): Node {
    const { id, version } = element.angaben.identifikation;
    const codeliste = value['x-fim']?.codeliste;
    const fim: NonNullable<Node['x-fim']> =
      element.art === 'GRUPPE'
        ? { id, ...(version ? { version } : {}) }
        : {
            id,
            ...(version ? { version } : {}),
            ...(element.datentyp ? { datentyp: element.datentyp } : {}),
            ...(element.feldart ? { feldart: element.feldart } : {}),
            ...(codeliste ? { codeliste } : {}),
          };
    const help = [text(element.angaben.hilfetextEingabe), ...labels].filter((t): t is string => t !== undefined);
    const rules = this.rules(element.regelKeys, where);
    const annotations: Node = {
      'x-label': de(label),
      ...(help.length ? { 'x-help': de(help.join('\n\n')) } : {}),
      'x-fim': fim,
      ...(rules.length ? { 'x-rules': rules } : {}),
    };
    if (anzahl.max === 1) return { ...value, ...annotations };
    return {
      type: 'array',
      minItems: anzahl.min,
      ...(anzahl.max !== undefined ? { maxItems: anzahl.max } : {}),
      ...annotations,
      // the items keep the code list's identity (x-fim.codeliste), which the XÖV message puts on each value
      items: { ...value, 'x-label': de(label) },
    };
  }

  /** The value node of an element (without position annotations), built once per element and cloned on reuse. */
  private value(key: string, element: Element, where: string): { node: Node; labels: string[] } | undefined {
    const cached = this.built.get(key);
    if (cached) return structuredClone(cached);
    if (this.building.has(key)) {
      this.fail(ImportProblemCode.STRUCTURE, `${where} enthält sich selbst; ein solches Schema lässt sich nicht als Formular abbilden.`);
      return undefined;
    }
    this.building.add(key);
    const built = element.art === 'GRUPPE' ? this.group(element, where) : { node: this.field(element, where), labels: [] };
    this.building.delete(key);
    this.built.set(key, built);
    return structuredClone(built);
  }

  private group(element: Element, where: string): { node: Node; labels: string[] } {
    const entries = this.children(element.struktur ?? [], where);
    const properties = Object.fromEntries(entries.flatMap((e) => (e.kind === 'property' ? [[e.key, e.node]] : [])));
    const labels = entries.flatMap((e) => (e.kind === 'label' ? [e.text] : []));
    const keys = Object.keys(properties);
    const node: Node = { type: 'object', additionalProperties: false, properties, ...orderAndLabels(entries) };
    if (element.gruppenart === 'X' && keys.length > 0) {
      // Auswahlgruppe: exactly one of the children
      node.oneOf = keys.map((k) => ({ required: [k] }));
    } else {
      const required = entries.flatMap((e) => (e.kind === 'property' && e.required ? [e.key] : []));
      if (required.length) node.required = required;
    }
    return { node, labels };
  }

  private label(element: Element): string {
    const label = text(element.angaben.bezeichnungEingabe) ?? text(element.angaben.name);
    if (label) return label;
    const id = element.angaben.identifikation.id;
    this.report(ImportProblemCode.STRUCTURE, `Das Element ${id} hat weder Bezeichnung noch Namen.`, 'Als Beschriftung dient die Kennung.');
    return id;
  }

  private rules(keys: readonly string[], where: string): NonNullable<Node['x-rules']> {
    const rules: NonNullable<Node['x-rules']> = [];
    for (const key of keys) {
      const rule = this.schema.regeln[key];
      if (!rule) {
        this.report(ImportProblemCode.STRUCTURE, `Die Regel „${cut(key, 80)}“ an ${where} fehlt im Stammdatenschema.`, 'Sie wird ausgelassen.');
        continue;
      }
      this.rulesKept.add(key);
      const { id, version } = rule.angaben.identifikation;
      const prose = text(rule.freitextRegel) ?? text(rule.angaben.definition) ?? text(rule.angaben.beschreibung);
      rules.push({ id, ...(version ? { version } : {}), name: text(rule.angaben.name) ?? id, ...(prose ? { text: de(prose) } : {}) });
    }
    return rules;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Fields

  private field(element: Element, where: string): Node {
    const feldart = element.feldart ?? 'input';
    if (!['input', 'select', 'hidden', 'locked'].includes(feldart)) {
      this.report(ImportProblemCode.NOT_APPLIED, `Die Feldart „${cut(feldart, 40)}“ von ${where} ist unbekannt; das Feld wird als Eingabefeld übernommen.`);
    }
    let node = feldart === 'select' ? this.select(element, where) : this.typed(element, where);
    if (feldart === 'hidden') node = { ...node, 'x-widget': 'hidden' };
    if (feldart === 'locked') node = { ...node, readOnly: true };
    const inhalt = text(element.inhalt);
    if (inhalt !== undefined) node = this.withDefault(node, inhalt, where);
    return node;
  }

  /** A field by its datentyp. */
  private typed(element: Element, where: string): Node {
    const datentyp = element.datentyp ?? 'text';
    const praez = element.praezisierung ?? {};
    switch (datentyp) {
      case 'text':
      case 'obj':
        return this.text(praez, where);
      case 'text_latin':
        return { ...this.text(praez, where), 'x-format': 'din91379' };
      case 'date':
        this.notApplied(praez, ['minLength', 'maxLength', 'pattern'], where);
        return { type: 'string', format: 'date', maxLength: 10, ...this.dateBounds(praez, where) };
      case 'time':
        this.notApplied(praez, ['minLength', 'maxLength', 'pattern', 'minValue', 'maxValue'], where);
        return { type: 'string', format: 'time', pattern: TIME_PATTERN, maxLength: 25 };
      case 'datetime':
        this.notApplied(praez, ['minLength', 'maxLength', 'pattern', 'minValue', 'maxValue'], where);
        return { type: 'string', format: 'date-time', pattern: DATE_TIME_PATTERN, maxLength: 35 };
      case 'bool':
        this.notApplied(praez, ['minLength', 'maxLength', 'pattern', 'minValue', 'maxValue'], where);
        return { type: 'boolean' };
      case 'num':
        return { type: 'number', ...this.numberBounds(praez, false, where) };
      case 'num_int':
        return { type: 'integer', ...this.numberBounds(praez, true, where) };
      case 'num_currency':
        // cents: the form ajv compares multipleOf with 8 digits of precision, so 19.99 passes
        return { type: 'number', ...this.numberBounds(praez, false, where), multipleOf: 0.01, 'x-widget': 'currency' };
      case 'file':
        this.notApplied(praez, ['minLength', 'maxLength', 'pattern', 'minValue', 'maxValue'], where);
        return this.attachment(element, where);
      default:
        this.report(ImportProblemCode.NOT_APPLIED, `Der Datentyp „${cut(datentyp, 40)}“ von ${where} ist unbekannt; das Feld wird als Text übernommen.`);
        return this.text(praez, where);
    }
  }

  private notApplied(praez: Praezisierung, keys: ReadonlyArray<keyof Praezisierung>, where: string, why = 'passt nicht zum Datentyp'): void {
    const present = keys.filter((k) => praez[k] !== undefined);
    if (present.length) {
      this.report(ImportProblemCode.NOT_APPLIED, `Die Präzisierung ${partsOf(praez, present)} von ${where} ${why} und wird nicht angewendet.`);
    }
  }

  private text(praez: Praezisierung, where: string, defaultMax = DEFAULT_TEXT_MAX): Node {
    this.notApplied(praez, ['minValue', 'maxValue'], where);
    let maxLength = praez.maxLength;
    if (maxLength !== undefined && maxLength < 1) {
      this.report(ImportProblemCode.NOT_APPLIED, `Die Höchstlänge ${maxLength} von ${where} ist keine; es gilt die Vorgabe von ${defaultMax} Zeichen.`);
      maxLength = undefined;
    }
    let minLength = praez.minLength !== undefined && praez.minLength > 0 ? praez.minLength : undefined;
    if (minLength !== undefined && maxLength !== undefined && minLength > maxLength) {
      this.report(ImportProblemCode.STRUCTURE, `Bei ${where} ist die Mindestlänge ${minLength} größer als die Höchstlänge ${maxLength}.`, `Die Mindestlänge ${minLength} entfällt.`);
      minLength = undefined;
    }
    const pattern = this.pattern(praez.pattern, where);
    return {
      type: 'string',
      ...(minLength !== undefined ? { minLength } : {}),
      maxLength: maxLength ?? defaultMax,
      ...(pattern ? { pattern } : {}),
    };
  }

  /** FIM patterns are HTML pattern attributes (the whole value must match); JSON Schema patterns search, so anchor them. */
  private pattern(pattern: string | undefined, where: string): string | undefined {
    if (pattern === undefined || pattern === '') return undefined;
    if (!isRegularExpression(pattern)) {
      this.report(ImportProblemCode.NOT_APPLIED, `Das Muster „${cut(pattern, 200)}“ von ${where} ist kein regulärer Ausdruck, sondern Text, und wird nicht angewendet.`);
      return undefined;
    }
    const reason = unsafePatternReason(pattern);
    if (reason) {
      this.report(ImportProblemCode.PATTERN_UNSAFE, `Das Muster „${cut(pattern, 200)}“ von ${where} ist unsicher: ${reason}`, 'Es wird nicht übernommen.');
      return undefined;
    }
    return `^(?:${pattern})$`;
  }

  private dateBounds(praez: Praezisierung, where: string): Node {
    const bounds: Node = {};
    for (const [key, keyword] of [['minValue', 'formatMinimum'], ['maxValue', 'formatMaximum']] as const) {
      const value = praez[key]?.trim();
      if (value === undefined || value === '') continue;
      if (isIsoDate(value)) bounds[keyword] = value;
      else this.report(ImportProblemCode.NOT_APPLIED, `Die Datumsgrenze „${cut(value, 40)}“ (${key}) von ${where} ist kein Datum (JJJJ-MM-TT) und wird nicht angewendet.`);
    }
    if (typeof bounds.formatMinimum === 'string' && typeof bounds.formatMaximum === 'string' && bounds.formatMinimum > bounds.formatMaximum) {
      this.report(ImportProblemCode.STRUCTURE, `Bei ${where} liegt das früheste Datum (${String(bounds.formatMinimum)}) nach dem spätesten (${String(bounds.formatMaximum)}).`, 'Beide Grenzen entfallen.');
      return {};
    }
    return bounds;
  }

  private numberBounds(praez: Praezisierung, integer: boolean, where: string): Node {
    this.notApplied(praez, ['minLength', 'maxLength', 'pattern'], where);
    const bounds: { minimum?: number; maximum?: number } = {};
    for (const [key, keyword] of [['minValue', 'minimum'], ['maxValue', 'maximum']] as const) {
      const raw = praez[key]?.trim();
      if (raw === undefined || raw === '') continue;
      const parsed = parseDecimal(raw);
      if (parsed === undefined) {
        this.report(ImportProblemCode.NOT_APPLIED, `Die Grenze „${cut(raw, 40)}“ (${key}) von ${where} ist keine Zahl und wird nicht angewendet.`);
        continue;
      }
      bounds[keyword] = integer ? (keyword === 'minimum' ? Math.ceil(parsed) : Math.floor(parsed)) : parsed;
    }
    if (bounds.minimum !== undefined && bounds.maximum !== undefined && bounds.minimum > bounds.maximum) {
      this.report(ImportProblemCode.STRUCTURE, `Bei ${where} ist der kleinste Wert (${bounds.minimum}) größer als der größte (${bounds.maximum}).`, 'Beide Grenzen entfallen.');
      return {};
    }
    return bounds;
  }

  private attachment(element: Element, where: string): Node {
    const given = (element.mediaType ?? []).map((t) => t.trim());
    const valid = [...new Set(given.filter((t) => MEDIA_TYPE.test(t)))];
    if (valid.length < given.length) {
      this.report(ImportProblemCode.NOT_APPLIED, `Nicht alle Dateitypen von ${where} sind gültige Medientypen; ungültige werden ausgelassen.`);
    }
    const mediaTypes = valid.length ? valid : DEFAULT_MEDIA_TYPES;
    return {
      type: 'object',
      'x-widget': 'attachment',
      additionalProperties: false,
      required: ['attachmentId', 'fileName', 'mediaType', 'size'],
      properties: {
        attachmentId: { type: 'string', format: 'uuid', maxLength: 36, 'x-label': { de: 'Kennung der Datei' } },
        fileName: { type: 'string', minLength: 1, maxLength: 255, 'x-label': { de: 'Dateiname' } },
        mediaType: { type: 'string', enum: mediaTypes, 'x-label': { de: 'Dateityp' } },
        size: { type: 'integer', minimum: 1, ...(element.maxSize !== undefined ? { maximum: element.maxSize } : {}), 'x-label': { de: 'Dateigröße in Bytes' } },
      },
    };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Selections

  private select(element: Element, where: string): Node {
    const praez = element.praezisierung ?? {};
    if (element.werte && element.werte.length > 0) {
      this.notApplied(praez, ['minLength', 'maxLength', 'pattern', 'minValue', 'maxValue'], where, 'gilt neben der Werteliste nicht');
      return this.choices(element.werte.map((w) => ({ code: w.code, name: w.name })), where, 'die Werteliste');
    }
    if (element.codeliste) return this.codeList(element, element.codeliste, where);
    const node = this.text(praez, where, UNRESOLVED_SELECT_MAX);
    this.report(ImportProblemCode.STRUCTURE, `Das Auswahlfeld ${where} hat weder Werte noch eine Codeliste.`, `Es wird als Textfeld importiert (${keptConstraints(node, praez)}).`);
    return node;
  }

  private codeList(element: Element, ref: CodelisteReferenz, where: string): Node {
    const name = referenceName(ref);
    const praez = element.praezisierung ?? {};
    const list = this.findList(ref, name, where);
    if (!list) {
      // Without its list the field is text, but it keeps every limit the source gives it and the list's identity.
      const node: Node = { ...this.text(praez, where, UNRESOLVED_SELECT_MAX), 'x-fim': { codeliste: { ...listIdentity(ref), missing: true } } };
      const supplied = ref.canonicalIdentification
        ? this.codeLists.filter((l) => l.canonicalUri === ref.canonicalIdentification).map((l) => `„${cut(l.version ?? '(ohne Version)', 40)}“`)
        : [];
      const needed = ref.genericodeVersion ?? versionOfUri(ref);
      const problemText = supplied.length
        ? `Die Codeliste ${name} für ${where} wurde in der falschen Version mitgeliefert: mitgeliefert ${supplied.length === 1 ? 'wurde die Version' : 'wurden die Versionen'} ${supplied.join(', ')}, benötigt wird die Version „${cut(needed ?? '(ohne Angabe)', 40)}“.`
        : `Die Codeliste ${name} für ${where} wurde nicht mitgeliefert.`;
      this.report(
        ImportProblemCode.CODELIST_MISSING,
        problemText,
        `Das Feld wird als Textfeld importiert (${keptConstraints(node, praez)}); die fehlende Codeliste ist im Feld vermerkt (x-fim.codeliste).`,
      );
      return node;
    }
    this.notApplied(praez, ['minLength', 'maxLength', 'pattern', 'minValue', 'maxValue'], where, 'gilt neben der Codeliste nicht (die Codes legen die Werte fest)');
    if (element.codeKey && element.codeKey !== list.codeColumn) {
      this.report(ImportProblemCode.NOT_APPLIED, `${where} verlangt die Codespalte „${cut(element.codeKey, 80)}“; verwendet wird die Schlüsselspalte „${list.codeColumn}“ der Codeliste ${name}.`);
    }
    if (element.nameKey && element.nameKey !== list.nameColumn) {
      this.report(ImportProblemCode.NOT_APPLIED, `${where} verlangt die Namensspalte „${cut(element.nameKey, 80)}“; verwendet wird die Spalte „${list.nameColumn}“ der Codeliste ${name}.`);
    }
    if (list.codes.length === 0) {
      const node = this.text(praez, where, UNRESOLVED_SELECT_MAX);
      this.report(ImportProblemCode.CODELIST_INVALID, `Die Codeliste ${name} für ${where} enthält keine Codes.`, `Das Feld wird als Textfeld importiert (${keptConstraints(node, praez)}).`);
      return node;
    }
    const identity = listIdentity({ canonicalIdentification: list.canonicalUri ?? ref.canonicalIdentification, genericodeVersion: list.version ?? ref.genericodeVersion, canonicalVersionUri: list.canonicalVersionUri ?? ref.canonicalVersionUri, ...(ref.id ? { id: ref.id } : {}) });
    return { ...this.choices(list.codes, where, `die Codeliste ${name}`), 'x-fim': { codeliste: identity } };
  }

  private findList(ref: CodelisteReferenz, name: string, where: string): GenericodeList | undefined {
    const byVersionUri = ref.canonicalVersionUri ? this.codeLists.find((l) => l.canonicalVersionUri === ref.canonicalVersionUri) : undefined;
    if (byVersionUri) return byVersionUri;
    if (!ref.canonicalIdentification) return undefined;
    if (ref.genericodeVersion) {
      return this.codeLists.find((l) => l.canonicalUri === ref.canonicalIdentification && l.version === ref.genericodeVersion);
    }
    const candidates = this.codeLists
      .filter((l) => l.canonicalUri === ref.canonicalIdentification)
      .sort((a, b) => (a.version ?? '').localeCompare(b.version ?? '', 'en', { numeric: true }));
    const latest = candidates.at(-1);
    if (latest) {
      this.report(
        ImportProblemCode.NOT_APPLIED,
        `Die Codeliste ${name} für ${where} ist ohne Version angegeben; übernommen wird die mitgelieferte Version „${latest.version ?? '(ohne)'}“.`,
      );
    }
    return latest;
  }

  private choices(codes: ReadonlyArray<{ code: string; name: string }>, where: string, source: string): Node {
    const seen = new Set<string>();
    const values: string[] = [];
    const labels: Record<string, LocalizedText> = {};
    for (const { code, name } of codes) {
      if (seen.has(code)) continue;
      seen.add(code);
      values.push(code);
      labels[code] = de(text(name) ?? code, 2000);
    }
    if (values.length < codes.length) {
      this.report(ImportProblemCode.CODELIST_INVALID, `In ${source} für ${where} kommen Codes mehrfach vor.`, 'Jeder Code wird nur einmal übernommen.');
    }
    return { type: 'string', enum: values, 'x-enum-labels': labels };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Defaults

  /** `inhalt` as the field's default, converted to its JSON type; left out when it does not fit the field. */
  private withDefault(node: Node, inhalt: string, where: string): Node {
    const value = toJsonValue(node, inhalt);
    const fits = value !== undefined && this.validates(node, value);
    if (!fits) {
      this.report(ImportProblemCode.NOT_APPLIED, `Der Inhalt „${cut(inhalt, 80)}“ von ${where} passt nicht zum Feld und wird nicht als Vorgabewert übernommen.`);
      return node;
    }
    return { ...node, default: value };
  }

  private validates(node: Node, value: unknown): boolean {
    this.ajv ??= createFormAjv();
    return this.ajv.validate(node, value) === true;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Layout

  private layout(entries: readonly Entry[]): FormVersionFile['layout'] {
    const properties = entries.filter((e): e is Extract<Entry, { kind: 'property' }> => e.kind === 'property');
    if (properties.length === 0) {
      this.fail(ImportProblemCode.STRUCTURE, 'Das Stammdatenschema enthält keine Felder, die sich als Formular abbilden lassen.');
      return { steps: [] as unknown as FormVersionFile['layout']['steps'] };
    }
    // top-level label texts describe the section of the property that follows them (or, at the end, the last one)
    const descriptions = new Map<string, string[]>();
    let pending: string[] = [];
    for (const entry of entries) {
      if (entry.kind === 'label') pending.push(entry.text);
      else if (pending.length) {
        descriptions.set(entry.key, pending);
        pending = [];
      }
    }
    if (pending.length) {
      const last = properties[properties.length - 1].key;
      descriptions.set(last, [...(descriptions.get(last) ?? []), ...pending]);
    }

    const blocks: Block[] = [];
    // a run of plain fields, split where a label text stands between two of them, so that the text (the
    // description of the section that follows it) stays where FIM put it instead of moving above earlier fields
    let run: string[][] = [];
    const flush = () => {
      if (run.length === 0) return;
      const sections = run.flatMap((part) => chunk(part, MAX_FIELDS)).map((fields, i) => ({ title: i === 0 ? 'Angaben' : `Angaben (${i + 1})`, fields }));
      blocks.push({ title: 'Angaben', sections });
      run = [];
    };
    for (const p of properties) {
      if (!p.group) {
        if (run.length === 0 || descriptions.has(p.key)) run.push([p.key]);
        else run[run.length - 1].push(p.key);
        continue;
      }
      flush();
      blocks.push({ title: p.label, sections: [{ title: p.label, fields: [p.key] }] });
    }
    flush();

    let steps: Block[] = blocks;
    if (steps.length > MAX_STEPS) {
      const tail = blocks.slice(MAX_STEPS - 1).flatMap((b) => b.sections);
      steps = [...blocks.slice(0, MAX_STEPS - 1), { title: 'Weitere Angaben', sections: tail }];
    }
    if (steps.some((s) => s.sections.length > MAX_SECTIONS)) {
      // very large schemas: the fields in order, 100 per section and 20 sections per step
      const sections = chunk(properties.map((p) => p.key), MAX_FIELDS).map((fields, i) => ({ title: `Angaben (${i + 1})`, fields }));
      steps = chunk(sections, MAX_SECTIONS).map((s, i) => ({ title: `Angaben (${i + 1})`, sections: s }));
      if (steps.length > MAX_STEPS) {
        this.fail(ImportProblemCode.STRUCTURE, `Das Stammdatenschema hat ${properties.length} Felder auf oberster Ebene; ein Formular fasst höchstens ${MAX_STEPS * MAX_SECTIONS * MAX_FIELDS}.`);
      }
    }

    let sectionNo = 0;
    return {
      steps: steps.map((step, i) => ({
        id: `schritt-${i + 1}`,
        title: de(step.title, 500),
        sections: step.sections.map((section) => {
          const description = section.fields.flatMap((f) => descriptions.get(f) ?? []);
          return {
            id: `abschnitt-${++sectionNo}`,
            title: de(section.title, 500),
            ...(description.length ? { description: de(description.join('\n\n')) } : {}),
            fields: section.fields,
          };
        }),
      })) as FormVersionFile['layout']['steps'],
    };
  }
}

/** The IR keeps only anzahl values of this form (fim-stammdatenschema.schema.json). */
const IR_ANZAHL = /^\d+:(\*|\d+)$/;

/**
 * The IR as the form keeps it: unchanged, except that an anzahl the IR schema cannot hold becomes 0:1, as the
 * form treats it (lenient mode), so that the stored form stays valid and exports what it shows.
 */
function withReadableAnzahl(schema: FimStammdatenschema): FimStammdatenschema {
  const broken = (list: readonly Struktur[] | undefined) => list?.some((s) => !IR_ANZAHL.test(s.anzahl)) ?? false;
  const elements = Object.values(schema.elements);
  if (!broken(schema.struktur) && !elements.some((e) => broken(e?.struktur))) return schema;
  const fix = (list: readonly Struktur[]): Struktur[] => list.map((s) => (IR_ANZAHL.test(s.anzahl) ? s : { ...s, anzahl: '0:1' }));
  return {
    ...schema,
    struktur: fix(schema.struktur),
    elements: Object.fromEntries(Object.entries(schema.elements).map(([key, e]) => [key, e?.struktur ? { ...e, struktur: fix(e.struktur) } : e])),
  };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

function isIsoDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** `12`, `-3.5`, `1,25` (German decimal comma); undefined for anything else or beyond ±1e15. */
function parseDecimal(value: string): number | undefined {
  if (!/^[+-]?\d{1,16}(?:[.,]\d{1,15})?$/.test(value)) return undefined;
  const parsed = Number(value.replace(',', '.'));
  return Number.isFinite(parsed) && Math.abs(parsed) < MAX_BOUND ? parsed : undefined;
}

const TRUE = new Set(['true', '1', 'ja']);
const FALSE = new Set(['false', '0', 'nein']);

/** A FIM `inhalt` as a value of the node's JSON type, or undefined when it cannot be one. */
function toJsonValue(node: Node, inhalt: string): unknown {
  switch (node.type) {
    case 'string':
      return inhalt;
    case 'boolean': {
      const lower = inhalt.toLowerCase();
      return TRUE.has(lower) ? true : FALSE.has(lower) ? false : undefined;
    }
    case 'number':
    case 'integer':
      return parseDecimal(inhalt);
    default:
      return undefined;
  }
}

/** `minLength „8“, pattern „[0-9]{8}“`: the parts of a praezisierung as the source wrote them, for messages. */
function partsOf(praez: Praezisierung, keys: ReadonlyArray<keyof Praezisierung>): string {
  return keys.map((k) => `${k} „${cut(String(praez[k]), 80)}“`).join(', ');
}

/**
 * The limits a text node keeps from the source, in words (`behält aus der Präzisierung: mindestens 8 Zeichen,
 * höchstens 8 Zeichen, das Muster „…“`), and the default length where the source gives none.
 */
function keptConstraints(node: Node, praez: Praezisierung): string {
  const kept: string[] = [];
  const { minLength, maxLength, pattern } = node as { minLength?: number; maxLength?: number; pattern?: string };
  if (minLength !== undefined) kept.push(`mindestens ${minLength} Zeichen`);
  const fromSource = praez.maxLength !== undefined && praez.maxLength === maxLength;
  if (fromSource) kept.push(`höchstens ${maxLength} Zeichen`);
  if (pattern !== undefined) kept.push(`das Muster „${cut(pattern, 200)}“`);
  const limit = fromSource ? '' : `höchstens ${maxLength} Zeichen, weil die Quelle keine Höchstlänge nennt`;
  if (kept.length === 0) return limit;
  return `behält aus der Präzisierung: ${kept.join(', ')}${limit ? `; ${limit}` : ''}`;
}

/**
 * Whether a FIM pattern is a regular expression at all: real exports also write prose there (`Codeliste
 * Regionalschlüssel`, `Mehrfachauswahl`), which as a pattern would accept only that very text. A pattern without any
 * regular-expression syntax (classes, groups, quantifiers, alternatives, escapes, anchors, the dot) is prose.
 */
export function isRegularExpression(pattern: string): boolean {
  return /[\\[\](){}|*+?.^$]/.test(pattern);
}

/** The code list's identity as the XÖV message names it (listURI, listVersionID) and as FIM referenced it. */
function listIdentity(ref: CodelisteReferenz): NonNullable<NonNullable<Node['x-fim']>['codeliste']> {
  const uri = ref.canonicalIdentification ?? uriOfVersionUri(ref);
  const version = ref.genericodeVersion ?? versionOfUri(ref);
  return {
    ...(uri ? { uri } : {}),
    ...(version ? { version } : {}),
    ...(ref.canonicalVersionUri ? { versionUri: ref.canonicalVersionUri } : {}),
    ...(ref.id ? { id: ref.id } : {}),
  };
}

/** xdf2 writes canonicalVersionUri as `<canonicalIdentification>_<version>`; the parts, where only that is given. */
function versionOfUri(ref: CodelisteReferenz): string | undefined {
  if (!ref.canonicalVersionUri) return undefined;
  if (ref.canonicalIdentification && ref.canonicalVersionUri.startsWith(`${ref.canonicalIdentification}_`)) return ref.canonicalVersionUri.slice(ref.canonicalIdentification.length + 1);
  const at = ref.canonicalVersionUri.lastIndexOf('_');
  return at > 0 ? ref.canonicalVersionUri.slice(at + 1) : undefined;
}

function uriOfVersionUri(ref: CodelisteReferenz): string | undefined {
  if (!ref.canonicalVersionUri) return undefined;
  const at = ref.canonicalVersionUri.lastIndexOf('_');
  return at > 0 ? ref.canonicalVersionUri.slice(0, at) : undefined;
}

/**
 * `x-order` (the property keys in FIM order: the stored JSON does not keep key order, the XÖV message needs it) and
 * `x-labels` (label fields with their FIM id and the key of the property they follow; none: at the start).
 */
function orderAndLabels(entries: readonly Entry[]): Pick<Node, 'x-order' | 'x-labels'> {
  const order: string[] = [];
  const labels: NonNullable<Node['x-labels']> = [];
  for (const entry of entries) {
    if (entry.kind === 'property') order.push(entry.key);
    else labels.push({ 'x-fim': { ...entry.fim, feldart: 'label' }, text: de(entry.text), ...(order.length ? { after: order[order.length - 1] } : {}) });
  }
  return { ...(order.length ? { 'x-order': order } : {}), ...(labels.length ? { 'x-labels': labels } : {}) };
}

function referenceName(ref: CodelisteReferenz): string {
  if (ref.canonicalVersionUri) return `„${cut(ref.canonicalVersionUri, 200)}“`;
  if (ref.canonicalIdentification) return `„${cut(ref.canonicalIdentification, 200)}${ref.genericodeVersion ? ` (Version ${cut(ref.genericodeVersion, 40)})` : ''}“`;
  return `„${cut(ref.id ?? '(ohne Kennung)', 80)}“`;
}

export function stammdatenschemaToForm(schema: FimStammdatenschema, codeLists: readonly GenericodeList[], options: XdfFormOptions): XdfFormResult {
  const mapper = new FormMapper(schema, codeLists, options);
  const form = mapper.map();
  return { form, warnings: mapper.warnings, errors: mapper.errors };
}
