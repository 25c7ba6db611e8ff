import { SetMetadata, applyDecorators } from '@nestjs/common';
import { Extensions } from '@nestjs/graphql';
import { Permission } from './permission.js';

export const ACCESS_METADATA = 'lotse:access';

/** How a root field or route is guarded; also written into the field's GraphQL extensions. */
export type AccessRule = { kind: 'public' } | { kind: 'citizen' } | { kind: 'permission'; permission: Permission };

function access(rule: AccessRule) {
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, rule),
    Extensions({ access: rule.kind === 'public' ? 'PUBLIC' : rule.kind === 'citizen' ? 'CITIZEN' : rule.permission }),
  );
}

/** Anyone may call this, without a login. */
export const Public = () => access({ kind: 'public' });

/** Only a signed-in citizen (a valid token of CITIZEN_OIDC_ISSUER) may call this. */
export const RequireCitizen = () => access({ kind: 'citizen' });
/** Only callers holding `permission` may call this. */
export const RequirePermission = (permission: Permission) => access({ kind: 'permission', permission });
