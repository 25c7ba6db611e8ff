import { ErrorCode } from '../common/errors/error-code.js';
import { LotseError } from '../common/errors/lotse.error.js';
import { checkFileName, FileInspector } from './file-inspector.js';
import { sampleFile } from './sample-files.js';

const ALL = { mediaTypes: ['application/pdf', 'image/jpeg', 'image/png'], maxBytes: 50 * 1024 * 1024 };

async function* chunks(bytes: Buffer, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Runs the inspector over `bytes` cut into `size`-byte chunks; answers the result or the refusal code. */
async function inspect(bytes: Buffer, size = 65536, name = 'datei', declared?: string, rules = ALL): Promise<string> {
  const inspector = new FileInspector(rules, name, declared);
  let seen = 0;
  try {
    for await (const chunk of inspector.inspect(chunks(bytes, size))) seen += chunk.length;
  } catch (error) {
    return (error as LotseError).code;
  }
  expect(seen).toBe(bytes.length);
  return `${inspector.result!.mediaType} ${inspector.result!.size}`;
}

describe('FileInspector', () => {
  const pdf = sampleFile('application/pdf', 30_000);
  const png = sampleFile('image/png', 20_000);
  const jpeg = sampleFile('image/jpeg', 150_000);

  it.each([1, 7, 4096, 65536])('accepts PDF, PNG and JPEG cut into %i-byte chunks', async (size) => {
    expect(await inspect(pdf, size)).toBe('application/pdf 30000');
    expect(await inspect(png, size)).toBe('image/png 20000');
    expect(await inspect(jpeg, size)).toBe('image/jpeg 150000');
  });

  it('refuses truncated, corrupted and oversized images whatever the chunking', async () => {
    for (const size of [1, 13, 65536]) {
      expect(await inspect(png.subarray(0, png.length - 5), size)).toBe(ErrorCode.FILE_MALFORMED);
      expect(await inspect(Buffer.concat([png, Buffer.from('x')]), size)).toBe(ErrorCode.FILE_MALFORMED);
      expect(await inspect(jpeg.subarray(0, jpeg.length - 1), size)).toBe(ErrorCode.FILE_MALFORMED);
      expect(await inspect(sampleFile('image/png', undefined, { width: 8000, height: 7000 }), size)).toBe(ErrorCode.FILE_MALFORMED);
    }
    const justUnder = sampleFile('image/jpeg', undefined, { width: 7000, height: 7000 }); // 49 megapixels
    expect(await inspect(justUnder)).toBe(`image/jpeg ${justUnder.length}`);
    expect(await inspect(sampleFile('image/jpeg', undefined, { width: 7072, height: 7072 }))).toBe(ErrorCode.FILE_MALFORMED); // 50.01 megapixels
  });

  it('stops at the size limit and tells empty, encrypted and broken PDFs apart', async () => {
    expect(await inspect(pdf, 1000, 'a.pdf', undefined, { ...ALL, maxBytes: 29_999 })).toBe(ErrorCode.FILE_TOO_LARGE);
    expect(await inspect(pdf, 1000, 'a.pdf', undefined, { ...ALL, maxBytes: 30_000 })).toBe('application/pdf 30000');
    expect(await inspect(Buffer.alloc(0))).toBe(ErrorCode.FILE_EMPTY);
    expect(await inspect(sampleFile('application/pdf', undefined, { encrypted: true }))).toBe(ErrorCode.FILE_ENCRYPTED);
    expect(await inspect(pdf.subarray(0, 20_000))).toBe(ErrorCode.FILE_MALFORMED);
    // a file of digits stays linear (no backtracking): 5 MB of '0' after a PDF header
    const digits = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(5 * 1024 * 1024, '0')]);
    const started = Date.now();
    expect(await inspect(digits)).toBe(ErrorCode.FILE_MALFORMED);
    expect(Date.now() - started).toBeLessThan(10_000); // generous: quadratic scanning took minutes
  });

  it('decides the type by the bytes, and checks the declared type and the extension against them', async () => {
    expect(await inspect(png, 65536, 'foto.png', 'image/png', { ...ALL, mediaTypes: ['application/pdf'] })).toBe(ErrorCode.MEDIA_TYPE_NOT_ALLOWED);
    expect(await inspect(Buffer.from('nur Text, kein PDF'), 65536, 'a.pdf')).toBe(ErrorCode.MEDIA_TYPE_NOT_ALLOWED);
    expect(await inspect(Buffer.from('%PDF-1.7 und sonst nichts'), 65536, 'a.pdf')).toBe(ErrorCode.FILE_MALFORMED);
    expect(await inspect(jpeg, 65536, 'foto.png')).toBe(ErrorCode.MEDIA_TYPE_MISMATCH);
    expect(await inspect(jpeg, 65536, 'foto.jpg', 'image/png')).toBe(ErrorCode.MEDIA_TYPE_MISMATCH);
    expect(await inspect(jpeg, 65536, 'foto.JPEG', 'image/jpg')).toBe('image/jpeg 150000');
    expect(await inspect(jpeg, 65536, 'foto', 'application/octet-stream')).toBe('image/jpeg 150000');
    expect(await inspect(pdf, 65536, 'Antrag v1.2 final', 'application/pdf')).toBe('application/pdf 30000');
  });
});

describe('checkFileName', () => {
  it.each(['a/b.pdf', 'a\\b.pdf', '..', '.', '', '   ', 'a\u0000b', 'a\nb.pdf', 'a\u0085b', `${'ß'.repeat(128)}`])('refuses %j', (name) => {
    expect(() => checkFileName(name)).toThrow(expect.objectContaining({ code: ErrorCode.FILE_NAME_INVALID }));
  });
  it('keeps umlauts, spaces and 255 bytes, and normalises to NFC', () => {
    expect(checkFileName('Führerschein Müller (2).pdf')).toBe('Führerschein Müller (2).pdf');
    expect(checkFileName(`${'a'.repeat(251)}.pdf`)).toHaveLength(255);
    expect(checkFileName('Mu\u0308ller.pdf')).toBe('Müller.pdf');
  });
});
