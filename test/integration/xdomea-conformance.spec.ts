/**
 * The xdomea 3.0.0 validator against the official XSDs and a real 0503 message (lavnrw/xdomea-examples) from
 * ../shared/reference/xdomea (or LOTSE_REFERENCE_DIR), which is never committed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/common/project-root.js';
import { loadXdomeaSchemas, validateXdomea } from '../../src/archive/xdomea-schema.js';
import { readIncoming } from '../../src/archive/xdomea.parser.js';

const XDOMEA = join(process.env.LOTSE_REFERENCE_DIR ?? join(projectRoot(), '..', 'shared', 'reference'), 'xdomea');
const available = existsSync(join(XDOMEA, 'xsd-3.0.0', 'xdomea-Nachrichten-AussonderungDurchfuehren.xsd')) && existsSync(join(XDOMEA, 'samples'));
const suite = available ? describe : describe.skip;
if (!available) console.log(`[lotse] xdomea conformance tests skipped: no xdomea reference files in ${XDOMEA} (set LOTSE_REFERENCE_DIR)`);

suite('xdomea 3.0.0 conformance', () => {
  const sample = () => readFileSync(join(XDOMEA, 'samples', readdirSync(join(XDOMEA, 'samples')).find((f) => f.endsWith('0503.xml'))!), 'utf8');

  it('accepts the real 0503 sample and reads its ProzessID', async () => {
    const xml = sample();
    expect(await validateXdomea(xml, XDOMEA)).toEqual({ valid: true, errors: [] });
    expect(readIncoming(xml, ['0503'])).toMatchObject({ code: '0503', processId: '9fde4e7a-b41b-11ec-9225-005056871b7c' });
  });

  it('rejects the same message with a broken element, naming it', async () => {
    const result = await validateXdomea(sample().replace('<xdomea:Importbestaetigung>1</xdomea:Importbestaetigung>', '<xdomea:Importbestaetigung>0</xdomea:Importbestaetigung>'), XDOMEA);
    expect(result.valid).toBe(false);
    expect(result.errors[0].message).toContain('Importbestaetigung');
  });

  it('refuses to validate without the schema folder', () => {
    expect(() => loadXdomeaSchemas(undefined)).toThrow(expect.objectContaining({ code: 'ARCHIVE_SCHEMA_UNAVAILABLE' }));
    expect(() => loadXdomeaSchemas(join(XDOMEA, 'nowhere'))).toThrow(expect.objectContaining({ code: 'ARCHIVE_SCHEMA_UNAVAILABLE' }));
  });
});
