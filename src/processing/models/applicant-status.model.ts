import { Field, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '../../graphql/scalars/date-time.scalar.js';
import { SubmissionStatus } from '../../submissions/models/submission.model.js';

@ObjectType()
export class PublicTimelineEntry {
  @Field(() => DateTimeScalar) at!: Date;
  @Field(() => SubmissionStatus, { nullable: true }) status?: SubmissionStatus;
  @Field(() => String, { nullable: true }) statusLabel?: string;
  @Field(() => String, { nullable: true }) note?: string;
}

@ObjectType({ description: 'What the applicant may see of their submission (Bearbeitungsstand).' })
export class ApplicantStatus {
  @Field() referenceNumber!: string;
  @Field(() => SubmissionStatus) status!: SubmissionStatus;
  @Field() statusLabel!: string;
  @Field() locale!: string;
  @Field(() => DateTimeScalar) submittedAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true, description: "From the service's processing time." }) expectedCompletion?: Date;
  @Field(() => [String], { description: 'Documents the applicant still has to provide.' }) outstandingDocuments!: string[];
  @Field(() => [PublicTimelineEntry]) timeline!: PublicTimelineEntry[];
  @Field({ description: 'Whether the applicant may still withdraw.' }) withdrawable!: boolean;
}
