import type { EntityManager } from '@mikro-orm/postgresql';

/** The PostgreSQL channel on which a new catalog generation is announced (payload: the generation). */
export const CATALOG_CHANNEL = 'lotse_catalog';

/**
 * Raises the catalog generation and announces it. Call inside the transaction of the change: the new number and
 * the notification become visible with its commit (PostgreSQL delivers NOTIFY on commit, not at all on rollback).
 */
export async function bumpCatalogGeneration(em: EntityManager): Promise<void> {
  await em.execute(
    `with bumped as (update "catalog_generation" set "generation" = "generation" + 1, "changed_at" = now() where "id" = 1 returning "generation")
     select pg_notify('${CATALOG_CHANNEL}', "generation"::text) from bumped`,
  );
}
