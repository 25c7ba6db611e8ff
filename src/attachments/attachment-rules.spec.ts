import type { FormSchemaNode } from '../forms/form.types.js';
import { attachmentFields, attachmentRefs, attachmentRuleProblems, rulesOf, withAttachmentRules } from './attachment-rules.js';

const file = (extra: Record<string, unknown> = {}, props: Record<string, unknown> = {}): FormSchemaNode => ({
  type: 'object',
  'x-widget': 'attachment',
  properties: { attachmentId: { type: 'string', maxLength: 36 }, fileName: { type: 'string', maxLength: 255 }, ...props },
  ...extra,
});

const schema = (properties: Record<string, FormSchemaNode>): FormSchemaNode => ({ type: 'object', properties });

describe('x-attachment', () => {
  it('fills defaults from the field itself, then PDF/JPEG/PNG, 10 MB, one file (or maxItems)', () => {
    expect(rulesOf(file())).toEqual({ mediaTypes: ['application/pdf', 'image/jpeg', 'image/png'], maxBytes: 10485760, maxFiles: 1 });
    expect(rulesOf(file({}, { mediaType: { enum: ['application/pdf'] }, size: { maximum: 20971520 } }))).toEqual({ mediaTypes: ['application/pdf'], maxBytes: 20971520, maxFiles: 1 });
    expect(rulesOf(file(), 5).maxFiles).toBe(5);
    expect(rulesOf(file({ 'x-attachment': { mediaTypes: ['image/png'], maxBytes: 1000, maxFiles: 3 } }), 5)).toEqual({ mediaTypes: ['image/png'], maxBytes: 1000, maxFiles: 3 });
  });

  it('finds fields through objects and arrays, and the references in data', () => {
    const s = schema({ a: file(), liste: { type: 'array', maxItems: 3, items: file() }, p: { type: 'object', properties: { n: file() } } });
    expect([...attachmentFields(s).keys()]).toEqual(['/a', '/liste/*', '/p/n']);
    const refs = attachmentRefs(s, { a: { attachmentId: 'x' }, liste: [{ attachmentId: 'y' }, { attachmentId: 'z' }], p: {} });
    expect(refs.map((r) => [r.pointer, r.field.key])).toEqual([['/a', '/a'], ['/liste/0', '/liste/*'], ['/liste/1', '/liste/*']]);
    const served = withAttachmentRules(s);
    expect(served.properties!.liste.items!['x-attachment']).toEqual({ mediaTypes: ['application/pdf', 'image/jpeg', 'image/png'], maxBytes: 10485760, maxFiles: 3 });
    expect(s.properties!.a['x-attachment']).toBeUndefined(); // the input is not changed
  });

  it('finds references at any depth in data order, skipping empty fields and data no field describes', () => {
    const s = schema({ gruppen: { type: 'array', items: { type: 'object', properties: { belege: { type: 'array', items: file() } } } }, a: file() });
    const data = { x: { attachmentId: 'not a field' }, gruppen: [{ belege: [{ attachmentId: 'p' }, null] }, {}, { belege: [{ attachmentId: 'q' }] }], a: null };
    expect(attachmentRefs(s, data).map((r) => [r.pointer, r.field.key, r.value])).toEqual([
      ['/gruppen/0/belege/0', '/gruppen/*/belege/*', { attachmentId: 'p' }],
      ['/gruppen/2/belege/0', '/gruppen/*/belege/*', { attachmentId: 'q' }],
    ]);
    expect(attachmentRefs(s, 'text')).toEqual([]);
  });

  it('walks each schema once and never answers for another', () => {
    const one = schema({ a: file() });
    const other = schema({ b: file(), c: file() });
    expect(attachmentFields(one)).toBe(attachmentFields(one));
    expect([...attachmentFields(other).keys()]).toEqual(['/b', '/c']);
    expect([...attachmentFields(schema({})).keys()]).toEqual([]);
    expect(attachmentRefs(schema({}), { a: { attachmentId: 'x' } })).toEqual([]);
  });

  it('reports what catalog:check must refuse, with schema pointers', () => {
    const problems = attachmentRuleProblems(
      schema({
        ok: file({ 'x-attachment': { mediaTypes: ['application/pdf'], maxBytes: 1000 } }),
        kein: { type: 'string', maxLength: 3, 'x-attachment': { maxBytes: 1 } },
        typ: file({ 'x-attachment': { mediaTypes: ['image/gif', 'image/png', 'image/png'], extra: 1 } }),
        viele: file({ 'x-attachment': { maxFiles: 2, maxBytes: 0 } }),
        liste: { type: 'array', maxItems: 5, items: file({ 'x-attachment': { maxFiles: 2 } }) },
        offen: { type: 'array', items: file() },
        weit: file({ 'x-attachment': { mediaTypes: ['application/pdf'], maxBytes: 100 } }, { mediaType: { enum: ['application/pdf', 'image/png'] }, size: { maximum: 200 } }),
      }),
    );
    expect(problems.map(([pointer]) => pointer)).toEqual([
      '/properties/kein/x-attachment',
      '/properties/typ/x-attachment/extra',
      '/properties/typ/x-attachment/mediaTypes/0',
      '/properties/typ/x-attachment/mediaTypes',
      '/properties/viele/x-attachment/maxBytes',
      '/properties/viele/x-attachment/maxFiles',
      '/properties/liste/maxItems',
      '/properties/offen',
      '/properties/weit/properties/mediaType/enum',
      '/properties/weit/properties/size/maximum',
    ]);
  });
});
