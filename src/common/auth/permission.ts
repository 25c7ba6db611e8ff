import { registerEnumType } from '@nestjs/graphql';

/** What a caller may be allowed to do. Roles (a later concern) are bundles of these. */
export enum Permission {
  CATALOG_EDIT = 'CATALOG_EDIT',
  SUBMISSION_READ = 'SUBMISSION_READ',
  SUBMISSION_PROCESS = 'SUBMISSION_PROCESS',
  STATISTICS_READ = 'STATISTICS_READ',
  /** Records management: retention overview, legal holds, archive decisions (supervisors). */
  ARCHIVE_MANAGE = 'ARCHIVE_MANAGE',
  ADMINISTER = 'ADMINISTER',
}

registerEnumType(Permission, { name: 'Permission' });
