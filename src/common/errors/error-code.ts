import { registerEnumType } from '@nestjs/graphql';

/**
 * The closed set of error codes a client can see in `extensions.code` (GraphQL) or `error.code` (REST).
 * Features add their codes here, never ad hoc strings elsewhere.
 */
export enum ErrorCode {
  BAD_REQUEST = 'BAD_REQUEST',
  MALFORMED_JSON = 'MALFORMED_JSON',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  GRAPHQL_PARSE_FAILED = 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED',
  QUERY_TOO_DEEP = 'QUERY_TOO_DEEP',
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  TOO_MANY_ALIASES = 'TOO_MANY_ALIASES',
  INTROSPECTION_DISABLED = 'INTROSPECTION_DISABLED',
  BATCHING_NOT_SUPPORTED = 'BATCHING_NOT_SUPPORTED',
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  INPUT_TOO_DEEP = 'INPUT_TOO_DEEP',
  INPUT_TOO_LARGE = 'INPUT_TOO_LARGE',
  NOT_FOUND = 'NOT_FOUND',
  ROUTE_NOT_FOUND = 'ROUTE_NOT_FOUND',
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
  FORM_NOT_FOUND = 'FORM_NOT_FOUND',
  FORM_VERSION_NOT_FOUND = 'FORM_VERSION_NOT_FOUND',
  FORM_VERSION_NOT_PUBLISHED = 'FORM_VERSION_NOT_PUBLISHED',
  FORM_RETIRED = 'FORM_RETIRED',
  FORM_DATA_NOT_OBJECT = 'FORM_DATA_NOT_OBJECT',
  IDEMPOTENCY_CONFLICT = 'IDEMPOTENCY_CONFLICT',
  DRAFT_NOT_FOUND = 'DRAFT_NOT_FOUND',
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  EXPORT_INVALID = 'EXPORT_INVALID',
  FORM_ALREADY_PUBLISHED = 'FORM_ALREADY_PUBLISHED',
  ARCHIVE_SCHEMA_UNAVAILABLE = 'ARCHIVE_SCHEMA_UNAVAILABLE',
  ARCHIVE_MESSAGE_INVALID = 'ARCHIVE_MESSAGE_INVALID',
  ARCHIVE_MESSAGE_MALFORMED = 'ARCHIVE_MESSAGE_MALFORMED',
  ARCHIVE_MESSAGE_UNEXPECTED = 'ARCHIVE_MESSAGE_UNEXPECTED',
  ARCHIVE_WRONG_STATE = 'ARCHIVE_WRONG_STATE',
  ARCHIVE_FORMAT_CODE_MISSING = 'ARCHIVE_FORMAT_CODE_MISSING',
  ARCHIVE_NOTHING_DUE = 'ARCHIVE_NOTHING_DUE',
  MEDIA_TYPE_NOT_ALLOWED = 'MEDIA_TYPE_NOT_ALLOWED',
  MEDIA_TYPE_MISMATCH = 'MEDIA_TYPE_MISMATCH',
  FILE_TOO_LARGE = 'FILE_TOO_LARGE',
  FILE_EMPTY = 'FILE_EMPTY',
  FILE_MALFORMED = 'FILE_MALFORMED',
  FILE_ENCRYPTED = 'FILE_ENCRYPTED',
  FILE_NAME_INVALID = 'FILE_NAME_INVALID',
  FIELD_NOT_ATTACHMENT = 'FIELD_NOT_ATTACHMENT',
  TOO_MANY_FILES = 'TOO_MANY_FILES',
  INFECTED = 'INFECTED',
  SCANNER_UNAVAILABLE = 'SCANNER_UNAVAILABLE',
  ATTACHMENT_INVALID = 'ATTACHMENT_INVALID',
  UPLOAD_MALFORMED = 'UPLOAD_MALFORMED',
  WEBHOOK_URL_FORBIDDEN = 'WEBHOOK_URL_FORBIDDEN',
  SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

registerEnumType(ErrorCode, { name: 'ErrorCode', description: 'Stable machine-readable error codes.' });

/** Default German message and HTTP status of each code. */
export const ERROR_DEFAULTS: Readonly<Record<ErrorCode, { status: number; de: string; en: string }>> = {
  BAD_REQUEST: { status: 400, de: 'Die Anfrage ist ungültig.', en: 'The request is invalid.' },
  MALFORMED_JSON: {
    status: 400,
    de: 'Der Anfragetext ist kein gültiges JSON.',
    en: 'The request body is not valid JSON.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    de: 'Der Anfragetext ist zu groß.',
    en: 'The request body is too large.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    de: 'Der Inhaltstyp wird nicht unterstützt. Bitte senden Sie „application/json“.',
    en: 'Unsupported content type. Please send "application/json".',
  },
  GRAPHQL_PARSE_FAILED: {
    status: 400,
    de: 'Die GraphQL-Anfrage enthält einen Syntaxfehler.',
    en: 'The GraphQL document has a syntax error.',
  },
  GRAPHQL_VALIDATION_FAILED: {
    status: 400,
    de: 'Die GraphQL-Anfrage passt nicht zum Schema.',
    en: 'The GraphQL document does not match the schema.',
  },
  QUERY_TOO_DEEP: {
    status: 400,
    de: 'Die GraphQL-Anfrage ist zu tief verschachtelt.',
    en: 'The GraphQL query is nested too deeply.',
  },
  QUERY_TOO_COMPLEX: {
    status: 400,
    de: 'Die GraphQL-Anfrage ist zu aufwendig.',
    en: 'The GraphQL query is too complex.',
  },
  TOO_MANY_ALIASES: {
    status: 400,
    de: 'Die GraphQL-Anfrage verwendet zu viele Aliasse.',
    en: 'The GraphQL query uses too many aliases.',
  },
  INTROSPECTION_DISABLED: {
    status: 400,
    de: 'Die Schema-Abfrage (Introspection) ist in dieser Umgebung abgeschaltet.',
    en: 'Introspection is disabled in this environment.',
  },
  BATCHING_NOT_SUPPORTED: {
    status: 400,
    de: 'Mehrere Anfragen in einem Aufruf (Batching) werden nicht unterstützt.',
    en: 'Batched requests are not supported.',
  },
  BAD_USER_INPUT: { status: 400, de: 'Die Eingabe ist ungültig.', en: 'The input is invalid.' },
  INPUT_TOO_DEEP: {
    status: 400,
    de: 'Die Eingabe ist zu tief verschachtelt.',
    en: 'The input is nested too deeply.',
  },
  INPUT_TOO_LARGE: {
    status: 413,
    de: 'Die Eingabe enthält zu viele Werte.',
    en: 'The input contains too many values.',
  },
  NOT_FOUND: { status: 404, de: 'Der Eintrag wurde nicht gefunden.', en: 'The entry was not found.' },
  ROUTE_NOT_FOUND: { status: 404, de: 'Diese Adresse gibt es nicht.', en: 'This route does not exist.' },
  METHOD_NOT_ALLOWED: {
    status: 405,
    de: 'Diese HTTP-Methode ist hier nicht erlaubt.',
    en: 'This HTTP method is not allowed here.',
  },
  UNAUTHENTICATED: { status: 401, de: 'Bitte melden Sie sich an.', en: 'Authentication required.' },
  FORBIDDEN: {
    status: 403,
    de: 'Sie haben keine Berechtigung für diese Aktion.',
    en: 'You are not allowed to do this.',
  },
  CONFLICT: {
    status: 409,
    de: 'Der Eintrag wurde inzwischen geändert. Bitte laden Sie ihn neu.',
    en: 'The entry was changed in the meantime. Please reload it.',
  },
  RATE_LIMITED: {
    status: 429,
    de: 'Zu viele Anfragen. Bitte versuchen Sie es später erneut.',
    en: 'Too many requests. Please try again later.',
  },
  FORM_NOT_FOUND: { status: 404, de: 'Dieses Formular gibt es nicht.', en: 'This form does not exist.' },
  FORM_VERSION_NOT_FOUND: {
    status: 404,
    de: 'Diese Version des Formulars gibt es nicht.',
    en: 'This version of the form does not exist.',
  },
  FORM_VERSION_NOT_PUBLISHED: {
    status: 409,
    de: 'Diese Version des Formulars ist noch nicht veröffentlicht.',
    en: 'This version of the form is not published yet.',
  },
  FORM_RETIRED: {
    status: 410,
    de: 'Dieses Formular wird nicht mehr angenommen. Bitte verwenden Sie die aktuelle Version.',
    en: 'This form is no longer accepted. Please use the current version.',
  },
  FORM_DATA_NOT_OBJECT: {
    status: 400,
    de: 'Die Formulardaten müssen ein JSON-Objekt sein.',
    en: 'The form data must be a JSON object.',
  },
  IDEMPOTENCY_CONFLICT: {
    status: 409,
    de: 'Dieser Idempotenzschlüssel wurde bereits für einen anderen Antrag verwendet.',
    en: 'This idempotency key was already used for a different submission.',
  },
  DRAFT_NOT_FOUND: {
    status: 404,
    de: 'Der Entwurf wurde nicht gefunden oder ist abgelaufen.',
    en: 'The draft was not found or has expired.',
  },
  INVALID_TRANSITION: {
    status: 409,
    de: 'Dieser Statuswechsel ist nicht erlaubt.',
    en: 'This status change is not allowed.',
  },
  FORM_ALREADY_PUBLISHED: {
    status: 409,
    de: 'Diese Formularversion ist bereits veröffentlicht; veröffentlichte Versionen bleiben unverändert.',
    en: 'This form version is already published; published versions never change.',
  },
  ARCHIVE_SCHEMA_UNAVAILABLE: {
    status: 503,
    de: 'Die xdomea-3.0.0-Schemata sind nicht eingerichtet (XDOMEA_XSD_DIR); ohne sie verlässt keine Archivnachricht das System.',
    en: 'The xdomea 3.0.0 schemas are not configured (XDOMEA_XSD_DIR); no archive message leaves without them.',
  },
  ARCHIVE_MESSAGE_INVALID: {
    status: 500,
    de: 'Die xdomea-Nachricht ist nicht schemagültig und wurde nicht ausgegeben. Der Fehler ist protokolliert.',
    en: 'The xdomea message does not validate and was not handed out. The error has been logged.',
  },
  ARCHIVE_MESSAGE_MALFORMED: {
    status: 400,
    de: 'Die Nachricht des Archivs ist kein gültiges xdomea-3.0.0-Dokument.',
    en: 'The archive\'s message is not a valid xdomea 3.0.0 document.',
  },
  ARCHIVE_MESSAGE_UNEXPECTED: {
    status: 400,
    de: 'Die Nachricht des Archivs passt nicht zu dieser Aussonderung.',
    en: 'The archive\'s message does not belong to this transfer.',
  },
  ARCHIVE_WRONG_STATE: {
    status: 409,
    de: 'Die Aussonderung ist nicht in dem Schritt, den dieser Befehl voraussetzt.',
    en: 'The transfer is not at the step this command needs.',
  },
  ARCHIVE_FORMAT_CODE_MISSING: {
    status: 500,
    de: 'Für das Dateiformat eines Dokuments ist kein xdomea-Code eingerichtet (XDOMEA_FORMAT_CODES).',
    en: 'No xdomea file format code is configured for a document (XDOMEA_FORMAT_CODES).',
  },
  ARCHIVE_NOTHING_DUE: {
    status: 409,
    de: 'Es gibt keine Vorgänge, deren Aufbewahrungsfrist abgelaufen ist und die anzubieten sind.',
    en: 'No cases are past their retention period and due for an offer.',
  },
  EXPORT_INVALID: {
    status: 500,
    de: 'Die XÖV-Nachricht zu diesem Antrag ist nicht schemagültig und wurde nicht ausgeliefert. Der Fehler ist protokolliert.',
    en: 'The XÖV message of this submission does not validate and was not delivered. The error is logged.',
  },
  MEDIA_TYPE_NOT_ALLOWED: {
    status: 415,
    de: 'Dieser Dateityp ist hier nicht erlaubt.',
    en: 'This file type is not allowed here.',
  },
  MEDIA_TYPE_MISMATCH: {
    status: 415,
    de: 'Der Inhalt der Datei passt nicht zu ihrem Typ oder ihrer Dateiendung.',
    en: 'The content of the file does not match its declared type or file extension.',
  },
  FILE_TOO_LARGE: {
    status: 413,
    de: 'Die Datei ist zu groß.',
    en: 'The file is too large.',
  },
  FILE_EMPTY: {
    status: 400,
    de: 'Die Datei ist leer.',
    en: 'The file is empty.',
  },
  FILE_MALFORMED: {
    status: 422,
    de: 'Die Datei ist beschädigt oder lässt sich nicht lesen.',
    en: 'The file is damaged or cannot be read.',
  },
  FILE_ENCRYPTED: {
    status: 422,
    de: 'Die PDF-Datei ist mit einem Kennwort geschützt. Bitte laden Sie sie ohne Kennwortschutz hoch.',
    en: 'The PDF is password-protected. Please upload it without a password.',
  },
  FILE_NAME_INVALID: {
    status: 400,
    de: 'Der Dateiname ist ungültig (keine Pfadangaben oder Steuerzeichen, höchstens 255 Bytes).',
    en: 'The file name is invalid (no path separators or control characters, at most 255 bytes).',
  },
  FIELD_NOT_ATTACHMENT: {
    status: 400,
    de: 'Dieses Feld nimmt keine Dateien an.',
    en: 'This field does not take files.',
  },
  TOO_MANY_FILES: {
    status: 409,
    de: 'Für dieses Feld sind schon so viele Dateien hochgeladen, wie erlaubt sind.',
    en: 'This field already has as many files as it allows.',
  },
  INFECTED: {
    status: 422,
    de: 'In der Datei wurde Schadsoftware gefunden. Sie wurde nicht angenommen.',
    en: 'Malware was found in the file. It was not accepted.',
  },
  SCANNER_UNAVAILABLE: {
    status: 503,
    de: 'Die Virenprüfung ist gerade nicht erreichbar; die Datei wurde nicht angenommen. Bitte versuchen Sie es später erneut.',
    en: 'The virus scanner is unavailable right now; the file was not accepted. Please try again later.',
  },
  ATTACHMENT_INVALID: {
    status: 400,
    de: 'Eine angegebene Datei gibt es nicht, sie gehört zu einem anderen Feld oder Antrag, oder sie passt nicht zu den Vorgaben des Feldes.',
    en: 'An attachment does not exist, belongs to another field or submission, or does not meet the field limits.',
  },
  UPLOAD_MALFORMED: {
    status: 400,
    de: 'Der Upload ist unvollständig: erst die Textfelder, dann genau eine Datei im Teil „file“.',
    en: 'The upload is incomplete: text fields first, then exactly one file in the part "file".',
  },
  WEBHOOK_URL_FORBIDDEN: {
    status: 400,
    de: 'Diese Adresse ist für Webhooks nicht erlaubt: Sie zeigt auf ein lokales, privates oder reserviertes Netz oder auf diesen Server.',
    en: 'This address is not allowed for webhooks: it points to a local, private or reserved network or to this server.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    de: 'Der Dienst ist vorübergehend nicht erreichbar. Bitte versuchen Sie es gleich noch einmal.',
    en: 'The service is temporarily unavailable. Please try again shortly.',
  },
  INTERNAL_SERVER_ERROR: {
    status: 500,
    de: 'Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es später erneut.',
    en: 'An internal error occurred. Please try again later.',
  },
};
