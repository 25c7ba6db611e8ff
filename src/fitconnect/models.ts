import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar } from '../graphql/scalars/date-time.scalar.js';

export enum DeliveryState {
  QUEUED = 'QUEUED',
  ANNOUNCED = 'ANNOUNCED',
  SUBMITTED = 'SUBMITTED',
  FORWARDED = 'FORWARDED',
  ACCEPTED = 'ACCEPTED',
  REJECTED = 'REJECTED',
  DELETED = 'DELETED',
  FAILED = 'FAILED',
}
registerEnumType(DeliveryState, { name: 'DeliveryState', description: 'State of a FIT-Connect delivery.' });

@InputType()
export class DeliveryDestinationInput {
  @Field(() => ID) organisationId!: string;
  @Field(() => ID, { nullable: true, description: 'The service this destination is for; null for every service of the organisation without its own.' })
  serviceId?: string | null;
  @Field({ description: 'The FIT-Connect destination id (Zustellpunkt).' }) destinationId!: string;
  @Field({ description: 'Base URL of the Submission API, without the version (FITCONNECT_API_VERSION adds /v1 or /v2).' }) submissionApiUrl!: string;
  @Field({ description: 'OAuth token endpoint (client credentials).' }) tokenUrl!: string;
  @Field() clientId!: string;
  @Field({ description: 'Name of the environment variable holding the client secret (never the secret itself).' }) clientSecretEnv!: string;
  @Field({ description: 'Name of the environment variable holding the callback secret (HMAC-SHA-512).' }) callbackSecretEnv!: string;
}

@ObjectType({ description: 'Where the submissions of an organisation (and service) are delivered over FIT-Connect.' })
export class DeliveryDestination {
  @Field(() => ID) id!: string;
  @Field() organisationId!: string;
  @Field(() => String, { nullable: true }) serviceId?: string | null;
  @Field() destinationId!: string;
  @Field() submissionApiUrl!: string;
  @Field() tokenUrl!: string;
  @Field() clientId!: string;
  @Field() clientSecretEnv!: string;
  @Field() callbackSecretEnv!: string;
  @Field({ description: 'The URL to register as callback at FIT-Connect (PUBLIC_BASE_URL + /callbacks/fit-connect/{id}).' }) callbackUrl!: string;
}

@ObjectType()
export class DeliveryDestinationCheck {
  @Field() ok!: boolean;
  @Field(() => String, { nullable: true }) encryptionKid?: string | null;
  @Field(() => Int, { nullable: true }) keyBits?: number | null;
  @Field(() => [String]) problems!: string[];
}

@ObjectType({ description: 'A FIT-Connect delivery of a submission.' })
export class SubmissionDelivery {
  @Field(() => ID) id!: string;
  @Field(() => DeliveryState) state!: DeliveryState;
  @Field(() => String, { nullable: true }) fitConnectSubmissionId?: string | null;
  @Field(() => String, { nullable: true }) caseId?: string | null;
  @Field(() => Int) attempts!: number;
  @Field(() => String, { nullable: true }) lastError?: string | null;
  @Field(() => DateTimeScalar) updatedAt!: Date;
}
