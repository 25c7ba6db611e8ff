import fc from 'fast-check';
import { checkCatalogDir, codeListsOf, defaultCatalogDir, type FullCheck } from '../../src/catalog/catalog.check.js';
import type { CodeListFile } from '../../src/catalog/catalog.types.js';
import { canonicalJson, sha256Hex } from '../../src/common/canonical-json.js';
import { latestVersions } from '../../src/forms/form.checker.js';
import { publishSchema, validationSchema } from '../../src/forms/form-schema.js';
import { CompiledForm, createFormAjv } from '../../src/forms/form-validator.js';
import type { FormSchemaNode } from '../../src/forms/form.types.js';
import { buildMessage } from '../../src/xoev/message.builder.js';
import { parseMessage } from '../../src/xoev/message.parser.js';
import { messageSchemas } from '../../src/xoev/message-schemas.js';
import { validateAgainstXsd } from '../../src/xoev/xml-validator.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const PER_FORM = 200;
const TODAY = '2026-11-25';

/** An arbitrary for one leaf value of the schema (strings with umlauts, emoji and XML's special characters). */
function leafArbitrary(node: FormSchemaNode): fc.Arbitrary<unknown> | undefined {
  if (Array.isArray(node.enum)) return fc.constantFrom(...node.enum);
  if (node.const !== undefined) return undefined;
  const type = Array.isArray(node.type) ? node.type[0] : node.type;
  if (type === 'boolean') return fc.boolean();
  if (type === 'integer') return fc.integer({ min: typeof node.minimum === 'number' ? node.minimum : -1000, max: typeof node.maximum === 'number' ? node.maximum : 100000 });
  if (type === 'number') return fc.integer({ min: 0, max: 10_000_000 }).map((n) => n / 100);
  if (type !== 'string' || node.format || node['x-format']) return undefined;
  const max = Math.min(typeof node.maxLength === 'number' ? node.maxLength : 60, 60);
  if (typeof node.pattern === 'string') return fc.stringMatching(new RegExp(node.pattern, 'u')).filter((s) => s.length <= max);
  const special = fc.constantFrom('<', '>', '&', '"', "'", ']]>', '-->', 'ä', 'ß', 'Ł', 'ẞ', '😀', ' ', '\n', 'é');
  return fc
    .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 4 }), special), { maxLength: 8 })
    .map((parts) => {
      const min = typeof node.minLength === 'number' ? node.minLength : 0;
      const text = parts.join('').slice(0, max);
      return text.length < min ? text + 'x'.repeat(min - text.length) : text;
    });
}

/** Valid examples with their leaves replaced at random: every candidate the validator accepts is kept. */
function mutations(schema: FormSchemaNode, base: Json): fc.Arbitrary<Json> {
  const walk = (node: FormSchemaNode, value: Json): fc.Arbitrary<Json> => {
    if (Array.isArray(value) && node.items) return fc.tuple(...value.map((v) => walk(node.items!, v))) as fc.Arbitrary<Json>;
    if (value && typeof value === 'object' && node.properties) {
      const entries = Object.entries(value).map(([k, v]) => {
        const child = node.properties![k];
        return [k, child && typeof child === 'object' ? walk(child, v) : fc.constant(v)] as const;
      });
      return fc.record(Object.fromEntries(entries));
    }
    const leaf = leafArbitrary(node);
    return leaf ? fc.oneof({ arbitrary: fc.constant(value), weight: 1 }, { arbitrary: leaf, weight: 3 }) : fc.constant(value);
  };
  return walk(schema, base);
}

describe('XÖV round trip for generated submissions', () => {
  let check: FullCheck;
  let codeLists: Map<string, CodeListFile>;
  beforeAll(async () => {
    check = await checkCatalogDir(defaultCatalogDir());
    codeLists = codeListsOf(check.catalog);
  });

  it(`exports ${PER_FORM} valid generated payloads per form to valid messages that parse back to the same JSON`, async () => {
    const ajv = createFormAjv();
    for (const { data: file } of latestVersions(check.catalog.forms.values()).values()) {
      const published = publishSchema(file.schema as FormSchemaNode, codeLists);
      const compiled = new CompiledForm(ajv.compile(validationSchema(published, TODAY)), published, file.title);
      const bases = [...check.catalog.formExamples].filter(([p]) => p.startsWith(`forms/${file.id}/examples/valid-`)).map(([, e]) => e.data.data);
      const payloads: Json[] = [];
      const seen = new Set<string>();
      for (let round = 0; payloads.length < PER_FORM && round < 40; round++) {
        for (const base of bases) {
          for (const candidate of fc.sample(mutations(published, base), { numRuns: 50, seed: round * 7919 + bases.indexOf(base) })) {
            const key = canonicalJson(candidate);
            if (seen.has(key)) continue;
            const outcome = compiled.check(candidate, 'de');
            if (!outcome.valid) {
              if (process.env.DEBUG_ROUNDTRIP) console.log(file.id, outcome.errors.map((e) => `${e.field} ${e.keyword}`).join(', '));
              continue;
            }
            seen.add(key);
            payloads.push(candidate);
          }
        }
      }
      expect([file.id, payloads.length >= PER_FORM]).toEqual([file.id, true]);
      const messages = payloads.slice(0, PER_FORM).map((data, i) => {
        const xml = buildMessage({
          uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          createdAt: new Date('2026-11-25T10:00:00Z'),
          product: { name: 'Lotse', vendor: 'Lotse-Projekt', version: 'test' },
          test: true,
          leser: { kennung: '03453', name: 'Landkreis', verzeichnisdienst: '', verzeichnisdienstVersion: '' },
          autor: { kennung: 'lotse', name: 'Lotse', verzeichnisdienst: '', verzeichnisdienstVersion: '' },
          referenceNumber: 'CLP-2026-000001-0',
          formId: file.id,
          formVersion: file.version,
          serviceId: file.serviceId!,
          submittedAt: new Date('2026-11-25T09:00:00Z'),
          language: 'de',
          sha256: sha256Hex(canonicalJson(data)),
          published,
          data,
        });
        expect([file.id, canonicalJson(parseMessage(xml, published).data)]).toEqual([file.id, canonicalJson(data)]);
        return xml;
      });
      const result = await validateAgainstXsd(messages, messageSchemas(file.id, file.version, published));
      expect([file.id, result.errors.slice(0, 3).map((e) => e.message)]).toEqual([file.id, []]);
    }
  }, 300_000);
});
