import { crc32 } from 'node:zlib';
import { fileTypeFromBuffer } from 'file-type';
import { ErrorCode } from '../common/errors/error-code.js';
import { refusal } from './attachment.errors.js';

/** More pixels than this (50 megapixels) would take too much memory to show or convert: refused as malformed. */
export const MAX_PIXELS = 50_000_000;
/** Bytes `file-type` looks at. */
const SNIFF_BYTES = 4100;

const MEDIA_TYPE_ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'application/x-pdf': 'application/pdf',
  'image/x-png': 'image/png',
};
/**
 * Types that say nothing about the content: what browsers send for unknown files, and `text/plain`, which
 * busboy reports for a part without Content-Type (RFC 7578's default).
 */
const UNDECLARED = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'text/plain']);

/** File extensions and the type they stand for; an extension outside this list says nothing. */
const EXTENSIONS: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jpe: 'image/jpeg',
  jfif: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  bmp: 'image/bmp',
  svg: 'image/svg+xml',
  txt: 'text/plain',
  htm: 'text/html',
  html: 'text/html',
  xml: 'application/xml',
  js: 'text/javascript',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  odt: 'application/vnd.oasis.opendocument.text',
  zip: 'application/zip',
  exe: 'application/x-msdownload',
};

// eslint-disable-next-line no-control-regex -- control characters are what the file name must not contain
const BAD_NAME = /[/\\\u0000-\u001F\u007F-\u009F]/;

/** FILE_NAME_INVALID for empty names, `.`/`..`, path separators, control characters and more than 255 bytes (UTF-8). */
export function checkFileName(name: string | undefined): string {
  const value = (name ?? '').normalize('NFC');
  if (value.trim() === '' || value === '.' || value === '..' || BAD_NAME.test(value) || Buffer.byteLength(value, 'utf8') > 255) {
    throw refusal(ErrorCode.FILE_NAME_INVALID);
  }
  return value;
}

export const normalizeMediaType = (type: string | undefined) => {
  const bare = (type ?? '').split(';')[0].trim().toLowerCase();
  return MEDIA_TYPE_ALIASES[bare] ?? bare;
};

export function extensionType(fileName: string): string | undefined {
  const match = /\.([A-Za-z0-9]{1,5})$/.exec(fileName);
  return match ? EXTENSIONS[match[1].toLowerCase()] : undefined;
}

/** What the inspection found, once the stream has ended without a refusal. */
export interface Inspection {
  size: number;
  mediaType: string;
}

export interface InspectionRules {
  mediaTypes: readonly string[];
  maxBytes: number;
}

type Problem = ErrorCode.FILE_MALFORMED | ErrorCode.FILE_ENCRYPTED;

/** A structural check that sees the bytes once, in chunks, and keeps only a few of them. */
interface StructureCheck {
  feed(chunk: Buffer): void;
  end(): Problem | undefined;
}

/**
 * Streams a file through: counts it, decides its media type from the first bytes (never from the
 * name or the declared type), refuses it as soon as it is clear (size limit reached: reading stops there),
 * and checks its structure on the way (PDF, PNG, JPEG). Yields the bytes to whoever stores them; a refusal is
 * thrown as a LotseError from the generator, so the writer's transaction rolls back.
 */
export class FileInspector {
  private size = 0;
  private detected?: string;
  /** Set once the whole file passed. */
  result?: Inspection;
  private check?: StructureCheck;

  constructor(
    private readonly rules: InspectionRules,
    private readonly fileName: string,
    private readonly declaredType: string | undefined,
  ) {}

  async *inspect(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    let head: Buffer[] = [];
    let headBytes = 0;
    for await (const chunk of source) {
      this.size += chunk.length;
      if (this.size > this.rules.maxBytes) throw refusal(ErrorCode.FILE_TOO_LARGE, { maxBytes: this.rules.maxBytes });
      if (this.detected === undefined) {
        head.push(chunk);
        headBytes += chunk.length;
        if (headBytes < SNIFF_BYTES) continue;
        const first = Buffer.concat(head);
        head = [];
        await this.decide(first);
        this.check!.feed(first);
        yield first;
        continue;
      }
      this.check!.feed(chunk);
      yield chunk;
    }
    if (this.detected === undefined) {
      if (this.size === 0) throw refusal(ErrorCode.FILE_EMPTY);
      const first = Buffer.concat(head);
      await this.decide(first);
      this.check!.feed(first);
      yield first;
    }
    const problem = this.check!.end();
    if (problem) throw refusal(problem);
    this.result = { size: this.size, mediaType: this.detected! };
  }

  private async decide(head: Buffer): Promise<void> {
    const type = (await fileTypeFromBuffer(head))?.mime;
    if (!type || !this.rules.mediaTypes.includes(type)) throw refusal(ErrorCode.MEDIA_TYPE_NOT_ALLOWED, { allowed: [...this.rules.mediaTypes] });
    const declared = normalizeMediaType(this.declaredType);
    const byName = extensionType(this.fileName);
    if ((!UNDECLARED.has(declared) && declared !== type) || (byName !== undefined && byName !== type)) {
      throw refusal(ErrorCode.MEDIA_TYPE_MISMATCH, { detected: type });
    }
    this.detected = type;
    this.check = type === 'application/pdf' ? new PdfCheck() : type === 'image/png' ? new PngCheck() : new JpegCheck();
  }
}

/**
 * Reads fixed-size records and skips over the rest, across chunk borders, keeping at most one small record.
 * `next(record)` gets each record and answers how to go on: read `n` bytes, skip `n` bytes, or stop.
 */
abstract class RecordReader implements StructureCheck {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skipping = 0;
  protected want: number;
  protected stopped = false;
  protected problem?: Problem;

  constructor(first: number) {
    this.want = first;
  }

  /** Each skipped byte passes here (for checksums). */
  protected skipped(_bytes: Buffer): void {}
  protected abstract next(record: Buffer): void;
  protected abstract finish(): Problem | undefined;
  /** Bytes after the parser stopped. */
  protected rest(_bytes: Buffer): void {}

  protected skip(n: number, thenWant: number): void {
    this.skipping = n;
    this.want = thenWant;
  }

  feed(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length && !this.problem) {
      if (this.stopped) {
        this.rest(chunk.subarray(pos));
        return;
      }
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, chunk.length - pos);
        this.skipped(chunk.subarray(pos, pos + n));
        this.skipping -= n;
        pos += n;
        continue;
      }
      const n = Math.min(this.want - this.pendingBytes, chunk.length - pos);
      this.pending.push(chunk.subarray(pos, pos + n));
      this.pendingBytes += n;
      pos += n;
      if (this.pendingBytes === this.want) {
        const record = Buffer.concat(this.pending);
        this.pending = [];
        this.pendingBytes = 0;
        this.next(record);
      }
    }
  }

  end(): Problem | undefined {
    return this.problem ?? this.finish();
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** PNG: signature, IHDR first (size, pixel count), every chunk's CRC, at least one IDAT, IEND last and nothing after it. */
class PngCheck extends RecordReader {
  private state: 'signature' | 'header' | 'ihdr' | 'crc' = 'signature';
  private chunks = 0;
  private type = '';
  private crc = 0;
  private sawData = false;
  private ended = false;

  constructor() {
    super(8);
  }

  protected override skipped(bytes: Buffer): void {
    this.crc = crc32(bytes, this.crc);
  }

  protected next(record: Buffer): void {
    switch (this.state) {
      case 'signature':
        if (!record.equals(PNG_SIGNATURE)) this.problem = ErrorCode.FILE_MALFORMED;
        this.state = 'header';
        this.want = 8;
        return;
      case 'header': {
        const length = record.readUInt32BE(0);
        this.type = record.subarray(4, 8).toString('latin1');
        if (!/^[A-Za-z]{4}$/.test(this.type) || length > 0x7fffffff || (this.chunks === 0 && (this.type !== 'IHDR' || length !== 13))) {
          this.problem = ErrorCode.FILE_MALFORMED;
          return;
        }
        this.chunks++;
        this.crc = crc32(record.subarray(4, 8));
        if (this.type === 'IDAT') this.sawData = true;
        if (this.type === 'IHDR') {
          this.state = 'ihdr';
          this.want = 13;
        } else {
          this.state = 'crc';
          this.skip(length, 4);
        }
        return;
      }
      case 'ihdr': {
        this.crc = crc32(record, this.crc);
        const width = record.readUInt32BE(0);
        const height = record.readUInt32BE(4);
        if (width === 0 || height === 0 || width * height > MAX_PIXELS) this.problem = ErrorCode.FILE_MALFORMED;
        this.state = 'crc';
        this.want = 4;
        return;
      }
      case 'crc':
        if (record.readUInt32BE(0) !== this.crc >>> 0) {
          this.problem = ErrorCode.FILE_MALFORMED;
          return;
        }
        if (this.type === 'IEND') {
          this.ended = true;
          this.stopped = true;
          return;
        }
        this.state = 'header';
        this.want = 8;
    }
  }

  protected override rest(bytes: Buffer): void {
    if (bytes.length > 0) this.problem = ErrorCode.FILE_MALFORMED; // bytes after IEND
  }

  protected finish(): Problem | undefined {
    return this.ended && this.sawData ? undefined : ErrorCode.FILE_MALFORMED;
  }
}

/** SOF markers that carry the frame size (all SOFn except DHT, JPG and DAC). */
const isSof = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** JPEG: SOI, segments up to the first scan with a frame header (size, pixel count), EOI at the end. */
class JpegCheck extends RecordReader {
  private state: 'soi' | 'marker' | 'length' | 'frame' = 'soi';
  private marker = 0;
  private sawFrame = false;
  private last: Buffer = Buffer.alloc(0);

  constructor() {
    super(2);
  }

  override feed(chunk: Buffer): void {
    this.last = chunk.length >= 2 ? chunk.subarray(chunk.length - 2) : Buffer.concat([this.last, chunk]).subarray(-2);
    super.feed(chunk);
  }

  protected next(record: Buffer): void {
    switch (this.state) {
      case 'soi':
        if (record[0] !== 0xff || record[1] !== 0xd8) this.problem = ErrorCode.FILE_MALFORMED;
        this.state = 'marker';
        return;
      case 'marker':
        if (record[0] !== 0xff) {
          this.problem = ErrorCode.FILE_MALFORMED;
          return;
        }
        this.marker = record[1];
        if (this.marker === 0xd9 || this.marker === 0xd8) this.problem = ErrorCode.FILE_MALFORMED; // no scan before EOI
        else if ((this.marker >= 0xd0 && this.marker <= 0xd7) || this.marker === 0x01) this.want = 2;
        else this.state = 'length';
        return;
      case 'length': {
        const length = record.readUInt16BE(0);
        if (length < 2) {
          this.problem = ErrorCode.FILE_MALFORMED;
          return;
        }
        if (isSof(this.marker)) {
          if (length < 8) {
            this.problem = ErrorCode.FILE_MALFORMED;
            return;
          }
          this.state = 'frame';
          this.want = length - 2;
          return;
        }
        if (this.marker === 0xda) {
          if (!this.sawFrame) this.problem = ErrorCode.FILE_MALFORMED;
          this.stopped = true; // entropy-coded data follows; only the end marker is checked
          this.skip(length - 2, 2);
          return;
        }
        this.state = 'marker';
        this.skip(length - 2, 2);
        return;
      }
      case 'frame': {
        const height = record.readUInt16BE(1);
        const width = record.readUInt16BE(3);
        if (width === 0 || height === 0 || width * height > MAX_PIXELS) this.problem = ErrorCode.FILE_MALFORMED;
        this.sawFrame = true;
        this.state = 'marker';
        this.want = 2;
      }
    }
  }

  protected finish(): Problem | undefined {
    return this.stopped && this.sawFrame && this.last.length === 2 && this.last[0] === 0xff && this.last[1] === 0xd9 ? undefined : ErrorCode.FILE_MALFORMED;
  }
}

const TAIL_BYTES = 2048;

/** Whether `text` has an indirect object header (`12 0 obj`); looks only behind each `obj`, so it stays linear. */
function hasObjectHeader(text: string): boolean {
  for (let at = text.indexOf('obj'); at !== -1; at = text.indexOf('obj', at + 3)) {
    if (/\d{1,10}[ \t\r\n]{1,5}\d{1,5}[ \t\r\n]{1,5}$/.test(text.slice(Math.max(0, at - 24), at))) return true;
  }
  return false;
}

/**
 * PDF, without holding the file: `%PDF-1.x` header, a trailer with `startxref` pointing inside the file and
 * `%%EOF` at the end, at least one indirect object; an `/Encrypt` entry anywhere (classic trailer or
 * cross-reference stream) means password protection.
 */
class PdfCheck implements StructureCheck {
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
  private carry = '';
  private size = 0;
  private encrypted = false;
  private objects = false;

  feed(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.head.length < 1024) this.head = Buffer.concat([this.head, chunk.subarray(0, 1024 - this.head.length)]);
    this.tail = Buffer.concat([this.tail, chunk.subarray(Math.max(0, chunk.length - TAIL_BYTES))]).subarray(-TAIL_BYTES);
    const text = this.carry + chunk.toString('latin1');
    if (/\/Encrypt[\s<\d]/.test(text)) this.encrypted = true;
    if (!this.objects) this.objects = hasObjectHeader(text);
    this.carry = text.slice(-32);
  }

  end(): Problem | undefined {
    if (!/^%PDF-[12]\.\d/.test(this.head.toString('latin1'))) return ErrorCode.FILE_MALFORMED;
    const tail = this.tail.toString('latin1');
    const match = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
    if (!match || Number(match[1]) <= 0 || Number(match[1]) >= this.size || !this.objects) return ErrorCode.FILE_MALFORMED;
    return this.encrypted ? ErrorCode.FILE_ENCRYPTED : undefined;
  }
}
