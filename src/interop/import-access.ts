import type { Principal } from '../common/auth/access.guard.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { LotseError } from '../common/errors/lotse.error.js';
import type { ImportsService } from './imports.service.js';

/** Editors import into their own organisation or one of its units. */
export async function assertMayImport(imports: ImportsService, principal: Principal, organisationId: string): Promise<void> {
  if (!(await imports.organisationsOf(principal)).includes(organisationId)) {
    throw new LotseError(ErrorCode.FORBIDDEN, 'Sie dürfen nur in Ihre eigene Organisation (oder deren Einheiten) importieren.');
  }
}
