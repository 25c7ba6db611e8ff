import { Field, InputType } from '@nestjs/graphql';
import { DateTimeScalar } from '../../graphql/scalars/date-time.scalar.js';
import { SubmissionStatus } from '../../submissions/models/submission.model.js';

@InputType()
export class CaseFilter {
  @Field(() => SubmissionStatus, { nullable: true }) status?: SubmissionStatus;
  @Field(() => String, { nullable: true }) serviceId?: string;
  @Field(() => Boolean, { nullable: true, description: 'Only cases past their processing deadline and not yet decided.' }) overdue?: boolean;
  @Field(() => DateTimeScalar, { nullable: true }) receivedFrom?: Date;
  @Field(() => DateTimeScalar, { nullable: true }) receivedTo?: Date;
}
