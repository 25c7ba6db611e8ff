import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '../../graphql/scalars/date-time.scalar.js';
import { CodeLabel, Contact, Cost, LegalBasis, Link, ProcessingTime, ServiceForm, UnverifiedFact } from './common.model.js';
import { Audience, OnlineAvailability, ResponsibilityLevel, ServiceStatus, TrustLevel } from './enums.js';

@ObjectType()
export class ServiceVersionInfo {
  @Field(() => Int) version!: number;
  @Field() contentHash!: string;
  @Field(() => ServiceStatus) status!: ServiceStatus;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field() current!: boolean;
}

@ObjectType({ description: 'A service (Leistung), modelled on the XZuFi text modules; merged with a municipality\'s override when an AGS is given.' })
export class Service {
  @Field(() => ID) id!: string;
  @Field(() => Int, { description: 'The version shown.' }) version!: number;
  @Field(() => ServiceStatus) status!: ServiceStatus;
  @Field() title!: string;
  @Field() teaser!: string;
  @Field() description!: string;
  @Field(() => [String]) prerequisites!: string[];
  @Field(() => [String]) requiredDocuments!: string[];
  @Field(() => [Cost]) costs!: Cost[];
  @Field(() => [String]) deadlines!: string[];
  @Field(() => ProcessingTime, { nullable: true }) processingTime?: ProcessingTime;
  @Field(() => [String]) procedure!: string[];
  @Field(() => [LegalBasis]) legalBases!: LegalBasis[];
  @Field(() => [ServiceForm], { description: 'Form links of the catalog entry (XZuFi Formulare): forms of this platform or documents elsewhere.' }) formLinks!: ServiceForm[];
  @Field(() => [Link]) furtherInformation!: Link[];
  @Field(() => String, { nullable: true }) hints?: string;
  @Field(() => String, { nullable: true, description: "The municipality's own text (override), shown after the description." }) additionalText?: string;
  @Field(() => Contact, { nullable: true }) contact?: Contact;
  @Field(() => String, { nullable: true, description: 'LeiKa Leistungsschlüssel (verified keys only).' }) leikaKey?: string;
  @Field() ozgThemenfeld!: string;
  @Field(() => [CodeLabel]) lifeSituations!: CodeLabel[];
  @Field(() => [Audience]) audience!: Audience[];
  @Field(() => [String]) keywords!: string[];
  @Field(() => [String]) synonyms!: string[];
  @Field(() => OnlineAvailability) onlineAvailability!: OnlineAvailability;
  @Field(() => String, { nullable: true }) onlineServiceUrl?: string;
  @Field(() => TrustLevel, { nullable: true }) trustLevel?: TrustLevel;
  @Field(() => ResponsibilityLevel) responsibilityLevel!: ResponsibilityLevel;
  @Field(() => String, { nullable: true }) responsibleUnitId?: string;
  @Field(() => [String]) servicePointIds!: string[];
  @Field(() => String, { nullable: true }) validFrom?: string;
  @Field(() => String, { nullable: true }) validTo?: string;
  @Field() lastReviewed!: string;
  @Field(() => [UnverifiedFact]) unverified!: UnverifiedFact[];
  @Field(() => String, { nullable: true, description: 'The municipality this view is for.' }) ags?: string;
  @Field(() => [String], { description: "Fields that come from the municipality's override for `ags`." }) overriddenFields!: string[];
  @Field({ description: 'The language served: the requested one where written, else German.' }) locale!: string;
  @Field(() => [String], { description: 'Texts served in German because the requested language is missing.' }) fallbackFields!: string[];

  areaId!: string;
  /** The language the client asked for. */
  requestedLocale!: string;
}

@ObjectType()
export class ServiceEdge {
  @Field() cursor!: string;
  @Field(() => Service) node!: Service;
  @Field(() => Float, { nullable: true, description: 'Search relevance (higher is better), when searching.' }) relevance?: number;
}

@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field() hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor?: string;
  @Field(() => String, { nullable: true }) endCursor?: string;
}

@ObjectType()
export class ServiceConnection {
  @Field(() => [ServiceEdge]) edges!: ServiceEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}
