import { escapeXmlAttribute as attr, escapeXmlText as text } from '../xoev/fachdaten.serializer.js';

export const XDOMEA_NAMESPACE = 'urn:xoev-de:xdomea:schema:3.0.0';

/** Message types of the Aussonderung (code list urn:xoev-de:xdomea:codeliste:nachrichtentyp 2.0). */
export const MESSAGE_TYPES = {
  '0501': 'Aussonderung.Anbieteverzeichnis',
  '0502': 'Aussonderung.Bewertungsverzeichnis',
  '0503': 'Aussonderung.Aussonderung',
  '0504': 'Aussonderung.AnbietungEmpfangBestaetigen',
  '0506': 'Aussonderung.AussonderungImportBestaetigen',
} as const;
export type MessageCode = keyof typeof MESSAGE_TYPES;

/** Vertraulichkeitsstufe 1.0 (urn:xoev-de:xdomea:codeliste:vertraulichkeitsstufe), from the official code list. */
export const CONFIDENTIALITY: Readonly<Record<string, string>> = {
  '001': 'Geheim: Das Schriftgutobjekt ist als geheim eingestuft.',
  '002': 'NfD: Das Schriftgutobjekt ist als "nur für den Dienstgebrauch (nfD)" eingestuft.',
  '003': 'Offen: Das Schriftgutobjekt ist nicht eingestuft.',
  '004': 'Streng geheim: Das Schriftgutobjekt ist als streng geheim eingestuft.',
  '005': 'Vertraulich: Das Schriftgutobjekt ist als vertraulich eingestuft.',
};

/** Aussonderungsart 1.0: A archivwürdig, B zum Bewerten markiert, V zum Vernichten markiert. */
export const AUSSONDERUNGSART = { ARCHIVE: 'A', OFFER: 'B', DESTROY: 'V' } as const;

/** The file name of a message and of its ZIP (xdomea: `<ProzessID>_<Nachrichtenname>.<Nachrichtentyp>`). */
export const messageFileName = (processId: string, code: MessageCode, ext: 'xml' | 'zip') => `${processId}_${MESSAGE_TYPES[code]}.${code}.${ext}`;

export interface ArchiveDocument {
  /** xdomea object id (UUID). */
  id: string;
  title: string;
  /** `<id>_<name>.<ext>`, as the xdomea Dateiname pattern asks (ASCII, unique in the ZIP). */
  fileName: string;
  /** The name the file was uploaded with (DateinameOriginal), where it differs from {@link fileName}. */
  originalFileName?: string;
  /** Lower-case media type; XDOMEA_FORMAT_CODES maps it to the Dateiformat code. */
  mediaType: string;
  bytes: Uint8Array;
  sha256: string;
  createdAt: Date;
  author?: string;
}

export interface ProtocolEntry {
  actor: string;
  at: Date;
  action: string;
  field?: string;
  oldValue?: string;
  newValue?: string;
  note?: string;
}

/** A case as an xdomea record (one Vorgang with its documents and history). */
export interface CaseRecord {
  recordId: string;
  referenceNumber: string;
  serviceTitle: string;
  fileplanMark?: string;
  organisationName: string;
  confidentiality: string;
  submittedAt: Date;
  endedAt: Date;
  retentionYears: number;
  retainUntil: string;
  archive: keyof typeof AUSSONDERUNGSART;
  legalBasis: string;
  protocol: ProtocolEntry[];
  documents: ArchiveDocument[];
}

export interface Party {
  institution: string;
  shortName?: string;
  unit?: string;
}

export interface Kopf {
  processId: string;
  code: MessageCode;
  createdAt: Date;
  sender: Party;
  recipient: Party;
  system: { name: string; version: string };
}

const el = (name: string, content: string) => `<xdomea:${name}>${content}</xdomea:${name}>`;
const opt = (name: string, value: string | undefined) => (value === undefined || value === '' ? '' : el(name, text(value)));
const date = (d: Date) => d.toISOString().slice(0, 10);
const dateTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const code = (name: string, list: string, version: string, value: string, label?: string) =>
  `<xdomea:${name} listURI="${attr(list)}" listVersionID="${attr(version)}"><code>${text(value)}</code>${label ? `<name>${text(label)}</name>` : ''}</xdomea:${name}>`;

const party = (p: Party) =>
  el('Institution', el('Name', text(p.institution)) + opt('Kurzbezeichnung', p.shortName)) + (p.unit ? el('Organisationseinheit', el('Name', text(p.unit))) : '');

/** NkBasisType: ProzessID, Nachrichtentyp, Erstellungszeitpunkt, Absender, Empfaenger, SendendesSystem. */
function kopfBasis(k: Kopf): string {
  return (
    el('ProzessID', k.processId) +
    code('Nachrichtentyp', 'urn:xoev-de:xdomea:codeliste:nachrichtentyp', '2.0', k.code, MESSAGE_TYPES[k.code]) +
    el('Erstellungszeitpunkt', dateTime(k.createdAt)) +
    el('Absender', party(k.sender)) +
    el('Empfaenger', party(k.recipient)) +
    el('SendendesSystem', el('Produktname', text(k.system.name)) + el('Version', text(k.system.version)))
  );
}

function protocol(entries: ProtocolEntry[]): string {
  return entries
    .map((p) =>
      el(
        'HistorienProtokollInformation',
        opt('MetadatumName', p.field) + opt('MetadatumAlterWert', p.oldValue) + opt('MetadatumNeuerWert', p.newValue) +
          el('Akteur', text(p.actor)) + el('DatumUhrzeit', dateTime(p.at)) + opt('Bemerkung', p.note) + el('Aktion', text(p.action)),
      ),
    )
    .join('');
}

const MEDIUM_ELECTRONIC = code('Medium', 'urn:xoev-de:xdomea:codeliste:medium', '1.0', '001', 'Elektronisch: Das Schriftgutobjekt liegt ausschließlich in elektronischer Form vor.');

/**
 * One document. In an offer (0501) only its metadata; in a handover (0503) also its primary file (Version/Format
 * with the Dateiformat code and the file name inside the ZIP).
 */
function dokument(d: ArchiveDocument, position: number, formatCodes: Map<string, string> | undefined): string {
  let version = '';
  if (formatCodes) {
    const formatCode = formatCodes.get(d.mediaType) as string;
    version = el(
      'Version',
      el('Nummer', '1') +
        el(
          'Format',
          `<xdomea:Name listURI="urn:xoev-de:xdomea:codeliste:dateiformat" listVersionID="2.0"><code>${text(formatCode)}</code></xdomea:Name>` +
            el('Version', '') +
            el(
              'Primaerdokument',
              el('Dateiname', text(d.fileName)) + opt('DateinameOriginal', d.originalFileName) + opt('Ersteller', d.author) + el('DatumUhrzeit', dateTime(d.createdAt)),
            ),
        ),
    );
  }
  return el(
    'Dokument',
    el('Identifikation', el('ID', d.id) + el('NummerImUebergeordnetenContainer', String(position))) +
      el('AllgemeineMetadaten', el('Betreff', text(d.title)) + el('Bemerkung', text(`SHA-256: ${d.sha256}; Medientyp: ${d.mediaType}`)) + MEDIUM_ELECTRONIC) +
      el('DatumDesSchreibens', date(d.createdAt)) +
      version,
  );
}

/** The case as Schriftgutobjekt/Vorgang with its archive metadata, protocol and documents. */
export function vorgang(r: CaseRecord, formatCodes?: Map<string, string>): string {
  return el(
    'Schriftgutobjekt',
    el(
      'Vorgang',
      el('Identifikation', el('ID', r.recordId)) +
        el(
          'AllgemeineMetadaten',
          el('Betreff', text(`${r.serviceTitle} – ${r.referenceNumber}`)) +
            el('Kennzeichen', text(r.referenceNumber)) +
            el('Federfuehrung', text(r.organisationName)) +
            code('Vertraulichkeitsstufe', 'urn:xoev-de:xdomea:codeliste:vertraulichkeitsstufe', '1.0', r.confidentiality, CONFIDENTIALITY[r.confidentiality]) +
            el('Bemerkung', text(`Aufbewahrung nach ${r.legalBasis}`)) +
            MEDIUM_ELECTRONIC +
            (r.fileplanMark ? el('Aktenplaneinheit', el('Kennzeichen', text(r.fileplanMark))) : ''),
        ) +
        el(
          'ArchivspezifischeMetadaten',
          el('Aufbewahrungsdauer', el('AnzahlJahre', String(r.retentionYears))) +
            el('Aussonderungsart', code('Aussonderungsart', 'urn:xoev-de:xdomea:codeliste:aussonderungsart', '1.0', AUSSONDERUNGSART[r.archive])) +
            el('Aufbewahrungsende', r.retainUntil),
        ) +
        el('Aktenbetreff', text(r.serviceTitle)) +
        el('Typ', 'Antrag') +
        el('ZdA', 'true') +
        el('ZdADatum', date(r.endedAt)) +
        el('Laufzeit', el('Beginn', date(r.submittedAt)) + el('Ende', date(r.endedAt))) +
        protocol(r.protocol) +
        r.documents.map((d, i) => dokument(d, i + 1, formatCodes)).join(''),
    ),
  );
}

const root = (name: string, body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<xdomea:${name} xmlns:xdomea="${XDOMEA_NAMESPACE}">${body}</xdomea:${name}>\n`;

/** Aussonderung.Anbieteverzeichnis.0501: the records offered, metadata only (no primary documents). */
export function build0501(k: Kopf, records: CaseRecord[]): string {
  return root('Aussonderung.Anbieteverzeichnis.0501', el('Kopf', kopfBasis(k) + el('Empfangsbestaetigung', 'true')) + records.map((r) => vorgang(r)).join(''));
}

/** Aussonderung.Aussonderung.0503: the records chosen by the archive, with their primary documents (in the ZIP). */
export function build0503(k: Kopf, records: CaseRecord[], formatCodes: Map<string, string>): string {
  return root(
    'Aussonderung.Aussonderung.0503',
    el('Kopf', kopfBasis(k) + el('Importbestaetigung', '1') + el('RueckmeldungArchivkennung', 'true') + el('Empfangsbestaetigung', 'true')) +
      records.map((r) => vorgang(r, formatCodes)).join(''),
  );
}

/** A 0502 answer (for tests and for archives that want a template): one BewertetesObjekt per record. */
export function build0502(k: Kopf, decisions: Array<{ recordId: string; art: 'A' | 'V' }>): string {
  return root(
    'Aussonderung.Bewertungsverzeichnis.0502',
    el('Kopf', kopfBasis(k) + el('Empfangsbestaetigung', 'false')) +
      decisions.map((d) => el('BewertetesObjekt', el('ID', d.recordId) + el('Aussonderungsart', code('Aussonderungsart', 'urn:xoev-de:xdomea:codeliste:aussonderungsart', '1.0', d.art)))).join(''),
  );
}

/** A 0504 acknowledgement of an offer (for tests). */
export function build0504(k: Kopf): string {
  return root('Aussonderung.AnbietungEmpfangBestaetigen.0504', el('Kopf', kopfBasis(k)));
}

/** A 0506 import confirmation (for tests): per record success or failure. */
export function build0506(k: Kopf, results: Array<{ recordId: string; ok: boolean; archiveId?: string; error?: string }>): string {
  return root(
    'Aussonderung.AussonderungImportBestaetigen.0506',
    el('Kopf', kopfBasis(k)) +
      results.map((r) => el('AusgesondertesSGO', el('IDSGO', r.recordId) + el('Erfolgreich', String(r.ok)) + opt('Fehlermeldung', r.error) + opt('Archivkennung', r.archiveId))).join(''),
  );
}

/** Parses `a=b,c=d` (XDOMEA_FORMAT_CODES). */
export function parseFormatCodes(value: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of value.split(',')) {
    const [type, formatCode] = pair.split('=').map((s) => s.trim());
    if (type && formatCode) map.set(type.toLowerCase(), formatCode);
  }
  return map;
}
