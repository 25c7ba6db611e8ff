import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';

/** An attachment as webhooks and the XÖV metadata name it: what it is, and where to fetch it. */
export interface AttachmentReference {
  attachmentId: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  downloadUrl: string;
  downloadUrlExpiresAt: string;
}

/**
 * Signed, expiring download links for receivers of webhooks (GET /downloads/{attachmentId}?expires=…&signature=…):
 * HMAC-SHA256 over id and expiry with a key derived from ACCESS_CODE_SECRET, valid DOWNLOAD_URL_TTL_MINUTES.
 * Absolute with PUBLIC_BASE_URL, a path otherwise.
 */
@Injectable()
export class DownloadLinks {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.key = createHmac('sha256', config.accessCodeSecret).update('lotse:download-links').digest();
  }

  private sign(attachmentId: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${attachmentId}.${expires}`).digest('base64url');
  }

  url(attachmentId: string, now = Date.now()): { url: string; expiresAt: Date } {
    const expires = Math.floor(now / 1000) + this.config.downloadUrlTtlMinutes * 60;
    const path = `/downloads/${attachmentId}?expires=${expires}&signature=${this.sign(attachmentId, expires)}`;
    return { url: `${(this.config.publicBaseUrl ?? '').replace(/\/$/, '')}${path}`, expiresAt: new Date(expires * 1000) };
  }

  /** Whether a link is genuine and not expired. */
  verify(attachmentId: string, expires: string | undefined, signature: string | undefined, now = Date.now()): boolean {
    if (!expires || !/^\d{1,12}$/.test(expires) || !signature || Number(expires) * 1000 < now) return false;
    const expected = Buffer.from(this.sign(attachmentId, Number(expires)));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  reference(row: { id: string; fileName: string; mediaType: string; size: number; sha256: string }): AttachmentReference {
    const link = this.url(row.id);
    return { attachmentId: row.id, fileName: row.fileName, mediaType: row.mediaType, size: row.size, sha256: row.sha256, downloadUrl: link.url, downloadUrlExpiresAt: link.expiresAt.toISOString() };
  }
}
