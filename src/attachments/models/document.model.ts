import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '../../graphql/scalars/date-time.scalar.js';

@ObjectType({ description: 'Documents a caseworker asked the applicant for; answered with an upload and submitDocuments.' })
export class DocumentRequest {
  @Field(() => ID) id!: string;
  @Field(() => [String]) items!: string[];
  @Field({ description: 'OPEN, FULFILLED or CANCELLED.' }) status!: string;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) fulfilledAt?: Date;
}

@ObjectType({ description: 'A document of a case: sent with the form, on request, or by a caseworker (e.g. the notice).' })
export class CaseDocument {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: 'The attachment (download: GET /submissions/{id}/attachments/{attachmentId}).' }) attachmentId!: string;
  @Field() title!: string;
  @Field() fileName!: string;
  @Field() mediaType!: string;
  @Field(() => Int) size!: number;
  @Field() sha256!: string;
  @Field({ description: 'FORM, APPLICANT or STAFF.' }) source!: string;
  @Field() visibleToApplicant!: boolean;
  @Field(() => ID, { nullable: true }) requestId?: string;
  @Field(() => String, { nullable: true, description: 'The form field it came with (FORM).' }) pointer?: string;
  @Field(() => DateTimeScalar) createdAt!: Date;
}

@ObjectType({ description: 'A document the applicant may see and download (GET /applicant/submissions/{referenceNumber}/documents/{id}).' })
export class ApplicantDocument {
  @Field(() => ID) id!: string;
  @Field() title!: string;
  @Field() mediaType!: string;
  @Field(() => Int) size!: number;
  @Field() sha256!: string;
  @Field(() => DateTimeScalar) createdAt!: Date;
}
