import { ErrorCode } from './errors/error-code.js';
import { LotseError } from './errors/lotse.error.js';

/** How deep and how large a JSON value from a client may be (JSON_MAX_DEPTH, JSON_MAX_NODES). */
export interface JsonLimits {
  /** Deepest nesting of objects and arrays: `{}` and `[]` are depth 1, a scalar depth 0. */
  maxDepth: number;
  /** Most values in one argument: every object, array and scalar counts once. */
  maxNodes: number;
}

export const DEFAULT_JSON_LIMITS: Readonly<JsonLimits> = { maxDepth: 64, maxNodes: 100_000 };

let current: JsonLimits = { ...DEFAULT_JSON_LIMITS };

/** Set once at start from the configuration; every walker below and the JSON scalar read it. */
export function setJsonLimits(limits: JsonLimits): void {
  current = { ...limits };
}

export const jsonLimits = (): Readonly<JsonLimits> => current;

export const inputTooDeep = (maxDepth: number) =>
  new LotseError(ErrorCode.INPUT_TOO_DEEP, `Die Eingabe ist zu tief verschachtelt: erlaubt sind höchstens ${maxDepth} Ebenen.`, { maxDepth });

export const inputTooLarge = (maxNodes: number) =>
  new LotseError(ErrorCode.INPUT_TOO_LARGE, `Die Eingabe enthält zu viele Werte: erlaubt sind höchstens ${maxNodes}.`, { maxNodes });

/**
 * Refuses a value nested deeper than `maxDepth` (INPUT_TOO_DEEP) or with more than `maxNodes` values
 * (INPUT_TOO_LARGE). Iterative (an explicit stack), so it never overflows however deep the value is, and it stops at
 * the first value over a limit, so its work is bounded by the limits, not by the input.
 */
export function assertJsonBounds(value: unknown, limits: Readonly<JsonLimits> = current): void {
  const stack: Array<[unknown, number]> = [[value, 0]];
  let nodes = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (++nodes > limits.maxNodes) throw inputTooLarge(limits.maxNodes);
    if (node === null || typeof node !== 'object') continue;
    const inner = depth + 1;
    if (inner > limits.maxDepth) throw inputTooDeep(limits.maxDepth);
    if (Array.isArray(node)) {
      if (nodes + stack.length + node.length > limits.maxNodes) throw inputTooLarge(limits.maxNodes);
      for (const child of node) stack.push([child, inner]);
    } else {
      for (const key in node) {
        if (Object.prototype.hasOwnProperty.call(node, key)) stack.push([(node as Record<string, unknown>)[key], inner]);
      }
    }
    // a sibling list longer than the rest of the budget is refused before it is walked
    if (nodes + stack.length > limits.maxNodes) throw inputTooLarge(limits.maxNodes);
  }
}

/** For recursive walkers over client data: throws INPUT_TOO_DEEP once `depth` passes the limit, long before the stack runs out. */
export function guardDepth(depth: number): void {
  if (depth > current.maxDepth) throw inputTooDeep(current.maxDepth);
}
