import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogSyncService } from '../../src/catalog/catalog-sync.service.js';
import { projectRoot } from '../../src/common/project-root.js';
import { attachmentRefs } from '../../src/attachments/attachment-rules.js';
import { submitExample } from '../../src/attachments/example-submission.js';
import type { FormSchemaNode } from '../../src/forms/form.types.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { withClient } from '../support/postgres.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CATALOG = join(projectRoot(), 'catalog');
const examples = readdirSync(join(CATALOG, 'forms')).flatMap((formId) => {
  const dir = join(CATALOG, 'forms', formId);
  const form = JSON.parse(readFileSync(join(dir, readdirSync(dir).filter((f) => f.endsWith('.json')).sort().pop()!), 'utf8')) as Json;
  const names = readdirSync(join(dir, 'examples')).filter((f) => f.startsWith('valid-'));
  return names.map((name) => ({ formId, name, form, example: JSON.parse(readFileSync(join(dir, 'examples', name), 'utf8')) as Json }));
}).filter(({ form, example }) => attachmentRefs(form.schema as FormSchemaNode, example.data).length > 0);

/** Date bounds are relative to the day of submission; an example pins its own `today`, which a live submission cannot. */
const DATE_KEYWORDS = new Set(['formatMinimum', 'formatMaximum']);

describe('the shipped examples with attachments, submitted as a portal would (uploads first)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { SUBMIT_RATE_LIMIT_PER_HOUR: '1000', ATTACHMENT_RATE_LIMIT_PER_HOUR: '10000' } });
    await t.app.get(CatalogSyncService).sync(CATALOG);
  }, 120_000);
  afterAll(() => t.close());

  it('has examples with attachments', () => expect(examples.length).toBeGreaterThanOrEqual(8));

  it.each(examples.map((e) => [`${e.formId}/${e.name}`, e] as const))('%s: every attachment object is uploaded and accepted', async (_name, { form, example }) => {
    const { uploads, result } = await submitExample(t.baseUrl, form as { id: string; version: string; schema: unknown }, example.data);
    expect(uploads.length).toBe(attachmentRefs(form.schema as FormSchemaNode, example.data).length);
    if (result.__typename === 'SubmissionReceipt') {
      const bound = await withClient(t.databaseUrl, (c) => c.query('select count(*)::int as n from attachment a join submission s on s.id = a.submission_id where s.reference_number = $1', [result.referenceNumber]));
      expect(bound.rows[0].n).toBe(uploads.length);
    } else {
      // only relative date bounds may differ from the example's pinned day; never an attachment
      const errors = (result.errors as Json[]).filter((e) => !DATE_KEYWORDS.has(e.keyword));
      expect(errors).toEqual([]);
    }
  });
});
