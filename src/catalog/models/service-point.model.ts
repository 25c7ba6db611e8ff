import { Field, ID, ObjectType } from '@nestjs/graphql';
import { DateTimeScalar } from '../../graphql/scalars/date-time.scalar.js';
import { Address, Contact, UnverifiedFact } from './common.model.js';
import { ServicePointKind, Weekday } from './enums.js';
import type { ServicePointFile } from '../catalog.types.js';

@ObjectType()
export class TimeRange {
  @Field(() => DateTimeScalar) from!: Date;
  @Field(() => DateTimeScalar) to!: Date;
}

@ObjectType({ description: 'Local wall-clock times (Europe/Berlin), HH:MM.' })
export class ClockRange {
  @Field() from!: string;
  @Field() to!: string;
}

@ObjectType()
export class WeekdayHours {
  @Field(() => Weekday) day!: Weekday;
  @Field(() => [ClockRange]) ranges!: ClockRange[];
}

@ObjectType()
export class OpeningHours {
  @Field({ description: 'The OpenStreetMap opening_hours value.' }) raw!: string;
  @Field(() => [WeekdayHours], { description: 'Regular weekly hours (a week without holidays or closures).' }) weekly!: WeekdayHours[];
  @Field(() => String, { nullable: true }) note?: string;
}

@ObjectType()
export class Closure {
  @Field({ description: 'First day (YYYY-MM-DD).' }) from!: string;
  @Field({ description: 'Last day (YYYY-MM-DD).' }) to!: string;
  @Field() reason!: string;
}

@ObjectType({ description: 'Where the Servicemobil stops, and its weekly timetable.' })
export class ServicemobilStopPlace {
  @Field(() => ID) id!: string;
  @Field() ags!: string;
  @Field() place!: string;
  @Field(() => Address, { nullable: true }) address?: Address;
  @Field(() => OpeningHours) schedule!: OpeningHours;
}

@ObjectType({ description: 'An office, consultation hours in a town, or the Servicemobil.' })
export class ServicePoint {
  @Field(() => ID) id!: string;
  @Field(() => ServicePointKind) kind!: ServicePointKind;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description?: string;
  @Field() organisationId!: string;
  @Field(() => String, { nullable: true, description: 'Municipality where the point is.' }) ags?: string;
  @Field(() => [String], { description: 'Municipalities served; empty means the whole county.' }) servesAgs!: string[];
  @Field(() => Address, { nullable: true }) address?: Address;
  @Field(() => Contact, { nullable: true }) contact?: Contact;
  @Field(() => OpeningHours, { nullable: true }) openingHours?: OpeningHours;
  @Field(() => [Closure]) closures!: Closure[];
  @Field(() => [ServicemobilStopPlace]) stops!: ServicemobilStopPlace[];
  @Field(() => Boolean, { nullable: true }) wheelchairAccessible?: boolean;
  @Field(() => [UnverifiedFact]) unverified!: UnverifiedFact[];

  /** The catalog entry, for the evaluating field resolvers. */
  source!: ServicePointFile;
}

@ObjectType({ description: 'One stop of the Servicemobil at a given time.' })
export class ServicemobilStop {
  @Field() stopId!: string;
  @Field() servicePointId!: string;
  @Field() ags!: string;
  @Field() place!: string;
  @Field(() => Address, { nullable: true }) address?: Address;
  @Field(() => DateTimeScalar) from!: Date;
  @Field(() => DateTimeScalar) to!: Date;
}
