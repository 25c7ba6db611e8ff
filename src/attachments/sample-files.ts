import { crc32, deflateSync } from 'node:zlib';

/**
 * Small, structurally valid files of an exact size, for tests, the benchmark and `npm run example`:
 * a PDF with one page of text, a PNG (grey pixels), a baseline JPEG (grey blocks). Padding goes where
 * readers ignore it (an unused PDF stream, a private PNG chunk, JPEG comment segments).
 */
export type SampleType = 'application/pdf' | 'image/png' | 'image/jpeg';

export function sampleFile(type: SampleType, size?: number, options: { text?: string; width?: number; height?: number; encrypted?: boolean; comment?: string } = {}): Buffer {
  switch (type) {
    case 'application/pdf':
      return samplePdf(size, options.text ?? 'Nachweis', options.encrypted ?? false, options.comment);
    case 'image/png':
      return samplePng(size, options.width ?? 16, options.height ?? 16);
    case 'image/jpeg':
      return sampleJpeg(size, options.width ?? 16, options.height ?? 16);
  }
}

function pdfWith(padding: number, text: string, encrypted: boolean, comment?: string): Buffer {
  const escaped = text.replace(/[\\()]/g, (c) => `\\${c}`);
  const content = `BT /F1 14 Tf 72 720 Td (${escaped}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    `<< /Length ${padding} >>\nstream\n${'0'.repeat(padding)}\nendstream`,
  ];
  if (encrypted) objects.push('<< /Filter /Standard /V 1 /R 2 /O (0123456789abcdef0123456789abcdef) /U (0123456789abcdef0123456789abcdef) /P -44 >>');
  let body = `%PDF-1.7\n%\xe2\xe3\xcf\xd3\n${comment ? `%${comment}\n` : ''}`;
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${encrypted ? ` /Encrypt ${objects.length} 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]` : ''} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

function samplePdf(size: number | undefined, text: string, encrypted: boolean, comment?: string): Buffer {
  let padding = 0;
  let file = pdfWith(padding, text, encrypted, comment);
  if (size === undefined) return file;
  for (let i = 0; i < 6 && file.length !== size; i++) {
    padding += size - file.length;
    if (padding < 0) throw new Error(`a sample PDF needs at least ${file.length - padding + size} bytes`);
    file = pdfWith(padding, text, encrypted, comment);
  }
  if (file.length !== size) throw new Error(`cannot make a PDF of exactly ${size} bytes`);
  return file;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

function samplePng(size: number | undefined, width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const rows = Buffer.alloc((width + 1) * height, 0x80);
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0; // filter type none
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(rows))];
  const end = pngChunk('IEND', Buffer.alloc(0));
  const base = parts.reduce((n, p) => n + p.length, 0) + end.length;
  if (size !== undefined && size !== base) {
    if (size < base + 12) throw new Error(`a sample PNG needs at least ${base + 12} bytes`);
    parts.push(pngChunk('prVt', Buffer.alloc(size - base - 12, 0x20)));
  }
  return Buffer.concat([...parts, end]);
}

function segment(marker: number, data: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(data.length + 2, 2);
  return Buffer.concat([head, data]);
}

/** Baseline JPEG of uniform grey blocks; one-symbol Huffman tables make each block two bits. */
function sampleJpeg(size: number | undefined, width: number, height: number): Buffer {
  const dqt = segment(0xdb, Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 1)]));
  const sof = segment(0xc0, Buffer.from([8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]));
  const table = (cls: number) => Buffer.concat([Buffer.from([cls << 4]), Buffer.from([1, ...new Array(15).fill(0)]), Buffer.from([0])]);
  const dht = Buffer.concat([segment(0xc4, table(0)), segment(0xc4, table(1))]);
  const sos = segment(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0]));
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const bits = blocks * 2;
  const scan = Buffer.alloc(Math.ceil(bits / 8), 0);
  if (bits % 8) scan[scan.length - 1] = 0xff >> (bits % 8); // pad with ones
  const soi = Buffer.from([0xff, 0xd8]);
  const eoi = Buffer.from([0xff, 0xd9]);
  const core = [dqt, sof, dht, sos, scan];
  const base = 2 + core.reduce((n, p) => n + p.length, 0) + 2;
  const comments: Buffer[] = [];
  if (size !== undefined && size !== base) {
    let left = size - base;
    if (left < 4) throw new Error(`a sample JPEG needs at least ${base + 4} bytes`);
    while (left > 0) {
      let take = Math.min(left, 65535 + 2);
      if (left - take > 0 && left - take < 4) take -= 4; // leave room for one more segment
      comments.push(segment(0xfe, Buffer.alloc(take - 4, 0x20)));
      left -= take;
    }
  }
  return Buffer.concat([soi, ...comments, ...core, eoi]);
}
