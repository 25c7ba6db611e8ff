import { Kind, parse } from 'graphql';

/** Marks a request whose body was let past BODY_LIMIT_BYTES (an import), to be checked again once parsed. */
export const LARGE_BODY = Symbol('lotse.largeBody');

/** The only root field that may come with a large body. */
const LARGE_OPERATIONS = new Set(['importDefinitions']);

/**
 * The `query` of a JSON body from its beginning, when the whole string is there (`undefined` otherwise). Only a
 * top-level `"query"` key right after the opening brace or after another top-level string member is looked for; a
 * body with the query after large variables is not recognised (and so keeps the small limit).
 */
export function queryInPrefix(prefix: string): string | undefined {
  const match = /^\s*\{\s*(?:"(?:operationName)"\s*:\s*(?:null|"(?:[^"\\]|\\.)*")\s*,\s*)?"query"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(prefix);
  if (!match) return undefined;
  try {
    const query = JSON.parse(match[1]) as unknown;
    return typeof query === 'string' ? query : undefined;
  } catch {
    return undefined; // a broken string: not an import, the small limit applies
  }
}

/**
 * Whether every operation of the document is a mutation that selects only `importDefinitions` (no fragments, no other
 * root field), so that a large body cannot carry any other operation.
 */
export function isImportOnly(query: string): boolean {
  let document;
  try {
    document = parse(query, { noLocation: true, maxTokens: 2000 });
  } catch {
    return false; // not a document the large limit is meant for
  }
  return (
    document.definitions.length > 0 &&
    document.definitions.every(
      (d) =>
        d.kind === Kind.OPERATION_DEFINITION &&
        d.operation === 'mutation' &&
        d.selectionSet.selections.length > 0 &&
        d.selectionSet.selections.every((s) => s.kind === Kind.FIELD && LARGE_OPERATIONS.has(s.name.value)),
    )
  );
}
