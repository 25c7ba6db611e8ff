import { ErrorCode } from '../common/errors/error-code.js';
import { LotseError } from '../common/errors/lotse.error.js';
import { formatProblem } from './catalog.checker.js';
import type { CatalogProblem } from './catalog.types.js';

/** The catalog on disk does not pass the check; nothing was written. */
export class CatalogRejectedError extends Error {
  constructor(readonly problems: CatalogProblem[]) {
    super(`Der Katalog enthält ${problems.length} Fehler und wurde nicht übernommen:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'CatalogRejectedError';
  }
}

const AGS = /^(\d{5}|\d{8})$/;

export function assertAgs(ags: string | null | undefined, argument = 'ags'): void {
  if (ags !== undefined && ags !== null && !AGS.test(ags)) {
    throw new LotseError(
      ErrorCode.BAD_USER_INPUT,
      `„${ags.slice(0, 40)}“ ist kein gültiger Amtlicher Gemeindeschlüssel (8 Ziffern, für den Landkreis 5).`,
      { argument },
    );
  }
}

export const unknownAgs = (ags: string) =>
  new LotseError(ErrorCode.NOT_FOUND, `Eine Gemeinde mit dem Schlüssel ${ags} gibt es im Landkreis nicht.`, { ags });

export const unknownService = (key: string) =>
  new LotseError(ErrorCode.NOT_FOUND, `Die Leistung „${key.slice(0, 80)}“ gibt es nicht.`);
