import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { CitizenPrincipal } from '../common/auth/access.guard.js';

/** The account id of a citizen (iss, sub): created on first use, never anything about the person. */
@Injectable()
export class CitizenAccounts {
  constructor(private readonly em: EntityManager) {}

  /** The account's id, created when the citizen is new (one statement, safe against concurrent first uses). */
  async ensure(citizen: CitizenPrincipal): Promise<string> {
    const rows = await this.em.getConnection().execute<Array<{ id: string }>>(
      `insert into "citizen_account" ("id", "created_at", "updated_at", "issuer", "subject") values (?, now(), now(), ?, ?)
       on conflict ("issuer", "subject") do update set "updated_at" = now()
       returning "id"`,
      [randomUUID(), citizen.issuer, citizen.subject],
    );
    return rows[0].id;
  }

  /** The account's id, or undefined when this citizen never used Lotse (nothing is created by reading). */
  async find(citizen: CitizenPrincipal): Promise<string | undefined> {
    const rows = await this.em.getConnection().execute<Array<{ id: string }>>(`select "id" from "citizen_account" where "issuer" = ? and "subject" = ?`, [citizen.issuer, citizen.subject]);
    return rows[0]?.id;
  }
}
