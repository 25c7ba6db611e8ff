import { createHash } from 'node:crypto';
import type { SubmissionEntity } from '../submissions/entities/submission.entity.js';
import type { ArchiveDocument } from './xdomea.serializer.js';

/**
 * Where a case's documents come from. The record builder asks every source in turn; the XÖV message is the first.
 * The documents issue adds its sources here (the application PDF, each attachment, each notice), with ids that stay
 * the same between the offer and the handover.
 */
export interface ArchiveDocumentSource {
  documentsFor(submission: SubmissionEntity, recordId: string): Promise<ArchiveDocument[]>;
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
