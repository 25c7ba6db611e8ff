import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { executePrepared } from '../database/prepared-statements.js';
import { ATTACHMENT_STORAGE, type AttachmentStorage } from './storage/attachment-storage.js';

export interface ApplicationFile {
  id: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  field?: string;
}

/**
 * Which case documents make up the application, and in what order: those the applicant sent (with the form and on
 * request), oldest first (ties by id), each with its upload (`d` the document, `a` the attachment). The one rule for
 * ApplicationFiles.list and the XÖV export's statements (the case state and the check that its files are current),
 * which must agree on set and order. `submissionId` is the SQL expression of the submission's id (`?`, `s.id`).
 */
export function applicationFilesSql(submissionId: string): { from: string; orderBy: string } {
  return {
    from: `from case_document d join attachment a on a.id = d.attachment_id where d.submission_id = ${submissionId} and d.source in ('FORM', 'APPLICANT')`,
    orderBy: 'order by d.created_at asc, d.id asc',
  };
}

const FILES = applicationFilesSql('?');
const LIST = `select a.id, a.file_name as "fileName", a.media_type as "mediaType", a.size, a.sha256, d.pointer as "field" ${FILES.from} ${FILES.orderBy}`;

/** The applicant's files of a submission (with the form and on request), for the XÖV message and its metadata. */
@Injectable()
export class ApplicationFiles {
  constructor(
    private readonly em: EntityManager,
    @Inject(ATTACHMENT_STORAGE) private readonly storage: AttachmentStorage,
  ) {}

  async list(submissionId: string): Promise<ApplicationFile[]> {
    // a fork: read on a pooled connection, outside any transaction of the caller (as the ORM's reads of a fork)
    return executePrepared<ApplicationFile>(this.em.fork(), LIST, [submissionId]);
  }

  async bytes(sha256: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.storage.read(sha256)) chunks.push(chunk);
    return Buffer.concat(chunks);
  }
}
