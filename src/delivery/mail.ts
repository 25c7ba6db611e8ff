import { STATUS_LABELS } from '../processing/workflow.js';
import type { SubmissionStatus } from '../submissions/models/submission.model.js';

export interface MailJob {
  to: string;
  subject: string;
  text: string;
  /** Stable id, so a retried job is recognisable (Message-ID). */
  eventId: string;
}

/** The applicant's notification in their language (German unless they wrote in English). */
export function statusMail(locale: string, reference: string, status: SubmissionStatus, note?: string, documents: string[] = []): Omit<MailJob, 'to' | 'eventId'> {
  const en = locale === 'en';
  const label = STATUS_LABELS[status][en ? 'en' : 'de'];
  const lines = en
    ? [`Your application ${reference}: ${label}.`, note ?? '', documents.length ? `Please provide:\n- ${documents.join('\n- ')}` : '', 'You can check the status online with your reference number and access code.']
    : [`Ihr Antrag ${reference}: ${label}.`, note ?? '', documents.length ? `Bitte reichen Sie nach:\n- ${documents.join('\n- ')}` : '', 'Den Bearbeitungsstand sehen Sie jederzeit online mit Aktenzeichen und Zugangscode.'];
  return {
    subject: en ? `Your application ${reference}: ${label}` : `Ihr Antrag ${reference}: ${label}`,
    text: lines.filter(Boolean).join('\n\n') + '\n',
  };
}
