import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { AttachmentEntity } from './entities/attachment.entity.js';
import { CaseDocumentEntity } from './entities/case-document.entity.js';
import { ATTACHMENT_STORAGE, type AttachmentStorage } from './storage/attachment-storage.js';

export interface ApplicationFile {
  id: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  field?: string;
}

/** The applicant's files of a submission (with the form and on request), for the XÖV message and its metadata. */
@Injectable()
export class ApplicationFiles {
  constructor(
    private readonly em: EntityManager,
    @Inject(ATTACHMENT_STORAGE) private readonly storage: AttachmentStorage,
  ) {}

  async list(submissionId: string): Promise<ApplicationFile[]> {
    const em = this.em.fork();
    const docs = await em.find(CaseDocumentEntity, { submissionId, source: { $in: ['FORM', 'APPLICANT'] } }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    const files = new Map((await em.find(AttachmentEntity, { id: { $in: docs.map((d) => d.attachmentId) } })).map((a) => [a.id, a]));
    return docs.flatMap((d) => {
      const f = files.get(d.attachmentId);
      return f ? [{ id: f.id, fileName: f.fileName, mediaType: f.mediaType, size: f.size, sha256: f.sha256, field: d.pointer }] : [];
    });
  }

  async bytes(sha256: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.storage.read(sha256)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }
}
