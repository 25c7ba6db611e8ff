import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '../../graphql/scalars/date-time.scalar.js';
import { JsonScalar } from '../../graphql/scalars/json.scalar.js';
import { PageInfo } from '../../catalog/models/service.model.js';
import { SubmissionStatus } from '../../submissions/models/submission.model.js';

@ObjectType({ description: 'One entry of the history of a submission.' })
export class SubmissionEvent {
  @Field(() => ID) id!: string;
  @Field(() => DateTimeScalar) at!: Date;
  @Field() kind!: string;
  @Field({ description: 'SYSTEM, STAFF or APPLICANT.' }) actorType!: string;
  @Field(() => String, { nullable: true }) actorId?: string;
  @Field(() => SubmissionStatus, { nullable: true }) fromStatus?: SubmissionStatus;
  @Field(() => SubmissionStatus, { nullable: true }) toStatus?: SubmissionStatus;
  @Field(() => String, { nullable: true }) publicNote?: string;
  @Field(() => String, { nullable: true, description: 'Seen by staff only.' }) internalNote?: string;
  @Field(() => [String]) items!: string[];
}

@ObjectType({ description: 'A submission as caseworkers of the responsible organisation see it.' })
export class Case {
  @Field(() => ID) id!: string;
  @Field() referenceNumber!: string;
  @Field(() => SubmissionStatus) status!: SubmissionStatus;
  @Field(() => Int, { description: 'Changes with every update; name it in transitionSubmission (optimistic locking).' }) version!: number;
  @Field() formId!: string;
  @Field() formVersion!: string;
  @Field() serviceId!: string;
  @Field() organisationId!: string;
  @Field(() => String, { nullable: true }) ags?: string;
  @Field() locale!: string;
  @Field(() => JsonScalar) data!: unknown;
  @Field() sha256!: string;
  @Field(() => DateTimeScalar) submittedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) dueAt?: Date;
  @Field() overdue!: boolean;
  @Field(() => String, { nullable: true }) assigneeId?: string;
  @Field(() => [String]) requestedDocuments!: string[];
  @Field(() => [SubmissionEvent]) timeline!: SubmissionEvent[];
}

@ObjectType()
export class CaseEdge {
  @Field() cursor!: string;
  @Field(() => Case) node!: Case;
}

@ObjectType()
export class CaseConnection {
  @Field(() => [CaseEdge]) edges!: CaseEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}
