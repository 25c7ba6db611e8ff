import safeRegex from 'safe-regex2';
import { pointerSegment } from '../common/json-pointer.js';

/**
 * Why a `pattern` is unacceptable, or undefined when it is fine: it must compile as a Unicode regular
 * expression (as ajv and browsers use it) and must not allow catastrophic backtracking (nested quantifiers).
 */
export function unsafePatternReason(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'u');
  } catch (error) {
    return `Der reguläre Ausdruck ist ungültig: ${(error as Error).message}`;
  }
  if (!safeRegex(pattern)) {
    return 'Der reguläre Ausdruck kann katastrophales Backtracking auslösen (verschachtelte Wiederholungen); bitte vereinfachen.';
  }
  return undefined;
}

/** Every `pattern` keyword (a string) in a JSON document, with its JSON pointer. */
export function findPatterns(node: unknown, pointer = ''): Array<{ pointer: string; pattern: string }> {
  if (Array.isArray(node)) return node.flatMap((item, i) => findPatterns(item, `${pointer}/${i}`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) => {
    const here = `${pointer}/${pointerSegment(key)}`;
    const own = key === 'pattern' && typeof value === 'string' ? [{ pointer: here, pattern: value }] : [];
    const patternKeys =
      key === 'patternProperties' && value && typeof value === 'object'
        ? Object.keys(value).map((p) => ({ pointer: here, pattern: p }))
        : [];
    return [...own, ...patternKeys, ...findPatterns(value, here)];
  });
}
