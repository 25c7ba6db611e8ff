import type { Opt } from '@mikro-orm/core';
import { Entity, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

export type FitConnectDeliveryState = 'QUEUED' | 'ANNOUNCED' | 'SUBMITTED' | 'FORWARDED' | 'ACCEPTED' | 'REJECTED' | 'DELETED' | 'FAILED';

/** What has been done so far, so that a retry resumes where the last attempt stopped. */
export interface FitConnectSteps {
  /** Attachment ids announced with the submission (UUIDv5 of Lotse's ids) and their SHA-512 once uploaded. */
  attachments?: Array<{ id: string; sourceId: string; purpose: 'form' | 'attachment'; fileName: string; mimeType: string; sha512?: string; uploadedAt?: string }>;
  /** Set before the final PUT is sent: a later attempt first asks the event log whether it already arrived. */
  finalPutAt?: string;
  /** Set once the final PUT (metadata and data) was accepted. */
  submittedAt?: string;
  /** The destination's key the last encryption used. */
  encryptionKid?: string;
  /** A submission refused for its key is re-encrypted once with the fresh key. */
  reEncrypted?: boolean;
}

/** One submission's delivery over FIT-Connect. */
@Entity({ tableName: 'fit_connect_delivery' })
@Unique({ properties: ['submissionId', 'destinationConfigId'] })
export class FitConnectDeliveryEntity extends BaseEntity {
  @Index()
  @Property({ type: 'uuid' })
  submissionId!: string;

  @Index()
  @Property({ type: 'uuid' })
  destinationConfigId!: string;

  @Index()
  @Property({ type: 'text' })
  state: Opt<FitConnectDeliveryState> = 'QUEUED';

  @Property({ type: 'uuid', nullable: true })
  fitConnectSubmissionId?: string | null;

  @Index()
  @Property({ type: 'uuid', nullable: true })
  caseId?: string | null;

  @Property({ type: 'integer' })
  attempts: Opt<number> = 0;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  /** While an attempt runs: no second worker takes this delivery before then (released when the attempt ends). */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  leaseUntil?: Date | null;

  @Property({ type: 'json', columnType: 'jsonb' })
  steps: Opt<FitConnectSteps> = {};
}
