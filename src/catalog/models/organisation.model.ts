import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Address, Contact, UnverifiedFact } from './common.model.js';
import { OrganisationKind } from './enums.js';

@ObjectType({ description: 'The county, a municipality (id = AGS) or an organisational unit.' })
export class Organisation {
  @Field(() => ID) id!: string;
  @Field(() => OrganisationKind) kind!: OrganisationKind;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) shortName?: string;
  @Field(() => String, { nullable: true, description: 'Amtlicher Gemeindeschlüssel (county: Kreisschlüssel).' }) ags?: string;
  @Field(() => String, { nullable: true }) parentId?: string;
  @Field(() => String, { nullable: true }) description?: string;
  @Field(() => Address, { nullable: true }) address?: Address;
  @Field(() => Contact, { nullable: true }) contact?: Contact;
  @Field(() => [UnverifiedFact]) unverified!: UnverifiedFact[];
}
