import { ImportProblemCode, ImportRejectedError, problem, type GenericodeList } from '../import.problems.js';
import { lineOf, parseXml, type XmlLimits } from '../xml/safe-xml.js';
import { child, childrenNamed, type XmlElement } from '../xml/xml-element.js';
import { GENERICODE_NAMESPACE } from './namespaces.js';
export { GENERICODE_NAMESPACE } from './namespaces.js';


/** genericode data types that hold text (a missing `Data` counts as text). */
const TEXT_TYPES = new Set(['string', 'normalizedString', 'token']);

interface Column {
  id: string;
  shortName: string;
  required: boolean;
  text: boolean;
}

const invalid = (message: string, line?: number): never => {
  throw new ImportRejectedError([problem(ImportProblemCode.CODELIST_INVALID, message, line)]);
};

/** Reads and parses a genericode file with the safe XML parser. */
export function parseGenericodeText(text: string, limits?: XmlLimits): GenericodeList {
  return parseGenericode(parseXml(text, limits));
}

/**
 * An OASIS genericode 1.0 code list. Only the root `CodeList` is checked for its namespace: the children are
 * unqualified in the standard, yet FIM exports put everything in the default namespace.
 */
export function parseGenericode(root: XmlElement): GenericodeList {
  if (root.name !== 'CodeList' || root.namespace !== GENERICODE_NAMESPACE) {
    invalid(
      `Die Datei ist keine genericode-Codeliste: erwartet wird das Element „CodeList“ im Namensraum „${GENERICODE_NAMESPACE}“, gefunden wurde „${root.name}“${root.namespace ? ` im Namensraum „${root.namespace}“` : ''}.`,
      lineOf(root),
    );
  }
  const identification = identificationOf(child(root, 'Identification'));
  const label = identification.canonicalVersionUri || identification.canonicalUri || identification.shortName || 'ohne Kennung';
  const columnSet = child(root, 'ColumnSet');
  if (columnSet === undefined) {
    invalid(`Die Codeliste „${label}“ hat keinen „ColumnSet“ (externe Spaltendefinitionen werden nicht unterstützt).`, lineOf(root));
  }
  const columns = columnsOf(columnSet as XmlElement, label);
  const { codeColumn, nameColumn, helpColumn } = pickColumns(columnSet as XmlElement, columns, label);
  const codes = rowsOf(child(root, 'SimpleCodeList'), columns, { codeColumn, nameColumn, helpColumn }, label);
  if (codes.length === 0) invalid(`Die Codeliste „${label}“ enthält keinen einzigen Code.`, lineOf(child(root, 'SimpleCodeList') ?? root));
  return {
    ...identification,
    codeColumn,
    nameColumn,
    ...(helpColumn === undefined ? {} : { helpColumn }),
    codes,
  };
}

/** Identification fields: absent stays absent, present-but-empty becomes '' (texts trimmed). */
function identificationOf(identification: XmlElement | undefined): Pick<GenericodeList, 'shortName' | 'longName' | 'version' | 'canonicalUri' | 'canonicalVersionUri'> {
  const out: Pick<GenericodeList, 'shortName' | 'longName' | 'version' | 'canonicalUri' | 'canonicalVersionUri'> = {};
  const fields = [
    ['ShortName', 'shortName'],
    ['LongName', 'longName'],
    ['Version', 'version'],
    ['CanonicalUri', 'canonicalUri'],
    ['CanonicalVersionUri', 'canonicalVersionUri'],
  ] as const;
  for (const [element, key] of fields) {
    const found = child(identification, element);
    if (found !== undefined) out[key] = found.text.trim();
  }
  return out;
}

function columnsOf(columnSet: XmlElement, label: string): Column[] {
  const columns = childrenNamed(columnSet, 'Column').map((column) => {
    const id = (column.attributes.Id ?? '').trim();
    if (id === '') invalid(`Eine Spalte der Codeliste „${label}“ hat keine „Id“.`, lineOf(column));
    const type = child(column, 'Data')?.attributes.Type;
    return {
      id,
      shortName: (child(column, 'ShortName')?.text ?? '').trim(),
      required: column.attributes.Use === 'required',
      text: type === undefined || TEXT_TYPES.has(type),
    };
  });
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column.id)) invalid(`Die Codeliste „${label}“ definiert die Spalte „${column.id}“ zweimal.`, lineOf(columnSet));
    seen.add(column.id);
  }
  if (columns.length === 0) invalid(`Die Codeliste „${label}“ definiert keine Spalten.`, lineOf(columnSet));
  return columns;
}

/** The column a key refers to (its first ColumnRef), checked against the defined columns. */
function keyColumn(key: XmlElement | undefined, columns: Column[], label: string): string | undefined {
  if (key === undefined) return undefined;
  const ref = child(key, 'ColumnRef')?.attributes.Ref?.trim();
  if (!ref || !columns.some((c) => c.id === ref)) {
    invalid(`Der Schlüssel „${key.attributes.Id ?? ''}“ der Codeliste „${label}“ verweist auf keine definierte Spalte${ref ? ` („${ref}“)` : ''}.`, lineOf(key));
  }
  return ref;
}

/**
 * Code, name and help columns. The code column comes from `Key[@Id='codeKey']`, the name column from
 * `Key[@Id='codenameKey']` (never from fixed column names: real lists use `code`, `schluessel-staat`, `SCHLUESSEL` …).
 *
 * Fallback for lists without these keys (there is no warning channel here, so it is documented instead):
 * - code: the column of the first `Key` (e.g. XRepository's `KeyKey`);
 * - name: the first other required text column, else the first other text column (e.g. `Beschreibung`);
 * - help: `Key[@Id='helpKey']`, else a column whose id or short name contains „hilfe“.
 * Nothing usable → CODELIST_INVALID.
 */
function pickColumns(columnSet: XmlElement, columns: Column[], label: string): { codeColumn: string; nameColumn: string; helpColumn?: string } {
  const keys = childrenNamed(columnSet, 'Key');
  const byId = (id: string): XmlElement | undefined => keys.find((k) => k.attributes.Id === id);
  const codeColumn = keyColumn(byId('codeKey'), columns, label) ?? keyColumn(keys[0], columns, label);
  if (codeColumn === undefined) {
    return invalid(`Die Codeliste „${label}“ nennt keine Code-Spalte (weder „codeKey“ noch einen anderen Schlüssel).`, lineOf(columnSet));
  }
  const others = columns.filter((c) => c.id !== codeColumn && c.text);
  const nameColumn = keyColumn(byId('codenameKey'), columns, label) ?? (others.find((c) => c.required) ?? others[0])?.id;
  if (nameColumn === undefined) {
    return invalid(`Die Codeliste „${label}“ nennt keine Spalte für die Bezeichnungen („codenameKey“) und hat keine andere Textspalte.`, lineOf(columnSet));
  }
  const helpColumn =
    keyColumn(byId('helpKey'), columns, label) ??
    columns.find((c) => c.id !== codeColumn && c.id !== nameColumn && /hilfe/i.test(`${c.id} ${c.shortName}`))?.id;
  return helpColumn === undefined ? { codeColumn, nameColumn } : { codeColumn, nameColumn, helpColumn };
}

/**
 * Rows of the SimpleCodeList. A `Value` names its column with `ColumnRef`, or, without it, is the column after the
 * previous value's (genericode's positional rule). A row without a code is skipped; duplicate codes are refused.
 */
function rowsOf(
  list: XmlElement | undefined,
  columns: Column[],
  picked: { codeColumn: string; nameColumn: string; helpColumn?: string },
  label: string,
): GenericodeList['codes'] {
  const codes: GenericodeList['codes'] = [];
  const firstLine = new Map<string, number | undefined>();
  for (const row of childrenNamed(list, 'Row')) {
    const values = new Map<string, string>();
    let position = -1;
    for (const value of childrenNamed(row, 'Value')) {
      const ref = value.attributes.ColumnRef?.trim();
      position = ref ? columns.findIndex((c) => c.id === ref) : position + 1;
      if (position === -1) invalid(`Ein Wert der Codeliste „${label}“ verweist auf die unbekannte Spalte „${ref}“.`, lineOf(value));
      const simple = child(value, 'SimpleValue');
      if (position < columns.length && simple !== undefined) values.set(columns[position].id, simple.text.trim());
    }
    const code = values.get(picked.codeColumn);
    if (code === undefined || code === '') continue;
    if (firstLine.has(code)) {
      const earlier = firstLine.get(code);
      invalid(`Der Code „${code}“ kommt in der Codeliste „${label}“ mehrfach vor${earlier ? ` (zuerst in Zeile ${earlier})` : ''}.`, lineOf(row));
    }
    firstLine.set(code, lineOf(row));
    const help = picked.helpColumn === undefined ? undefined : values.get(picked.helpColumn);
    codes.push({ code, name: values.get(picked.nameColumn) ?? '', ...(help ? { help } : {}) });
  }
  return codes;
}
