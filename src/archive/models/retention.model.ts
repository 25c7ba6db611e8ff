import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum ArchiveDecisionValue {
  ARCHIVE = 'ARCHIVE',
  DESTROY = 'DESTROY',
}
registerEnumType(ArchiveDecisionValue, { name: 'ArchiveDecision', description: 'The archive\'s evaluation of a record: keep it for ever (ARCHIVE) or destroy it (DESTROY).' });

@ObjectType({ description: 'Cases of an organisation (and its units) by their place in records management.' })
export class RetentionOverview {
  @Field(() => ID) organisationId!: string;
  @Field({ description: 'The day "due" is counted for (Europe/Berlin).' }) asOf!: string;
  @Field(() => Int, { description: 'Kept, period not over yet.' }) retained!: number;
  @Field(() => Int, { description: 'Period over, not offered or deleted yet (without those on hold).' }) due!: number;
  @Field(() => Int, { description: 'Listed in an offer (0501), no decision yet.' }) offered!: number;
  @Field(() => Int, { description: 'Decided by the archive (or a supervisor), not handed over yet.' }) evaluated!: number;
  @Field(() => Int, { description: 'Handed over (0503), not deleted yet.' }) handedOver!: number;
  @Field(() => Int, { description: 'Deleted with a deletion record.' }) deleted!: number;
  @Field(() => Int, { description: 'On legal hold (not offered and not deleted while held).' }) onHold!: number;
  @Field(() => Int, { description: 'Cases still in processing (no retention period yet).' }) inProcessing!: number;
}

@ObjectType({ description: 'A case\'s retention.' })
export class CaseRetention {
  @Field(() => ID) submissionId!: string;
  @Field() state!: string;
  @Field() retainUntil!: string;
  @Field() legalHold!: boolean;
  @Field(() => String, { nullable: true }) legalHoldReason?: string;
  @Field(() => String, { nullable: true }) decision?: string;
  @Field(() => ID, { nullable: true }) offerId?: string;
}

@ObjectType({ description: 'The state of an offer\'s evaluation after a decision.' })
export class ArchiveEvaluation {
  @Field(() => ID) offerId!: string;
  @Field(() => Int) archive!: number;
  @Field(() => Int) destroy!: number;
  @Field(() => Int) undecided!: number;
}
