import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Kennzahlen of one service (or of all, when serviceId is null).' })
export class ServiceStatistics {
  @Field(() => String, { nullable: true }) serviceId?: string;
  @Field(() => Int, { description: 'Submissions received in the period.' }) received!: number;
  @Field(() => Int, { description: 'Decisions (approved or rejected) made in the period.' }) decided!: number;
  @Field(() => Int) approved!: number;
  @Field(() => Int) rejected!: number;
  @Field(() => Float, { nullable: true, description: 'Median days from receipt to decision, for decisions in the period.' }) medianProcessingDays?: number;
  @Field(() => Float, { nullable: true, description: '90th percentile of the same.' }) p90ProcessingDays?: number;
  @Field(() => Int, { description: 'Received by the end of the period and not decided, closed or withdrawn now.' }) open!: number;
  @Field(() => Int, { description: 'Open cases past their processing deadline now.' }) overdue!: number;
}

@ObjectType()
export class Statistics {
  @Field() organisationId!: string;
  @Field() from!: string;
  @Field() to!: string;
  @Field(() => ServiceStatistics) total!: ServiceStatistics;
  @Field(() => [ServiceStatistics]) services!: ServiceStatistics[];
}
