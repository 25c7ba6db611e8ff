import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { assertJsonBounds, inputTooDeep, inputTooLarge, jsonLimits } from '../../common/json-bounds.js';

/**
 * A literal written into the document. Depth and count are checked on the way down, so the recursion is bounded by
 * JSON_MAX_DEPTH whatever the document holds; the result (which may contain variables) is checked as a whole.
 */
function fromLiteral(ast: ValueNode, variables: Record<string, unknown> | null | undefined, depth: number, count: { nodes: number }): unknown {
  const limits = jsonLimits();
  if (++count.nodes > limits.maxNodes) throw inputTooLarge(limits.maxNodes);
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      if (depth + 1 > limits.maxDepth) throw inputTooDeep(limits.maxDepth);
      return ast.values.map((v) => fromLiteral(v, variables, depth + 1, count));
    case Kind.OBJECT:
      if (depth + 1 > limits.maxDepth) throw inputTooDeep(limits.maxDepth);
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, fromLiteral(f.value, variables, depth + 1, count)]));
    case Kind.VARIABLE:
      return variables ? variables[ast.name.value] : undefined;
    default:
      return undefined;
  }
}

/**
 * Any JSON value (objects, arrays, strings, numbers, booleans, null), refused before anything recurses over it when
 * nested deeper than JSON_MAX_DEPTH (INPUT_TOO_DEEP) or made of more than JSON_MAX_NODES values (INPUT_TOO_LARGE).
 */
export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value (at most JSON_MAX_DEPTH levels deep and JSON_MAX_NODES values).',
  serialize: (value) => value,
  parseValue: (value) => {
    assertJsonBounds(value);
    return value;
  },
  parseLiteral: (ast, variables) => {
    const value = fromLiteral(ast, variables, 0, { nodes: 0 });
    assertJsonBounds(value);
    return value;
  },
});
