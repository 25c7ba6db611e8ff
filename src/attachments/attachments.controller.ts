import { Controller, Post, Req, Res } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MultipartFile } from '@fastify/multipart';
import { Public } from '../common/auth/access.decorators.js';
import type { AuthState } from '../common/auth/access.guard.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { LotseError } from '../common/errors/lotse.error.js';
import { AttachmentsService, type UploadReceipt, type UploadTarget } from './attachments.service.js';

const TARGET_FIELDS: ReadonlySet<string> = new Set(['formId', 'version', 'field', 'referenceNumber', 'requestId', 'caseId']);
const FIELD_MAX = 300;

const malformed = () => new LotseError(ErrorCode.UPLOAD_MALFORMED);
/** What is still read (and thrown away) of a refused upload so that the client sees the answer; past it the connection is cut. */
const DISCARD_LIMIT = 32 * 1024 * 1024;

/**
 * After a refusal nothing more is inspected or stored; the rest of the body is read and dropped (up to
 * DISCARD_LIMIT) so that the client, still sending, receives the answer instead of a reset connection.
 */
async function discardRest(raw: IncomingMessage): Promise<void> {
  if (raw.readableEnded || raw.destroyed) return;
  raw.unpipe();
  let seen = 0;
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    raw.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DISCARD_LIMIT) {
        raw.socket.destroy();
        resolve();
      }
    });
    raw.once('end', done);
    raw.once('close', done);
    raw.once('error', done);
    raw.resume();
  });
}

/**
 * POST /attachments (multipart/form-data): text fields first (what the file is for), then one part `file`.
 * Public for form fields; an open document request needs `X-Access-Code`, a case a bearer token.
 */
@Controller()
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Public()
  @Post('attachments')
  async upload(@Req() request: FastifyRequest & AuthState, @Res({ passthrough: true }) reply: FastifyReply): Promise<UploadReceipt> {
    if (!request.isMultipart()) {
      throw new LotseError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Bitte die Datei als multipart/form-data senden.', undefined, 'Please send the file as multipart/form-data.');
    }
    try {
      const receipt = await this.receive(request);
      reply.code(201);
      return receipt;
    } catch (error) {
      reply.header('connection', 'close');
      await discardRest(request.raw);
      throw error;
    }
  }

  private async receive(request: FastifyRequest & AuthState): Promise<UploadReceipt> {
    await this.attachments.countUpload(request.ip);
    const target: UploadTarget = {};
    const parts = request.parts();
    let part: MultipartFile | undefined;
    try {
      for await (const next of parts) {
        if (next.type === 'field') {
          if (!TARGET_FIELDS.has(next.fieldname) || typeof next.value !== 'string' || next.value.length > FIELD_MAX || next.fieldname in target) throw malformed();
          target[next.fieldname as keyof UploadTarget] = next.value;
          continue;
        }
        part = next;
        break;
      }
    } catch (error) {
      // busboy's own complaints (a broken multipart body) carry no code: they are the client's, not ours
      if (error instanceof LotseError || typeof (error as { code?: unknown }).code === 'string') throw error;
      throw malformed();
    }
    if (!part || part.fieldname !== 'file') throw malformed();
    const accessCode = request.headers['x-access-code'];
    if (target.caseId !== undefined && request.authError) throw request.authError;
    const resolved = await this.attachments.resolveTarget(target, typeof accessCode === 'string' ? accessCode : undefined, request.principal);
    const receipt = await this.attachments.accept(resolved, part.file, part.filename, part.mimetype, request.ip);
    if (part.file.truncated) throw new LotseError(ErrorCode.FILE_TOO_LARGE);
    return receipt;
  }
}
