import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

export type OfferState = 'OFFERED' | 'EVALUATED' | 'HANDED_OVER' | 'CLOSED';

/**
 * One Aussonderung: the id is the xdomea ProzessID shared by 0501, 0502, 0503 and 0504/0506. The messages that left
 * are kept by id and hash; the 0501 itself (metadata only, no personal data) is kept for a repeat.
 */
@Entity({ tableName: 'archive_offer' })
export class ArchiveOfferEntity extends BaseEntity {
  @Index()
  @Property({ type: 'text' })
  organisationId!: string;

  @Property({ type: 'text' })
  state: Opt<OfferState> = 'OFFERED';

  @Property({ type: 'date' })
  asOf!: string;

  @Property({ type: 'uuid' })
  offerMessageId!: string;

  @Property({ type: 'text' })
  offerSha256!: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  evaluatedAt?: Date;

  /** Where the evaluation came from: `0502` (message) or `PAPER` / `API`. */
  @Property({ type: 'text', nullable: true })
  evaluationSource?: string;

  @Property({ type: 'uuid', nullable: true })
  handoverMessageId?: string;

  /** SHA-256 of the handed-over ZIP. */
  @Property({ type: 'text', nullable: true })
  handoverSha256?: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  handedOverAt?: Date;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  closedAt?: Date;

  /** `0504`, `0506` or `PAPER:<name>`. */
  @Property({ type: 'text', nullable: true })
  receipt?: string;
}
