import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { LotseError } from '../common/errors/lotse.error.js';

const CONNECT_TIMEOUT_MS = 5000;
const VERDICT_TIMEOUT_MS = 60_000;

/** Where clamd listens: `tcp://host:port`, or a Unix socket path. */
export function clamdAddress(url: string): { host: string; port: number } | { path: string } {
  const tcp = /^tcp:\/\/([^:/]+):(\d{1,5})\/?$/.exec(url);
  if (tcp) return { host: tcp[1], port: Number(tcp[2]) };
  if (url.startsWith('unix://')) return { path: url.slice('unix://'.length) };
  return { path: url };
}

/** One file's scan: the bytes pass through `tee` to clamd (INSTREAM) while they are stored. */
export interface ScanSession {
  readonly enabled: boolean;
  tee(source: AsyncIterable<Buffer>): AsyncIterable<Buffer>;
  /** Resolves when clamd found nothing; INFECTED or SCANNER_UNAVAILABLE otherwise. */
  verdict(): Promise<void>;
  close(): void;
}

const unavailable = () => new LotseError(ErrorCode.SCANNER_UNAVAILABLE, undefined, { retryAfterSeconds: 60 });

/** A scan through clamd's INSTREAM command, chunk by chunk, with back-pressure. */
class ClamdSession implements ScanSession {
  readonly enabled = true;
  private socket?: Socket;
  private reply = '';
  private closed?: Promise<unknown>;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  private async open(): Promise<Socket> {
    const socket = connect(clamdAddress(this.url) as never);
    socket.setTimeout(CONNECT_TIMEOUT_MS);
    socket.on('data', (data: Buffer) => (this.reply += data.toString('latin1')));
    this.closed = once(socket, 'close').catch(() => undefined);
    try {
      await Promise.race([
        once(socket, 'connect'),
        once(socket, 'timeout').then(() => {
          throw new Error('clamd connect timeout');
        }),
      ]);
    } catch (error) {
      socket.destroy();
      this.logger.warn({ msg: 'virus scanner unreachable', err: (error as Error).message });
      throw unavailable();
    }
    socket.setTimeout(VERDICT_TIMEOUT_MS);
    socket.on('error', (error) => this.logger.warn({ msg: 'virus scanner connection failed', err: error.message }));
    this.socket = socket;
    await this.write(Buffer.from('zINSTREAM\0', 'latin1'));
    return socket;
  }

  private async write(data: Buffer): Promise<void> {
    const socket = this.socket!;
    if (socket.destroyed) throw unavailable();
    if (!socket.write(data)) {
      await Promise.race([once(socket, 'drain'), this.closed!.then(() => Promise.reject(unavailable()))]);
    }
  }

  async *tee(source: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
    await this.open();
    for await (const chunk of source) {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(chunk.length, 0);
      await this.write(length);
      await this.write(chunk);
      yield chunk;
    }
    await this.write(Buffer.alloc(4));
  }

  async verdict(): Promise<void> {
    const socket = this.socket;
    if (!socket) throw unavailable();
    if (!this.reply.includes('\0')) {
      await Promise.race([
        new Promise<void>((resolve) => {
          const check = () => this.reply.includes('\0') && resolve();
          socket.on('data', check);
          check();
        }),
        this.closed!,
      ]);
    }
    const answer = this.reply.split('\0')[0].trim();
    if (/:\s*OK$/.test(answer)) return;
    const found = /:\s*(.+) FOUND$/.exec(answer);
    if (found) {
      this.logger.warn({ msg: 'upload infected', signature: found[1] });
      throw new LotseError(ErrorCode.INFECTED, undefined, { signature: found[1] });
    }
    this.logger.warn({ msg: 'virus scanner gave no verdict', answer: answer.slice(0, 200) });
    throw unavailable();
  }

  close(): void {
    this.socket?.destroy();
  }
}

const NO_SCAN: ScanSession = {
  enabled: false,
  tee: (source) => source,
  verdict: async () => undefined,
  close: () => undefined,
};

/** Virus scanning with clamd when CLAMAV_URL is set; without it, uploads are not scanned. */
@Injectable()
export class VirusScanner {
  private readonly logger = new Logger(VirusScanner.name);

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  session(): ScanSession {
    return this.config.clamavUrl ? new ClamdSession(this.config.clamavUrl, this.logger) : NO_SCAN;
  }
}
