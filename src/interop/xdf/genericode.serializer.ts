import type { GenericodeList } from '../import.problems.js';
import { renderXmlDocument, safeFileNamePart, withoutNonXmlCharacters, xmlBranch, xmlLeaf, type XNode } from './xdf2.serializer.js';
import { GENERICODE_NAMESPACE } from './namespaces.js';
export { GENERICODE_NAMESPACE } from './namespaces.js';

/**
 * A code list as an OASIS genericode 1.0 document (`gc:CodeList`), as XDatenfelder references it: Identification,
 * a ColumnSet with the list's own code/name (and help) columns plus the Keys `codeKey` and `codenameKey` (and
 * `helpKey`, the name XDatenfelder 3 uses for the help column) that point to them, and one SimpleCodeList row per code.
 *
 * genericode.xsd leaves its local elements unqualified (no elementFormDefault), so only the root carries the `gc`
 * prefix. (FIM's own files put every element in the namespace; readers that match local names accept both.)
 * Column ids are xsd:ID values, so they must be NCNames, as they are in any list that was read from genericode.
 */


/** The id of the help column when the codes carry help texts but the list names no help column. */
const DEFAULT_HELP_COLUMN = 'hilfe';

const clean = (text: string | undefined): string => withoutNonXmlCharacters(text ?? '');

const column = (id: string, use: 'required' | 'optional'): XNode =>
  xmlBranch('Column', [xmlLeaf('ShortName', id), xmlBranch('Data', [], [['Type', 'string']])], [
    ['Id', id],
    ['Use', use],
  ]);

const key = (id: string, shortName: string, ref: string): XNode =>
  xmlBranch('Key', [xmlLeaf('ShortName', shortName), xmlBranch('ColumnRef', [], [['Ref', ref]])], [['Id', id]]);

const value = (ref: string, text: string): XNode => xmlBranch('Value', [xmlLeaf('SimpleValue', clean(text))], [['ColumnRef', ref]]);

/** CanonicalVersionUri: the list's own, else FIM's convention `<CanonicalUri>_<Version>`. */
const canonicalVersionUri = (list: GenericodeList): string =>
  list.canonicalVersionUri ?? (list.canonicalUri && list.version ? `${list.canonicalUri}_${list.version}` : list.canonicalUri ?? '');

function identification(list: GenericodeList): XNode {
  const children = [xmlLeaf('ShortName', clean(list.shortName))];
  if (list.longName !== undefined) children.push(xmlLeaf('LongName', clean(list.longName)));
  children.push(
    xmlLeaf('Version', clean(list.version)),
    xmlLeaf('CanonicalUri', clean(list.canonicalUri)),
    xmlLeaf('CanonicalVersionUri', clean(canonicalVersionUri(list))),
  );
  return xmlBranch('Identification', children);
}

/** The list's columns in order code, name, help, each id once (a list may use one column for code and name). */
function columnIds(list: GenericodeList): { code: string; name: string; help?: string; all: string[] } {
  const help = list.helpColumn ?? (list.codes.some((c) => c.help !== undefined) ? DEFAULT_HELP_COLUMN : undefined);
  const all = [...new Set([list.codeColumn, list.nameColumn, ...(help === undefined ? [] : [help])])];
  return { code: list.codeColumn, name: list.nameColumn, help, all };
}

function row(ids: ReturnType<typeof columnIds>, code: GenericodeList['codes'][number]): XNode {
  const byColumn = new Map<string, string>();
  if (ids.help !== undefined && code.help !== undefined) byColumn.set(ids.help, code.help);
  byColumn.set(ids.name, code.name);
  byColumn.set(ids.code, code.code);
  return xmlBranch(
    'Row',
    ids.all.filter((id) => byColumn.has(id)).map((id) => value(id, byColumn.get(id) ?? '')),
  );
}

/** The list as a genericode 1.0 document, pretty-printed, deterministic. */
export function genericodeXml(list: GenericodeList): string {
  const ids = columnIds(list);
  const columns = ids.all.map((id) => column(id, id === ids.help && id !== ids.code && id !== ids.name ? 'optional' : 'required'));
  const root = xmlBranch(
    'gc:CodeList',
    [
      identification(list),
      xmlBranch('ColumnSet', [
        ...columns,
        key('codeKey', 'CodeKey', ids.code),
        key('codenameKey', 'CodenameKey', ids.name),
        ...(ids.help === undefined ? [] : [key('helpKey', 'HelpKey', ids.help)]),
      ]),
      xmlBranch(
        'SimpleCodeList',
        list.codes.map((c) => row(ids, c)),
      ),
    ],
    [['xmlns:gc', GENERICODE_NAMESPACE]],
  );
  return renderXmlDocument(root);
}

/**
 * The usual FIM file name, `<C-Nummer>_genericode.xml` (e.g. C05000073_genericode.xml); without a FIM id the
 * name comes from the CanonicalVersionUri (or CanonicalUri, ShortName), with characters unsafe in file names replaced.
 */
export function genericodeFileName(list: GenericodeList, fimId?: string): string {
  const base = fimId !== undefined && fimId.trim() !== '' ? fimId.trim() : canonicalVersionUri(list) || list.shortName || 'codeliste';
  return `${safeFileNamePart(base)}_genericode.xml`;
}
