import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  visit,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { LotseError } from '../common/errors/lotse.error.js';
import { ErrorCode, ERROR_DEFAULTS } from '../common/errors/error-code.js';

export interface QueryLimits {
  maxDepth: number;
  maxComplexity: number;
  maxAliases: number;
  introspection: boolean;
}

function limitError(code: ErrorCode, message: string, details: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...details } });
}

/** Rejects documents whose selection depth (through fragments, without `__typename`-only leaves) exceeds `max`. */
export function depthLimitRule(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const depthOf = (set: SelectionSetNode | undefined, visiting: Set<string>): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const sel of set.selections) {
        let d = 0;
        if (sel.kind === Kind.FIELD) d = sel.selectionSet ? 1 + depthOf(sel.selectionSet, visiting) : 1;
        else if (sel.kind === Kind.INLINE_FRAGMENT) d = depthOf(sel.selectionSet, visiting);
        else {
          const name = sel.name.value;
          const frag = fragments.get(name);
          if (frag && !visiting.has(name)) {
            visiting.add(name);
            d = depthOf(frag.selectionSet, visiting);
            visiting.delete(name);
          }
        }
        if (d > deepest) deepest = d;
        if (deepest > max) return deepest;
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > max) {
          context.reportError(
            limitError(ErrorCode.QUERY_TOO_DEEP, `${ERROR_DEFAULTS.QUERY_TOO_DEEP.de} Erlaubt sind ${max} Ebenen.`, {
              maxDepth: max,
            }),
          );
        }
      },
    };
  };
}

/** Rejects documents with more than `max` aliased fields (alias flooding multiplies work cheaply). */
export function aliasLimitRule(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let count = 0;
    let reported = false;
    return {
      Field(node) {
        if (!node.alias) return;
        count += 1;
        if (count > max && !reported) {
          reported = true;
          context.reportError(
            limitError(
              ErrorCode.TOO_MANY_ALIASES,
              `${ERROR_DEFAULTS.TOO_MANY_ALIASES.de} Erlaubt sind ${max}.`,
              { maxAliases: max },
            ),
          );
        }
      },
    };
  };
}

/** Rejects `__schema` and `__type` when introspection is switched off (`__typename` stays allowed). */
export function noIntrospectionRule(): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        context.reportError(
          limitError(ErrorCode.INTROSPECTION_DISABLED, ERROR_DEFAULTS.INTROSPECTION_DISABLED.de, {}),
        );
      }
    },
  });
}

/**
 * What a document's estimate can depend on besides the document: the variables given to a `first` argument, or every
 * variable when a field of the schema has its own `complexity` extension (which may read any argument).
 */
interface CostInputs {
  variables: string[] | 'all';
  /** estimates already made, by the values of those variables (bounded) */
  costs: Map<string, number>;
}

const COSTS_PER_DOCUMENT = 64;
const costInputs = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, CostInputs>>();
const extendedSchemas = new WeakMap<GraphQLSchema, boolean>();

function hasComplexityExtensions(schema: GraphQLSchema): boolean {
  let found = extendedSchemas.get(schema);
  if (found === undefined) {
    found = Object.values(schema.getTypeMap()).some(
      (type) => 'getFields' in type && Object.values((type as { getFields(): Record<string, { extensions?: Record<string, unknown> }> }).getFields()).some((f) => f.extensions?.complexity !== undefined),
    );
    extendedSchemas.set(schema, found);
  }
  return found;
}

function inputsOf(schema: GraphQLSchema, document: DocumentNode): CostInputs {
  let bySchema = costInputs.get(schema);
  if (!bySchema) costInputs.set(schema, (bySchema = new WeakMap()));
  let inputs = bySchema.get(document);
  if (!inputs) {
    const names = new Set<string>();
    if (!hasComplexityExtensions(schema)) {
      visit(document, {
        Argument(node) {
          if (node.name.value === 'first' && node.value.kind === Kind.VARIABLE) names.add(node.value.name.value);
        },
      });
    }
    inputs = { variables: hasComplexityExtensions(schema) ? 'all' : [...names].sort(), costs: new Map() };
    bySchema.set(document, inputs);
  }
  return inputs;
}

/**
 * Cost estimate: each field costs 1 unless its `complexity` extension says otherwise; list fields
 * that take `first` multiply their children's cost by it. Runs before execution, when the variables are known
 * (a validation rule would need them too, and would defeat Mercurius' cache of validated documents).
 * Mercurius hands out the same parsed document for the same query text, so the estimate is kept per document and
 * the values of the variables it depends on (for submitForm: none, so its data never enters the key).
 */
export function assertComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  max: number,
  operationName?: string,
): void {
  const inputs = inputsOf(schema, document);
  const key = `${operationName ?? ''}\u0000${JSON.stringify(inputs.variables === 'all' ? (variables ?? {}) : inputs.variables.map((name) => variables?.[name] ?? null))}`;
  let cost = inputs.costs.get(key);
  if (cost === undefined) {
    cost = getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      operationName,
      estimators: [
        fieldExtensionsEstimator(),
        ({ args, childComplexity }) => {
          const first = typeof args.first === 'number' && args.first > 0 ? args.first : undefined;
          return first === undefined ? undefined : 1 + childComplexity * first;
        },
        simpleEstimator({ defaultComplexity: 1 }),
      ],
    });
    if (inputs.costs.size >= COSTS_PER_DOCUMENT) inputs.costs.clear();
    inputs.costs.set(key, cost);
  }
  if (cost > max) {
    throw new LotseError(
      ErrorCode.QUERY_TOO_COMPLEX,
      `${ERROR_DEFAULTS.QUERY_TOO_COMPLEX.de} Geschätzter Aufwand ${cost}, erlaubt sind ${max}.`,
      { cost, maxComplexity: max },
    );
  }
}

/** The static validation rules (cacheable per document). */
export function validationRules(limits: QueryLimits): ValidationRule[] {
  const rules = [depthLimitRule(limits.maxDepth), aliasLimitRule(limits.maxAliases)];
  if (!limits.introspection) rules.push(noIntrospectionRule());
  return rules;
}

/** How every JSON text begins: an object (`{` then `"` or `}`), an array, a string, a number, or a literal alone. */
const MAYBE_JSON = /^[\s]*(?:\{[\s]*["}]|[["\-0-9]|(?:true|false|null)[\s]*$)/;

/**
 * A GraphQL document is never valid JSON (GraphQL has no quoted keys). Mercurius falls back to reading an
 * unparsable source as a JSON AST, which would let clients send arbitrary, unchecked syntax trees.
 */
export function rejectJsonDocuments(source: string): void {
  let json = false;
  // only a text that starts as JSON can be JSON; JSON.parse throwing on every GraphQL document cost more than the check
  if (MAYBE_JSON.test(source)) {
    try {
      JSON.parse(source);
      json = true;
    } catch {
      // not JSON: the normal case
    }
  }
  if (json) {
    throw new LotseError(ErrorCode.GRAPHQL_PARSE_FAILED, undefined, { reason: 'The query must be a GraphQL document.' });
  }
}
