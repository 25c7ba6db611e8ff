import { ErrorCode } from '../common/errors/error-code.js';
import { LotseError } from '../common/errors/lotse.error.js';
import { ImportRejectedError } from '../interop/import.problems.js';
import { parseXml } from '../interop/xml/safe-xml.js';
import { child, childrenNamed, childText, codeOf, type XmlElement } from '../interop/xml/xml-element.js';
import { XDOMEA_NAMESPACE, type MessageCode } from './xdomea.serializer.js';

/** Answers from the archive are small; anything above this is refused before parsing. */
export const MAX_ANSWER_BYTES = 10 * 1024 * 1024;
const LIMITS = { maxBytes: MAX_ANSWER_BYTES, maxDepth: 32, maxElements: 500_000, maxReferences: 100_000 };

export interface IncomingMessage {
  code: MessageCode;
  processId: string;
  root: XmlElement;
}

export type Evaluation = { recordId: string; decision: 'ARCHIVE' | 'DESTROY' };
export type ImportResult = { recordId: string; ok: boolean; archiveId?: string; errors: string[] };

const malformed = (message: string, details?: Record<string, unknown>) => new LotseError(ErrorCode.ARCHIVE_MESSAGE_MALFORMED, message, details);

/**
 * Reads an answer of the archive safely (no DTDs or entities, size and depth limits) and names its type:
 * the root must be one of the xdomea 3.0.0 Aussonderung messages with a ProzessID in its Kopf.
 */
export function readIncoming(xml: string, expected: MessageCode[]): IncomingMessage {
  let root: XmlElement;
  try {
    root = parseXml(xml, LIMITS);
  } catch (error) {
    if (error instanceof ImportRejectedError) throw malformed(`Die Datei ist kein wohlgeformtes XML: ${error.problems[0]?.message ?? ''}`.trim());
    throw error;
  }
  const match = /^Aussonderung\.\w+\.(\d{4})$/.exec(root.name);
  if (root.namespace !== XDOMEA_NAMESPACE || !match || !expected.includes(match[1] as MessageCode)) {
    throw new LotseError(ErrorCode.ARCHIVE_MESSAGE_UNEXPECTED, `Erwartet war eine xdomea-3.0.0-Nachricht ${expected.join(' oder ')}, die Datei enthält „${root.name}“ (${root.namespace || 'ohne Namensraum'}).`, {
      expected,
      found: root.name,
    });
  }
  const kopf = child(root, 'Kopf');
  const processId = childText(kopf, 'ProzessID');
  if (!processId) throw malformed('Der Nachrichtenkopf nennt keine ProzessID.');
  const typ = codeOf(child(kopf, 'Nachrichtentyp'));
  if (typ !== match[1]) throw malformed(`Der Nachrichtentyp im Kopf (${typ ?? 'keiner'}) passt nicht zum Wurzelelement ${root.name}.`);
  return { code: match[1] as MessageCode, processId: processId.toLowerCase(), root };
}

/** 0502: archive (A) or destroy (V) per record; "B" (still to be evaluated) is not an answer. */
export function evaluationsOf(message: IncomingMessage): Evaluation[] {
  const out: Evaluation[] = [];
  for (const [i, objekt] of childrenNamed(message.root, 'BewertetesObjekt').entries()) {
    const id = childText(objekt, 'ID')?.toLowerCase();
    const art = child(objekt, 'Aussonderungsart');
    const value = codeOf(child(art, 'Aussonderungsart')) ?? childText(art, 'AussonderungsartKonfigurierbar');
    if (!id) throw malformed(`Bewertetes Objekt ${i + 1}: die ID fehlt.`);
    if (value !== 'A' && value !== 'V') {
      throw malformed(`Bewertetes Objekt ${id}: „${value ?? ''}“ ist keine Entscheidung (A = archivieren, V = vernichten).`, { recordId: id });
    }
    out.push({ recordId: id, decision: value === 'A' ? 'ARCHIVE' : 'DESTROY' });
  }
  if (out.length === 0) throw malformed('Das Bewertungsverzeichnis enthält kein bewertetes Objekt.');
  return out;
}

/** 0506: per record whether the archive imported it. */
export function importResultsOf(message: IncomingMessage): ImportResult[] {
  return childrenNamed(message.root, 'AusgesondertesSGO').map((sgo) => ({
    recordId: (childText(sgo, 'IDSGO') ?? '').toLowerCase(),
    ok: childText(sgo, 'Erfolgreich') === 'true' || childText(sgo, 'Erfolgreich') === '1',
    archiveId: childText(sgo, 'Archivkennung'),
    errors: childrenNamed(sgo, 'Fehlermeldung').map((e) => e.text.trim()),
  }));
}
