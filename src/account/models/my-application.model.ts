import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { AccountTrustLevel } from '../../auth/trust-level.js';
import { DeliveryState } from '../../fitconnect/models.js';
import { PageInfo } from '../../catalog/models/service.model.js';
import { DateTimeScalar } from '../../graphql/scalars/date-time.scalar.js';
import { PublicTimelineEntry } from '../../processing/models/applicant-status.model.js';
import { Draft, SubmissionStatus } from '../../submissions/models/submission.model.js';

@ObjectType({ description: 'The signed-in citizen: an account id of Lotse (not the IdP subject) and the trust level of this sign-in.' })
export class CitizenAccount {
  @Field(() => ID) id!: string;
  @Field(() => AccountTrustLevel) trustLevel!: AccountTrustLevel;
}

@ObjectType({ description: 'Where the transmission of the application to the authority stands (FIT-Connect); null when it is not delivered that way.' })
export class MyApplicationDelivery {
  @Field(() => DeliveryState) state!: DeliveryState;
  @Field(() => DateTimeScalar) updatedAt!: Date;
}

@ObjectType({ description: "An application of the signed-in citizen's account. Locked (submitted with a higher trust level than this sign-in): only the list entry, no timeline, documents or requests." })
export class MyApplication {
  /** Internal: the submission, for the field resolvers; not exposed. */
  submissionId!: string;
  @Field() referenceNumber!: string;
  @Field() formId!: string;
  @Field({ description: "The form's title in the requested language." }) title!: string;
  @Field(() => DateTimeScalar) submittedAt!: Date;
  @Field(() => SubmissionStatus) status!: SubmissionStatus;
  @Field() statusLabel!: string;
  @Field(() => AccountTrustLevel, { nullable: true, description: 'The trust level it was submitted with; null when it was submitted without an account and linked later.' }) trustLevel?: AccountTrustLevel;
  @Field({ description: 'Submitted with a higher trust level than this sign-in: opening it gives TRUST_LEVEL_INSUFFICIENT.' }) locked!: boolean;
  /** Internal: the locale the texts are in. */
  locale!: string;
}

@ObjectType()
export class MyApplicationEdge {
  @Field() cursor!: string;
  @Field(() => MyApplication) node!: MyApplication;
}

@ObjectType()
export class MyApplicationConnection {
  @Field(() => [MyApplicationEdge]) edges!: MyApplicationEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

@InputType()
export class MyApplicationFilter {
  @Field(() => SubmissionStatus, { nullable: true }) status?: SubmissionStatus;
}

@ObjectType()
export class MyDraftEdge {
  @Field() cursor!: string;
  @Field(() => Draft) node!: Draft;
}

@ObjectType()
export class MyDraftConnection {
  @Field(() => [MyDraftEdge]) edges!: MyDraftEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

export type { PublicTimelineEntry };
