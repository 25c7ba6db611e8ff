import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import type { FormSchemaNode, FormVersionFile, LocalizedText } from '../forms/form.types.js';
import { isAttachmentNode } from './attachment-rules.js';

const require = createRequire(import.meta.url);
/** Noto Sans (SIL OFL) from the npm registry: covers the Latin letters of DIN 91379, combining marks included. */
const FONT_REGULAR = () => readFileSync(require.resolve('@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf'));
const FONT_BOLD = () => readFileSync(require.resolve('@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf'));
let fonts: { regular: Buffer; bold: Buffer } | undefined;

/** What the application PDF shows. */
export interface ApplicationPdfInput {
  form: FormVersionFile;
  schema: FormSchemaNode;
  data: Record<string, unknown>;
  referenceNumber: string;
  submittedAt: Date;
  sha256: string;
  organisationName?: string;
  attachments: Array<{ fileName: string; mediaType: string; size: number; sha256: string }>;
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 56;
const de = (text: LocalizedText | undefined, fallback = '') => text?.de ?? fallback;
const berlin = (date: Date) =>
  new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', dateStyle: 'long', timeStyle: 'medium' }).format(date);

/** Lines of "label: answer" for one field (objects and lists unfolded, choices by their label). */
export function answerLines(node: FormSchemaNode | undefined, value: unknown, label: string, depth = 0): Array<{ label: string; value: string; depth: number }> {
  if (value === undefined || value === null || value === '') return [];
  if (node && isAttachmentNode(node) && typeof value === 'object' && !Array.isArray(value)) {
    const ref = value as { fileName?: string; size?: number };
    return [{ label, value: `Datei: ${ref.fileName ?? ''}`, depth }];
  }
  if (Array.isArray(value)) {
    return value.flatMap((item, i) => {
      const itemLabel = `${label} ${i + 1}`;
      return typeof item === 'object' && item !== null && !(node?.items && isAttachmentNode(node.items))
        ? [{ label: itemLabel, value: '', depth }, ...answerLines(node?.items, item, itemLabel, depth + 1).filter((l) => l.label !== itemLabel)]
        : answerLines(node?.items, item, itemLabel, depth);
    });
  }
  if (typeof value === 'object') {
    const lines: Array<{ label: string; value: string; depth: number }> = depth === 0 || label ? [{ label, value: '', depth }] : [];
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const childNode = node?.properties?.[key];
      lines.push(...answerLines(childNode, child, de(childNode?.['x-label'], key), depth + 1));
    }
    return lines;
  }
  if (typeof value === 'boolean') return [{ label, value: value ? 'Ja' : 'Nein', depth }];
  const labels = node?.['x-enum-labels'];
  const text = labels && labels[String(value)] ? `${de(labels[String(value)])} (${String(value)})` : String(value);
  return [{ label, value: text, depth }];
}

/** Writes text top-down, wrapping words and starting new pages. */
class Writer {
  private page!: PDFPage;
  private y = 0;

  constructor(
    private readonly doc: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
    private readonly footer: string,
  ) {
    this.newPage();
  }

  private newPage(): void {
    this.page = this.doc.addPage([A4.width, A4.height]);
    this.y = A4.height - MARGIN;
    this.page.drawText(this.footer, { x: MARGIN, y: MARGIN / 2, size: 8, font: this.regular, color: rgb(0.35, 0.35, 0.35) });
  }

  private wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    const lines: string[] = [];
    for (const paragraph of text.split(/\r?\n/)) {
      let line = '';
      for (const word of paragraph.split(/\s+/)) {
        const next = line ? `${line} ${word}` : word;
        if (font.widthOfTextAtSize(next, size) <= width || !line) line = next;
        else {
          lines.push(line);
          line = word;
        }
      }
      lines.push(line);
    }
    return lines;
  }

  text(text: string, options: { size?: number; bold?: boolean; indent?: number; gapBefore?: number } = {}): void {
    const size = options.size ?? 10;
    const font = options.bold ? this.bold : this.regular;
    const x = MARGIN + (options.indent ?? 0);
    this.y -= options.gapBefore ?? 0;
    for (const line of this.wrap(text, font, size, A4.width - MARGIN - x)) {
      if (this.y - size < MARGIN) this.newPage();
      this.y -= size * 1.35;
      this.page.drawText(line, { x, y: this.y, size, font });
    }
  }
}

/**
 * The application as PDF, in German: form title, reference number, receipt time, form version and content
 * hash, then the steps and sections with every label and answer, then the attachments with their SHA-256.
 * Deterministic: fixed dates (the receipt time), fixed font names, no random ids, so the same submission
 * always gives the same bytes.
 */
export async function buildApplicationPdf(input: ApplicationPdfInput): Promise<Buffer> {
  fonts ??= { regular: FONT_REGULAR(), bold: FONT_BOLD() };
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(fontkit);
  const features = { liga: false, clig: false, dlig: false, calt: false };
  const regular = await doc.embedFont(fonts.regular, { subset: true, customName: 'LOTSEA+NotoSans-Regular', features });
  const bold = await doc.embedFont(fonts.bold, { subset: true, customName: 'LOTSEB+NotoSans-Bold', features });
  const title = de(input.form.title, input.form.id);
  doc.setTitle(`${title} – ${input.referenceNumber}`);
  doc.setSubject(`Antrag ${input.referenceNumber}`);
  doc.setAuthor('Lotse');
  doc.setCreator('Lotse');
  doc.setProducer('Lotse (pdf-lib)');
  doc.setLanguage('de-DE');
  doc.setCreationDate(input.submittedAt);
  doc.setModificationDate(input.submittedAt);

  const w = new Writer(doc, regular, bold, `${input.referenceNumber} · ${title}`);
  w.text(title, { size: 16, bold: true });
  w.text(`Aktenzeichen: ${input.referenceNumber}`, { gapBefore: 6 });
  w.text(`Eingegangen am: ${berlin(input.submittedAt)}`);
  w.text(`Formular: ${input.form.id}, Version ${input.form.version}`);
  if (input.organisationName) w.text(`Zuständig: ${input.organisationName}`);
  w.text(`Inhalts-Prüfsumme (SHA-256 der Antragsdaten): ${input.sha256}`, { size: 8 });

  for (const step of input.form.layout.steps) {
    w.text(de(step.title, step.id), { size: 13, bold: true, gapBefore: 12 });
    for (const section of step.sections) {
      w.text(de(section.title, section.id), { size: 11, bold: true, gapBefore: 6 });
      for (const name of section.fields) {
        const node = input.schema.properties?.[name];
        const lines = answerLines(node, input.data[name], de(node?.['x-label'], name));
        if (lines.length === 0) w.text(`${de(node?.['x-label'], name)}: –`, { indent: 8 });
        for (const line of lines) w.text(line.value ? `${line.label}: ${line.value}` : line.label, { indent: 8 + line.depth * 12, bold: !line.value });
      }
    }
  }

  w.text('Anlagen', { size: 13, bold: true, gapBefore: 12 });
  if (input.attachments.length === 0) w.text('Keine.', { indent: 8 });
  for (const file of input.attachments) {
    w.text(`${file.fileName} (${file.mediaType}, ${file.size} Bytes)`, { indent: 8 });
    w.text(`SHA-256: ${file.sha256}`, { indent: 20, size: 8 });
  }
  const bytes = await doc.save({ useObjectStreams: false });
  return Buffer.from(bytes);
}
