import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../common/auth/access.guard.js';
import { OrganisationEntity } from './entities/organisation.entity.js';

/** What a role may act on: the organisation of its token and the units below it. */
export async function visibleOrganisationIds(em: EntityManager, principal: Principal): Promise<string[]> {
  const org = principal.organisationId;
  if (!org) return [];
  const units = await em.find(OrganisationEntity, { parentId: org, kind: 'UNIT' }, { fields: ['id'] });
  return [org, ...units.map((u) => u.id)];
}
