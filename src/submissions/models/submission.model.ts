import { createUnionType, Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar } from '../../graphql/scalars/date-time.scalar.js';
import { JsonScalar } from '../../graphql/scalars/json.scalar.js';
import { ValidationErrorItem } from '../../forms/models/form.model.js';

export enum SubmissionStatus {
  RECEIVED = 'RECEIVED',
  IN_REVIEW = 'IN_REVIEW',
  DOCUMENTS_REQUESTED = 'DOCUMENTS_REQUESTED',
  IN_PROGRESS = 'IN_PROGRESS',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  CLOSED = 'CLOSED',
  WITHDRAWN = 'WITHDRAWN',
}
registerEnumType(SubmissionStatus, { name: 'SubmissionStatus', description: 'Processing state of a submission.' });

@ObjectType({ description: 'Proof that a submission was stored. The access code is shown only here.' })
export class SubmissionReceipt {
  @Field({ description: 'Human-readable, unique per year, with a check digit (e.g. CLP-2026-000042-7).' }) referenceNumber!: string;
  @Field({ description: 'Secret code for looking up the status later; stored only as a hash.' }) accessCode!: string;
  @Field(() => DateTimeScalar) submittedAt!: Date;
  @Field(() => SubmissionStatus) status!: SubmissionStatus;
  @Field() formId!: string;
  @Field() formVersion!: string;
  @Field({ description: 'The organisation the submission went to.' }) organisationId!: string;
}

@ObjectType({ description: 'The data did not validate; nothing was stored.' })
export class SubmissionValidationError {
  @Field() message!: string;
  @Field(() => [ValidationErrorItem]) errors!: ValidationErrorItem[];
  @Field(() => JsonScalar, { description: 'The same errors as an rjsf extraErrors tree.' }) rjsfErrors!: unknown;
  @Field() truncated!: boolean;
}

export const SubmitFormResult = createUnionType({
  name: 'SubmitFormResult',
  types: () => [SubmissionReceipt, SubmissionValidationError] as const,
  resolveType: (value: object) => ('referenceNumber' in value ? SubmissionReceipt : SubmissionValidationError),
});

@ObjectType()
export class DraftReceipt {
  @Field(() => ID, { description: 'The draft; a signed-in citizen finds it again with myDraft(id).' }) id!: string;
  @Field({ description: 'Keep it to resume the draft; 256 random bits, stored only as a hash.' }) resumeToken!: string;
  @Field() formId!: string;
  @Field() formVersion!: string;
  @Field(() => DateTimeScalar) savedAt!: Date;
  @Field(() => DateTimeScalar) expiresAt!: Date;
}

@ObjectType()
export class Draft {
  @Field(() => ID) id!: string;
  @Field() formId!: string;
  @Field() formVersion!: string;
  @Field(() => JsonScalar) data!: unknown;
  @Field(() => DateTimeScalar) savedAt!: Date;
  @Field(() => DateTimeScalar) expiresAt!: Date;
}
