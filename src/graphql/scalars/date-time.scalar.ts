import { GraphQLScalarType, Kind } from 'graphql';
import { badUserInput } from '../../common/errors/lotse.error.js';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parse(value: unknown): Date {
  const date = typeof value === 'string' && ISO_INSTANT.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    const shown = typeof value === 'string' ? value.slice(0, 60) : typeof value;
    throw badUserInput(
      `„${shown}“ ist kein gültiger Zeitpunkt. Erwartet wird ISO 8601 mit Zeitzone, z. B. 2026-11-28T09:30:00+01:00.`,
      { argumentType: 'DateTime' },
    );
  }
  return date;
}

/** An instant in ISO 8601 with an explicit offset; served in UTC (`…Z`). Bad input is BAD_USER_INPUT. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant in ISO 8601 with a time zone offset, e.g. 2026-11-28T09:30:00+01:00; served in UTC.',
  serialize: (value) => (value instanceof Date ? value : new Date(String(value))).toISOString(),
  parseValue: parse,
  parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
});
