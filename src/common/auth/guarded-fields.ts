import type { GraphQLSchema } from 'graphql';

/**
 * Root fields (Query, Mutation, Subscription) that declare neither `@Public()` nor `@RequirePermission()`.
 * Both decorators write an `access` extension onto the field, which this reads.
 */
export function unguardedRootFields(schema: GraphQLSchema): string[] {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
  return roots.flatMap((type) =>
    type
      ? Object.values(type.getFields())
          .filter((field) => typeof field.extensions?.access !== 'string')
          .map((field) => `${type.name}.${field.name}`)
      : [],
  );
}
