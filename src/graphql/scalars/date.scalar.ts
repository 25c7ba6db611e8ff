import { GraphQLScalarType, Kind } from 'graphql';
import { badUserInput } from '../../common/errors/lotse.error.js';

function parse(value: unknown): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const date = new Date(`${value}T00:00:00Z`);
    if (!Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)) return value;
  }
  throw badUserInput(`„${typeof value === 'string' ? value.slice(0, 40) : typeof value}“ ist kein gültiges Datum (JJJJ-MM-TT).`, { argumentType: 'Date' });
}

/** A calendar date, YYYY-MM-DD. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD.',
  serialize: (value) => String(value),
  parseValue: parse,
  parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
});
