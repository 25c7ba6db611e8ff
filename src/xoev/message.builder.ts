import type { FormSchemaNode } from '../forms/form.types.js';
import { escapeXmlAttribute as attr, escapeXmlText as text, fachdatenElement } from './fachdaten.serializer.js';
import type { ApplicationFile } from '../attachments/application-files.js';

export const MESSAGE_NAMESPACE = 'urn:lotse:xoev:nachricht:1';
export const MESSAGE_ELEMENT = 'antrag.eingang.0100';
export const MESSAGE_TYPE_LIST = 'urn:lotse:codeliste:nachrichtentyp';

export interface Behoerde {
  kennung: string;
  name: string;
  /** Code of the directory service the authority is listed in (KoSIT list); empty where none is known. */
  verzeichnisdienst: string;
  verzeichnisdienstVersion: string;
}

export interface MessageInput {
  uuid: string;
  createdAt: Date;
  product: { name: string; vendor: string; version: string };
  test: boolean;
  leser: Behoerde;
  autor: Behoerde;
  referenceNumber: string;
  formId: string;
  formVersion: string;
  serviceId: string;
  leikaKey?: string;
  submittedAt: Date;
  language: string;
  sha256: string;
  published: FormSchemaNode;
  data: Record<string, unknown>;
  /** The application's files; each with its content (base64) or a reference to fetch it. */
  attachments?: MessageAttachment[];
}

/** An applicant's file as the message lists it: its content embedded (base64) or a reference to fetch it. */
export interface MessageAttachment extends ApplicationFile {
  content?: Buffer;
  reference?: string;
}

const anlage = (a: MessageAttachment) =>
  `<anlage><kennung>${a.id}</kennung><dateiname>${text(a.fileName)}</dateiname><mimeType>${text(a.mediaType)}</mimeType><groesse>${a.size}</groesse>` +
  `<pruefsumme>${a.sha256}</pruefsumme>${a.field ? `<feld>${text(a.field)}</feld>` : ''}` +
  (a.content ? `<inhalt>${a.content.toString('base64')}</inhalt>` : `<referenz>${text(a.reference ?? '')}</referenz>`) +
  '</anlage>';

const behoerde = (tag: string, b: Behoerde) =>
  `<${tag}><verzeichnisdienst listURI="urn:xoev-de:kosit:codeliste:verzeichnisdienst" listVersionID="${attr(b.verzeichnisdienstVersion)}"><code>${text(b.verzeichnisdienst)}</code></verzeichnisdienst>` +
  `<kennung>${text(b.kennung)}</kennung><name>${text(b.name)}</name></${tag}>`;

/**
 * The XÖV message of a received application: root `lotse:antrag.eingang.0100` with the attributes of
 * Nachricht.G2GType, the unqualified `nachrichtenkopf.g2g`, the application's metadata and the Fachdaten in
 * the form's namespace.
 */
export function buildMessage(m: MessageInput): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<lotse:${MESSAGE_ELEMENT} xmlns:lotse="${MESSAGE_NAMESPACE}" produkt="${attr(m.product.name)}" produkthersteller="${attr(m.product.vendor)}" produktversion="${attr(m.product.version)}" standard="Lotse" version="1.0" test="${m.test}">`,
    '<nachrichtenkopf.g2g><identifikation.nachricht>',
    `<nachrichtenUUID>${m.uuid}</nachrichtenUUID>`,
    `<nachrichtentyp listURI="${MESSAGE_TYPE_LIST}" listVersionID="1"><code>0100</code></nachrichtentyp>`,
    `<erstellungszeitpunkt>${m.createdAt.toISOString()}</erstellungszeitpunkt>`,
    '</identifikation.nachricht>',
    behoerde('leser', m.leser),
    behoerde('autor', m.autor),
    '</nachrichtenkopf.g2g>',
    '<antrag>',
    `<aktenzeichen>${text(m.referenceNumber)}</aktenzeichen><formular>${text(m.formId)}</formular><formularversion>${text(m.formVersion)}</formularversion>`,
    `<leistung>${text(m.serviceId)}</leistung>`,
    m.leikaKey ? `<leistungsschluessel>${text(m.leikaKey)}</leistungsschluessel>` : '',
    `<eingangszeitpunkt>${m.submittedAt.toISOString()}</eingangszeitpunkt><sprache>${text(m.language)}</sprache><pruefsumme>${m.sha256}</pruefsumme>`,
    '</antrag>',
    fachdatenElement(m.formId, m.formVersion, m.published, m.data),
    m.attachments?.length ? `<anlagen>${m.attachments.map(anlage).join('')}</anlagen>` : '',
    `</lotse:${MESSAGE_ELEMENT}>\n`,
  ].join('');
}
