import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { projectRoot } from '../../src/common/project-root.js';
import { startTestApp, type TestApp } from '../support/app.js';

describe('committed GraphQL SDL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('is what the running application serves (run `npm run codegen` after changing the API)', async () => {
    const committed = await readFile(join(projectRoot(), 'src', 'generated', 'schema.gql'), 'utf8');
    const live = printSchema(lexicographicSortSchema(t.app.get(GraphQLSchemaHost).schema));
    expect(committed.replace(/^#.*\n/gm, '').trim()).toBe(live.trim());
  });
});
