import { GraphQLSchemaHost } from '@nestjs/graphql';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { unguardedRootFields } from '../../src/common/auth/guarded-fields.js';
import { startTestApp, type TestApp } from '../support/app.js';

describe('every root field declares who may call it', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('finds no unguarded Query, Mutation or Subscription field in the application schema', () => {
    const { schema } = t.app.get(GraphQLSchemaHost);
    const rootFieldCount = Object.keys(schema.getQueryType()?.getFields() ?? {}).length;
    expect(rootFieldCount).toBeGreaterThan(0);
    expect(unguardedRootFields(schema)).toEqual([]);
  });

  it('would report a field without @Public() or a permission', () => {
    const schema = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: {
          open: { type: GraphQLString, extensions: { access: 'PUBLIC' } },
          forgotten: { type: GraphQLString },
        },
      }),
      mutation: new GraphQLObjectType({
        name: 'Mutation',
        fields: { alsoForgotten: { type: GraphQLString } },
      }),
    });
    expect(unguardedRootFields(schema)).toEqual(['Query.forgotten', 'Mutation.alsoForgotten']);
  });
});
