import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ImportProblemCode, ImportRejectedError, problem } from '../import.problems.js';
import type { XmlElement } from './xml-element.js';

/**
 * Safe XML input for untrusted import files.
 *
 * The order of checks matters: size first (before anything looks at the content), then one linear,
 * non-recursive scan that refuses DTDs and entity declarations, unknown entity references, bad character
 * references and too deep or too many elements, and checks that tags are properly nested. Only then does
 * fast-xml-parser see the text (validator for the remaining well-formedness rules, parser without entity
 * processing), and the tree is built iteratively with references decoded here, in linear time.
 */
export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
  maxElements: number;
  /** Character and entity references (`&#65;`, `&amp;`): real exports have a few; floods are refused. */
  maxReferences: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxBytes: 5 * 1024 * 1024, maxDepth: 64, maxElements: 200_000, maxReferences: 100_000 };

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const PREDEFINED_ENTITIES: Readonly<Record<string, string>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, string>, { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }),
);
/** Longest run of significant digits a legal reference can have (0x10FFFF = 1114111). */
const MAX_DECIMAL_DIGITS = 7;
const MAX_HEX_DIGITS = 6;
/** How far to look for the `;` of an entity reference before calling the `&` a stray one. */
const MAX_ENTITY_NAME = 100;
/** Prefix put before every tag name for fast-xml-parser, so that no tag name can be a dangerous property name. */
const TAG_MARK = '\u00a7';
const ATTR_PREFIX = '@_';
const TEXT_KEY = '#text';
const CDATA_KEY = '#cdata';
const ATTRS_KEY = ':@';

/** Lines where parsed elements start, for parsers that want to name the line of a problem. */
const elementLines = new WeakMap<XmlElement, number>();

/** The 1-based line where an element returned by {@link parseXml} starts, when known. */
export function lineOf(element: XmlElement | undefined): number | undefined {
  return element === undefined ? undefined : elementLines.get(element);
}

/** Reads untrusted XML into an {@link XmlElement} tree; throws `ImportRejectedError` with one problem otherwise. */
export function parseXml(text: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  checkInputSize(text, limits.maxBytes);
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  checkCharacters(body);
  const startLines = scan(body, limits);
  checkWellFormed(body);
  return buildTree(parseOrdered(body, limits), startLines);
}

const reject = (code: ImportProblemCode, message: string, line?: number): never => {
  throw new ImportRejectedError([problem(code, message, line)]);
};

/** Megabytes with one decimal and a German decimal comma, e.g. `5,0 MB`. */
const formatMegabytes = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1).replace('.', ',')} MB`;

/**
 * Refuses input whose UTF-8 size is above `maxBytes` (INPUT_TOO_LARGE), before anything else looks at it.
 * Also used for JSON bundles (format-detect.ts).
 */
export function checkInputSize(text: string, maxBytes: number): void {
  checkByteCount(Buffer.byteLength(text, 'utf8'), maxBytes, 'Die Datei ist');
}

/** INPUT_TOO_LARGE when `bytes` is above `maxBytes`; `subject` starts the sentence („Die Dateien sind zusammen“). */
export function checkByteCount(bytes: number, maxBytes: number, subject: string): void {
  if (bytes > maxBytes) {
    // Below 1 MB the rounded numbers would say little; name the bytes then.
    const size = maxBytes < 1024 * 1024 ? `${bytes} Byte` : formatMegabytes(bytes);
    const limit = maxBytes < 1024 * 1024 ? `${maxBytes} Byte` : formatMegabytes(maxBytes);
    reject(ImportProblemCode.INPUT_TOO_LARGE, `${subject} ${size} groß; erlaubt sind höchstens ${limit}.`);
  }
}

/** 1-based line of a position, counting line feeds (CR LF counts once, as XML normalises it). */
function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Characters XML 1.0 does not allow literally: C0 controls other than tab/LF/CR, U+FFFE/U+FFFF, lone surrogates. */
function checkCharacters(text: string): void {
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(text);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    reject(ImportProblemCode.MALFORMED, `Die Datei enthält das in XML nicht erlaubte Zeichen U+${code}.`, lineAt(text, bad.index));
  }
}

/** A legal XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. */
const isXmlChar = (cp: number): boolean =>
  cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHexDigit = (c: number): boolean => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const isSpace = (c: number): boolean => c === 0x20 || c === 0x9 || c === 0xa || c === 0xd;

/**
 * Checks the reference starting at `&` (index `at`) and returns the index of its `;`.
 * Each character is looked at once, so a flood of references stays linear.
 */
function checkReference(text: string, at: number, line: number): number {
  let i = at + 1;
  if (text.charCodeAt(i) === 0x23 /* # */) {
    i++;
    const hex = text.charCodeAt(i) === 0x78; /* x */
    if (hex) i++;
    const digitsStart = i;
    while (i < text.length && (hex ? isHexDigit(text.charCodeAt(i)) : isDigit(text.charCodeAt(i)))) i++;
    const raw = text.slice(digitsStart, i);
    const shown = `&#${hex ? 'x' : ''}${raw.length > 12 ? `${raw.slice(0, 12)}…` : raw};`;
    if (raw.length === 0 || text.charCodeAt(i) !== 0x3b /* ; */) {
      reject(ImportProblemCode.INVALID_CHARACTER_REFERENCE, `Der Zeichenverweis „${shown.slice(0, -1)}“ ist unvollständig oder falsch geschrieben.`, line);
    }
    const significant = raw.replace(/^0+/, '');
    const tooLong = significant.length > (hex ? MAX_HEX_DIGITS : MAX_DECIMAL_DIGITS);
    const codePoint = tooLong ? Number.POSITIVE_INFINITY : Number.parseInt(significant || '0', hex ? 16 : 10);
    if (!isXmlChar(codePoint)) {
      const why =
        codePoint > 0x10ffff
          ? 'liegt außerhalb von Unicode'
          : codePoint >= 0xd800 && codePoint <= 0xdfff
            ? 'verweist auf ein Ersatzzeichen (Surrogat)'
            : 'ist in XML 1.0 nicht erlaubt';
      reject(ImportProblemCode.INVALID_CHARACTER_REFERENCE, `Der Zeichenverweis „${shown}“ ${why}.`, line);
    }
    return i;
  }
  const end = text.indexOf(';', i);
  const name = end === -1 || end - i > MAX_ENTITY_NAME ? undefined : text.slice(i, end);
  if (name === undefined || name.length === 0 || /[\s<>&"']/.test(name)) {
    return reject(ImportProblemCode.MALFORMED, 'Ein einzelnes „&“ ist in XML nicht erlaubt; es muss als „&amp;“ geschrieben werden.', line);
  }
  if (!(name in PREDEFINED_ENTITIES)) {
    reject(
      ImportProblemCode.FORBIDDEN_CONSTRUCT,
      `Die Datei verweist auf die Entität „&${name.length > 40 ? `${name.slice(0, 40)}…` : name};“. Aus Sicherheitsgründen werden nur die fünf vordefinierten XML-Entitäten und Zeichenverweise angenommen.`,
      line,
    );
  }
  return end;
}

/** Reads an element name starting at `from` (up to whitespace, `/` or `>`). */
function readName(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isSpace(c) || c === 0x2f /* / */ || c === 0x3e /* > */ || c === 0x3c /* < */) break;
    i++;
  }
  return i;
}

const DTD_KEYWORDS = ['DOCTYPE', 'ENTITY', 'ELEMENT', 'ATTLIST', 'NOTATION'];

/**
 * One pass over the text, without recursion: refuses DTD constructs, checks every reference in text and
 * attribute values, counts elements, bounds the depth and checks that end tags match their start tags.
 * Returns the line of every start tag in document order (for {@link lineOf}).
 */
function scan(text: string, limits: XmlLimits): number[] {
  const open: Array<{ name: string; line: number }> = [];
  const startLines: number[] = [];
  let line = 1;
  let i = 0;
  let rootClosed = false;
  let references = 0;
  const n = text.length;
  // Advances i to `to`, counting the line feeds passed.
  const skipTo = (to: number): void => {
    for (let k = text.indexOf('\n', i); k !== -1 && k < to; k = text.indexOf('\n', k + 1)) line++;
    i = to;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      line++;
      i++;
    } else if (open.length === 0 && c !== 0x3c && !isSpace(c)) {
      reject(
        ImportProblemCode.MALFORMED,
        rootClosed ? 'Nach dem Ende des Wurzelelements folgt noch Text.' : 'Vor dem ersten Element steht Text; eine XML-Datei beginnt mit „<“.',
        line,
      );
    } else if (c === 0x26 /* & */) {
      if (++references > limits.maxReferences) {
        reject(
          ImportProblemCode.INPUT_TOO_LARGE,
          `Die Datei enthält mehr als ${limits.maxReferences.toLocaleString('de-DE')} Zeichenverweise (wie „&#65;“ oder „&amp;“); mehr werden nicht angenommen.`,
          line,
        );
      }
      i = checkReference(text, i, line) + 1;
    } else if (c !== 0x3c /* < */) {
      i++;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end === -1) reject(ImportProblemCode.MALFORMED, 'Ein Kommentar („<!--“) wird nicht geschlossen.', line);
      skipTo(end + 3);
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i + 9);
      if (end === -1) reject(ImportProblemCode.MALFORMED, 'Ein CDATA-Abschnitt („<![CDATA[“) wird nicht geschlossen.', line);
      skipTo(end + 3);
    } else if (text.startsWith('<!', i)) {
      const word = text.slice(i + 2, i + 10).toUpperCase();
      const keyword = DTD_KEYWORDS.find((k) => word.startsWith(k));
      if (keyword) {
        reject(
          ImportProblemCode.FORBIDDEN_CONSTRUCT,
          `Die Datei enthält eine ${keyword === 'DOCTYPE' ? 'Dokumenttyp-Deklaration („<!DOCTYPE“)' : `DTD-Deklaration („<!${keyword}“)`}. Aus Sicherheitsgründen werden Dateien mit DTD oder Entitätsdeklarationen nicht angenommen.`,
          line,
        );
      }
      reject(ImportProblemCode.MALFORMED, 'Nach „<!“ folgt weder ein Kommentar noch ein CDATA-Abschnitt.', line);
    } else if (text.startsWith('<?', i)) {
      // Processing instructions (and the XML declaration) are skipped.
      const end = text.indexOf('?>', i + 2);
      if (end === -1) reject(ImportProblemCode.MALFORMED, 'Eine Verarbeitungsanweisung („<?“) wird nicht geschlossen.', line);
      skipTo(end + 2);
    } else if (text.charCodeAt(i + 1) === 0x2f /* / */) {
      const nameEnd = readName(text, i + 2);
      const name = text.slice(i + 2, nameEnd);
      const top = open.pop();
      if (open.length === 0) rootClosed = true;
      if (top === undefined) {
        reject(ImportProblemCode.MALFORMED, `Das schließende Tag „</${name}>“ gehört zu keinem geöffneten Element.`, line);
      } else if (top.name !== name) {
        reject(
          ImportProblemCode.MALFORMED,
          `Das schließende Tag „</${name}>“ passt nicht zum Element „<${top.name}>“ aus Zeile ${top.line}.`,
          line,
        );
      }
      const close = text.indexOf('>', nameEnd);
      if (close === -1) reject(ImportProblemCode.MALFORMED, `Das schließende Tag „</${name}>“ wird nicht mit „>“ beendet.`, line);
      skipTo(close + 1);
    } else {
      const tagLine = line;
      const nameEnd = readName(text, i + 1);
      const name = text.slice(i + 1, nameEnd);
      if (name.length === 0) reject(ImportProblemCode.MALFORMED, 'Nach „<“ fehlt der Name eines Elements.', line);
      if (rootClosed) reject(ImportProblemCode.MALFORMED, `Nach dem Ende des Wurzelelements folgt ein weiteres Element „<${name}>“.`, line);
      // Read to the closing `>`, through quoted attribute values (which may hold `>` and references).
      let quote = 0;
      let k = nameEnd;
      for (; k < n; k++) {
        const d = text.charCodeAt(k);
        if (d === 0x0a) line++;
        else if (quote !== 0) {
          if (d === quote) quote = 0;
          else if (d === 0x26) k = checkReference(text, k, line);
          else if (d === 0x3c) reject(ImportProblemCode.MALFORMED, `Ein Attributwert von „<${name}>“ enthält ein „<“.`, line);
        } else if (d === 0x22 || d === 0x27) quote = d;
        else if (d === 0x3e || d === 0x3c) break;
      }
      if (k >= n || text.charCodeAt(k) !== 0x3e) {
        reject(ImportProblemCode.MALFORMED, `Das Tag „<${name}>“ wird nicht mit „>“ beendet.`, tagLine);
      }
      startLines.push(tagLine);
      if (startLines.length > limits.maxElements) {
        reject(
          ImportProblemCode.INPUT_TOO_LARGE,
          `Die Datei enthält mehr als ${limits.maxElements.toLocaleString('de-DE')} Elemente; mehr werden nicht angenommen.`,
          tagLine,
        );
      }
      if (open.length + 1 > limits.maxDepth) {
        reject(ImportProblemCode.TOO_DEEP, `Die Elemente sind tiefer als ${limits.maxDepth} Ebenen verschachtelt.`, tagLine);
      }
      if (text.charCodeAt(k - 1) !== 0x2f /* self-closing */) {
        open.push({ name, line: tagLine });
      } else if (open.length === 0) {
        rootClosed = true;
      }
      i = k + 1;
    }
  }
  if (startLines.length === 0) reject(ImportProblemCode.MALFORMED, 'Die Datei enthält kein XML-Element.');
  const unclosed = open.at(-1);
  if (unclosed) {
    reject(ImportProblemCode.MALFORMED, `Das Element „<${unclosed.name}>“ wird nicht geschlossen (die Datei endet vorher).`, unclosed.line);
  }
  return startLines;
}

/** The remaining well-formedness rules (names, attribute syntax, one root, no text outside it) via fast-xml-parser. */
function checkWellFormed(text: string): void {
  const result = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (result !== true) {
    reject(
      ImportProblemCode.MALFORMED,
      `Die Datei ist kein wohlgeformtes XML (Meldung des Parsers: ${result.err.msg}).`,
      result.err.line > 0 ? result.err.line : undefined,
    );
  }
}

/** fast-xml-parser's ordered output: `{ '§tag': children, ':@': attrs }`, `{ '#text': s }` or `{ '#cdata': [{ '#text': s }] }`. */
type OrderedNode = Record<string, unknown>;

function parseOrdered(text: string, limits: XmlLimits): OrderedNode[] {
  const parser = new XMLParser({
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    ignoreAttributes: false,
    preserveOrder: true,
    trimValues: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    cdataPropName: CDATA_KEY,
    textNodeName: TEXT_KEY,
    attributeNamePrefix: ATTR_PREFIX,
    allowBooleanAttributes: false,
    removeNSPrefix: false,
    // Tag names get a prefix so that `__proto__`, `constructor`, `toString` … are ordinary keys to the parser.
    // fast-xml-parser applies the transform twice to self-closing tags, so it must be idempotent (`§` cannot
    // occur in an XML name, the validator has made sure of that).
    transformTagName: (name: string) => (name.startsWith(TAG_MARK) ? name : TAG_MARK + name),
    maxNestedTags: limits.maxDepth + 2,
  });
  try {
    return parser.parse(text) as OrderedNode[];
  } catch (error) {
    // The scan and the validator have run; this is a last line of defence.
    return reject(ImportProblemCode.MALFORMED, `Die Datei ist kein wohlgeformtes XML (Meldung des Parsers: ${(error as Error).message}).`);
  }
}

const decodeReferences = (raw: string): string =>
  raw.indexOf('&') === -1
    ? raw
    : raw.replace(/&(?:#x([0-9a-fA-F]+)|#([0-9]+)|([A-Za-z]+));/g, (match, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
        if (hex !== undefined) return String.fromCodePoint(Number.parseInt(hex, 16));
        if (dec !== undefined) return String.fromCodePoint(Number.parseInt(dec, 10));
        // The scan has refused every other name; keep the text unchanged if one got here anyway.
        return (name !== undefined && PREDEFINED_ENTITIES[name]) || match;
      });

/** Attribute-value normalisation (XML 1.0 §3.3.3): literal tab and line breaks become spaces, then references are decoded. */
const decodeAttribute = (raw: string): string => decodeReferences(raw.replace(/[\t\n\r]/g, ' '));

const tagKeyOf = (node: OrderedNode): string | undefined => Object.keys(node).find((k) => k.startsWith(TAG_MARK));

const splitName = (qname: string): { prefix: string; local: string } => {
  const colon = qname.indexOf(':');
  return colon === -1 ? { prefix: '', local: qname } : { prefix: qname.slice(0, colon), local: qname.slice(colon + 1) };
};

interface Frame {
  element: XmlElement;
  children: OrderedNode[];
  index: number;
  scope: Map<string, string>;
  textParts: string[];
}

/** Builds the tree without recursion, resolving namespaces per element and decoding references. */
function buildTree(ordered: OrderedNode[], startLines: number[]): XmlElement {
  let elementIndex = 0;
  const rootScope = new Map<string, string>([['xml', XML_NAMESPACE]]);

  const open = (node: OrderedNode, tagKey: string, parentScope: Map<string, string>): Frame => {
    const line = startLines[elementIndex++];
    const rawAttributes = (node[ATTRS_KEY] ?? {}) as Record<string, unknown>;
    let scope = parentScope;
    const plain: Array<[string, string]> = [];
    for (const key of Object.keys(rawAttributes)) {
      const qname = key.slice(ATTR_PREFIX.length);
      const value = decodeAttribute(String(rawAttributes[key]));
      if (qname === 'xmlns' || qname.startsWith('xmlns:')) {
        if (scope === parentScope) scope = new Map(parentScope);
        const prefix = qname === 'xmlns' ? '' : qname.slice(6);
        if (prefix !== '' && value === '') {
          reject(ImportProblemCode.MALFORMED, `Das Namensraumpräfix „${prefix}“ wird mit einem leeren Namensraum deklariert.`, line);
        }
        scope.set(prefix, value);
      } else {
        plain.push([qname, value]);
      }
    }
    const attributes = Object.create(null) as Record<string, string>;
    for (const [qname, value] of plain) {
      const { prefix, local } = splitName(qname);
      if (prefix !== '' && !scope.has(prefix)) {
        reject(ImportProblemCode.MALFORMED, `Das Namensraumpräfix „${prefix}“ des Attributs „${qname}“ ist nicht deklariert.`, line);
      }
      attributes[local] = value;
    }
    const qname = tagKey.slice(TAG_MARK.length);
    const { prefix, local } = splitName(qname);
    const namespace = scope.get(prefix);
    if (prefix !== '' && namespace === undefined) {
      reject(ImportProblemCode.MALFORMED, `Das Namensraumpräfix „${prefix}“ des Elements „<${qname}>“ ist nicht deklariert.`, line);
    }
    const element: XmlElement = { name: local, namespace: namespace ?? '', attributes, children: [], text: '' };
    if (line !== undefined) elementLines.set(element, line);
    return { element, children: node[tagKey] as OrderedNode[], index: 0, scope, textParts: [] };
  };

  const topKey = ordered.map((node) => [node, tagKeyOf(node)] as const).find(([, key]) => key !== undefined);
  if (topKey === undefined) return reject(ImportProblemCode.MALFORMED, 'Die Datei enthält kein XML-Element.');
  const stack: Frame[] = [open(topKey[0], topKey[1] as string, rootScope)];
  const root = stack[0].element;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.index >= frame.children.length) {
      frame.element.text = frame.textParts.join('');
      stack.pop();
      continue;
    }
    const node = frame.children[frame.index++];
    if (TEXT_KEY in node) {
      frame.textParts.push(decodeReferences(String(node[TEXT_KEY])));
    } else if (CDATA_KEY in node) {
      for (const part of node[CDATA_KEY] as OrderedNode[]) frame.textParts.push(String(part[TEXT_KEY] ?? ''));
    } else {
      const key = tagKeyOf(node);
      if (key === undefined) continue;
      const next = open(node, key, frame.scope);
      frame.element.children.push(next.element);
      stack.push(next);
    }
  }
  return root;
}
