import { ErrorCode } from '../common/errors/error-code.js';
import { LotseError } from '../common/errors/lotse.error.js';

const MB = 1024 * 1024;
const megabytes = (bytes: number) => (bytes % MB === 0 ? String(bytes / MB) : (bytes / MB).toFixed(1));
const typeNames: Record<string, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG' };
const typeList = (types: readonly string[]) => types.map((t) => typeNames[t] ?? t).join(', ');

/**
 * An upload refused: the code's German and English message, made specific where the details allow
 * (the limit that was reached, the types that are allowed).
 */
export function refusal(code: ErrorCode, details?: { maxBytes?: number; allowed?: string[]; detected?: string; maxFiles?: number }): LotseError {
  switch (code) {
    case ErrorCode.FILE_TOO_LARGE:
      if (details?.maxBytes) {
        return new LotseError(code, `Die Datei ist größer als ${megabytes(details.maxBytes).replace('.', ',')} MB.`, details, `The file is larger than ${megabytes(details.maxBytes)} MB.`);
      }
      break;
    case ErrorCode.MEDIA_TYPE_NOT_ALLOWED:
      if (details?.allowed) {
        return new LotseError(code, `Dieser Dateityp ist hier nicht erlaubt. Erlaubt: ${typeList(details.allowed)}.`, details, `This file type is not allowed here. Allowed: ${typeList(details.allowed)}.`);
      }
      break;
    case ErrorCode.TOO_MANY_FILES:
      if (details?.maxFiles) {
        return new LotseError(code, `Dieses Feld nimmt höchstens ${details.maxFiles} Datei(en).`, details, `This field takes at most ${details.maxFiles} file(s).`);
      }
      break;
    default:
      break;
  }
  return new LotseError(code, undefined, details);
}
