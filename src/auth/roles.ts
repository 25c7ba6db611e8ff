import { registerEnumType } from '@nestjs/graphql';
import { Permission } from '../common/auth/permission.js';

export enum Role {
  EDITOR = 'EDITOR',
  CASEWORKER = 'CASEWORKER',
  SUPERVISOR = 'SUPERVISOR',
  ADMIN = 'ADMIN',
}
registerEnumType(Role, { name: 'Role' });

/** What each role may do; every role is bound to one organisation. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  EDITOR: [Permission.CATALOG_EDIT],
  CASEWORKER: [Permission.SUBMISSION_READ, Permission.SUBMISSION_PROCESS],
  SUPERVISOR: [Permission.SUBMISSION_READ, Permission.SUBMISSION_PROCESS, Permission.STATISTICS_READ, Permission.ARCHIVE_MANAGE],
  ADMIN: [Permission.CATALOG_EDIT, Permission.SUBMISSION_READ, Permission.SUBMISSION_PROCESS, Permission.STATISTICS_READ, Permission.ARCHIVE_MANAGE, Permission.ADMINISTER],
};

export const DEV_ISSUER = 'urn:lotse:development';
