/**
 * Imports, in the bench process itself (no HTTP, no database):
 *   - throughput of the whole XDatenfelder pipeline (safe reading, format detection, parsing into the IR, code list,
 *     mapping to a form) on a generated xdf2 schema of about the size of the real Bewohnerparkausweis export,
 *     against fast-xml-parser parsing the same text with no checks at all (the baseline);
 *   - how long hostile files take to be refused, against fast-xml-parser parsing a harmless file of the same size,
 *     and the memory they leave behind.
 */
import { XMLParser } from 'fast-xml-parser';
import { readImportInput } from '../src/interop/format-detect.js';
import { ImportRejectedError } from '../src/interop/import.problems.js';
import { DEFAULT_XML_LIMITS } from '../src/interop/xml/safe-xml.js';
import { prepareXdfForm } from '../src/interop/xdf/xdf-import.js';
import { BILLION_LAUGHS, TEST_GENERICODE, xdf2TestFields, xdf2TestSchema } from '../test/support/xdf-fixtures.js';
import { rate } from './measure.js';

export interface ImportBench {
  schemaBytes: number;
  importsPerSecond: number;
  plainParsesPerSecond: number;
  ratioImport: number;
  attacks: Array<{ name: string; bytes: number; code: string; refuseMs: number; plainParseMs: number; ratio: number }>;
  /** Around the refusals of the hostile files (five of each). */
  rssBeforeMiB: number;
  rssAfterMiB: number;
}

/** Median time of `runs` calls, in ms. */
function median(runs: number, run: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

function refusalCode(text: string): string {
  try {
    readImportInput(text, 'AUTO', DEFAULT_XML_LIMITS);
  } catch (error) {
    if (error instanceof ImportRejectedError) return error.problems[0].code;
    throw error;
  }
  return 'ACCEPTED';
}

/** A harmless document of about `bytes` bytes: many small elements. */
const harmless = (bytes: number) => `<a>${'<b>text</b>'.repeat(Math.ceil(bytes / 11))}</a>`;

export async function importBench(seconds: number): Promise<ImportBench> {
  const rss = () => +(process.memoryUsage().rss / 2 ** 20).toFixed(1);
  const schema = xdf2TestSchema({ extraXml: xdf2TestFields(60) });
  const options = { lenient: true, codeListTexts: [TEST_GENERICODE], limits: DEFAULT_XML_LIMITS, formId: () => 'bench', version: '1.0', owner: 'bench' };
  const probe = readImportInput(schema, 'AUTO');
  const prepared = await prepareXdfForm(schema, probe.root!, 'XDATENFELDER_2', options);
  if (!prepared.form) throw new Error(`the bench schema does not import: ${JSON.stringify(prepared.errors.slice(0, 3))}`);

  const plain = new XMLParser({ ignoreAttributes: false });
  const plainParsesPerSecond = await rate(seconds, () => plain.parse(schema));
  const importsPerSecond = await rate(seconds, async () => {
    const input = readImportInput(schema, 'AUTO');
    await prepareXdfForm(schema, input.root!, 'XDATENFELDER_2', options);
  });

  const limit = DEFAULT_XML_LIMITS.maxBytes;
  const attacks = [
    { name: 'billion laughs', text: BILLION_LAUGHS },
    { name: 'external entity', text: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' },
    { name: '100,000-deep nesting', text: `<a>${'<b>'.repeat(100_000)}${'</b>'.repeat(100_000)}</a>` },
    { name: 'huge numeric reference', text: `<a>&#${'9'.repeat(100_000)};</a>` },
    { name: '5 MB + 1 byte', text: `<a>${' '.repeat(limit - 7 + 1)}</a>` },
    // within the size limit, so the limit on references refuses it
    { name: 'numeric-reference flood (900,000 × &#65;)', text: `<a>${'&#65;'.repeat(900_000)}</a>` },
  ];
  // refusals first, so the memory they leave behind is not mixed up with the baseline's
  const rssBeforeMiB = rss();
  const refused = attacks.map(({ name, text }) => ({ name, text, code: refusalCode(text), refuseMs: median(5, () => refusalCode(text)) }));
  const rssAfterMiB = rss();
  const results = refused.map(({ name, text, code, refuseMs }) => {
    const bytes = Buffer.byteLength(text);
    const same = harmless(Math.min(bytes, limit));
    const plainParseMs = median(5, () => plain.parse(same));
    return { name, bytes, code, refuseMs: +refuseMs.toFixed(2), plainParseMs: +plainParseMs.toFixed(2), ratio: +(refuseMs / plainParseMs).toFixed(3) };
  });
  return {
    schemaBytes: Buffer.byteLength(schema),
    importsPerSecond: Math.round(importsPerSecond),
    plainParsesPerSecond: Math.round(plainParsesPerSecond),
    ratioImport: +(importsPerSecond / plainParsesPerSecond).toFixed(3),
    attacks: results,
    rssBeforeMiB,
    rssAfterMiB,
  };
}
