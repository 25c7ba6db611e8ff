import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AttachmentEntity } from '../attachments/entities/attachment.entity.js';
import { CaseDocumentEntity, type CaseDocumentSource } from '../attachments/entities/case-document.entity.js';
import type { SubmissionEntity } from '../submissions/entities/submission.entity.js';
import type { ArchiveDocument } from './xdomea.serializer.js';

/**
 * Where a case's documents come from. The record builder asks every source in turn; the XÖV message is the first.
 * The documents issue adds its sources here (the application PDF, each attachment, each notice), with ids that stay
 * the same between the offer and the handover.
 */
export interface ArchiveDocumentSource {
  /**
   * The documents of a case. `withBytes` false (an offer lists metadata only) lets a source skip reading stored
   * files; the hash and size must be the same either way.
   */
  documentsFor(submission: SubmissionEntity, recordId: string, withBytes: boolean): Promise<ArchiveDocument[]>;
}

/** A UUID derived from a name (SHA-256, version bits of a name-based UUID), so ids repeat across messages. */
export function stableUuid(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const sha256Hex = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');

/** The submission's XÖV message (antrag.eingang.0100), exactly the bytes handed out to the specialist system. */
export class XoevMessageSource implements ArchiveDocumentSource {
  constructor(private readonly exporter: { export(submission: SubmissionEntity): Promise<{ xml: string }> }) {}

  async documentsFor(submission: SubmissionEntity, recordId: string): Promise<ArchiveDocument[]> {
    const { xml } = await this.exporter.export(submission);
    const bytes = new TextEncoder().encode(xml);
    const id = stableUuid(`${recordId}:xoev-message`);
    return [{
      id,
      title: `Antrag (XÖV-Nachricht antrag.eingang.0100) ${submission.referenceNumber}`,
      fileName: `${id}_antrag.xml`,
      mediaType: 'application/xml',
      bytes,
      sha256: sha256Hex(bytes),
      createdAt: submission.submittedAt,
      author: 'Antragsteller/in (Online-Antrag)',
    }];
  }
}

/**
 * A file name for the xdomea Dateiname (`<id>_<name>.<ext>`): ASCII letters, digits, `.`, `-` and `_` only
 * (umlauts are transliterated, everything else becomes `_`), at most 100 characters of name; the uploaded name
 * itself goes to DateinameOriginal.
 */
export function archiveFileName(id: string, original: string): string {
  const ascii = original
    .replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/Ä/g, 'Ae').replace(/Ö/g, 'Oe').replace(/Ü/g, 'Ue').replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '');
  const dot = ascii.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [ascii.slice(0, dot), ascii.slice(dot)] : [ascii, ''];
  return `${id}_${(stem || 'datei').slice(0, 100)}${ext.slice(0, 16)}`;
}

/**
 * Titles and authors per kind of case document. The applicant's titles contain the uploaded file name, so an offer
 * (0501, metadata for the archive's evaluation) names only the kind; the handover (0503) carries the full title.
 */
const DOCUMENT_KINDS: Record<CaseDocumentSource, { title: (t: string, full: boolean) => string; author: (addedBy?: string) => string }> = {
  FORM: { title: (t, full) => (full ? `Anlage zum Antrag – ${t}` : 'Anlage zum Antrag'), author: () => 'Antragsteller/in (Online-Antrag)' },
  APPLICANT: { title: (t, full) => (full ? `Nachgereichte Unterlage – ${t}` : 'Nachgereichte Unterlage'), author: () => 'Antragsteller/in (nachgereicht)' },
  STAFF: { title: (t) => t, author: (by) => (by ? `Sachbearbeitung (${by})` : 'Sachbearbeitung') },
};

/**
 * The documents feature's part of the record: the application PDF as received (the same bytes every time), then
 * every case document in the order it was added: the applicant's evidence with the form, documents sent later on
 * request, and the caseworkers' documents (notices). Bytes come from the attachment storage and are checked
 * against the stored SHA-256, so a damaged file is never handed over as if it were the original.
 */
export class CaseFilesSource implements ArchiveDocumentSource {
  constructor(
    private readonly em: EntityManager,
    private readonly pdf: { render(submission: SubmissionEntity): Promise<Buffer> },
    private readonly storage: { read(sha256: string): AsyncIterable<Buffer> },
  ) {}

  async documentsFor(submission: SubmissionEntity, recordId: string, withBytes: boolean): Promise<ArchiveDocument[]> {
    const pdf = new Uint8Array(await this.pdf.render(submission));
    const pdfId = stableUuid(`${recordId}:application-pdf`);
    const documents: ArchiveDocument[] = [{
      id: pdfId,
      title: `Antrag (PDF) ${submission.referenceNumber}`,
      fileName: `${pdfId}_antrag.pdf`,
      mediaType: 'application/pdf',
      bytes: withBytes ? pdf : new Uint8Array(),
      sha256: sha256Hex(pdf),
      createdAt: submission.submittedAt,
      author: 'Antragsteller/in (Online-Antrag)',
    }];
    const em = this.em.fork();
    const docs = await em.find(CaseDocumentEntity, { submissionId: submission.id }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    const files = new Map((await em.find(AttachmentEntity, { id: { $in: docs.map((d) => d.attachmentId) } })).map((a) => [a.id, a]));
    for (const d of docs) {
      const file = files.get(d.attachmentId);
      if (!file) throw new Error(`case document ${d.id} of submission ${submission.id} has no stored file`);
      const id = stableUuid(`${recordId}:case-document:${d.id}`);
      let bytes = new Uint8Array();
      if (withBytes) {
        const chunks: Buffer[] = [];
        for await (const chunk of this.storage.read(file.sha256)) chunks.push(chunk);
        bytes = new Uint8Array(Buffer.concat(chunks));
        if (sha256Hex(bytes) !== file.sha256) throw new Error(`stored content of attachment ${file.id} does not match its SHA-256`);
      }
      const kind = DOCUMENT_KINDS[d.source];
      documents.push({
        id,
        title: kind.title(d.title, withBytes),
        fileName: archiveFileName(id, file.fileName),
        originalFileName: withBytes ? file.fileName : undefined,
        mediaType: file.mediaType.toLowerCase(),
        bytes,
        sha256: file.sha256,
        createdAt: d.createdAt,
        author: kind.author(d.addedBy),
      });
    }
    return documents;
  }
}
