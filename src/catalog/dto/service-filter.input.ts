import { Field, InputType } from '@nestjs/graphql';
import { Audience } from '../models/enums.js';

@InputType()
export class ServiceFilter {
  @Field(() => String, { nullable: true, description: 'Search words (German-aware: umlauts, stemming, synonyms).' })
  query?: string;

  @Field(() => String, { nullable: true }) areaId?: string;

  @Field(() => String, { nullable: true, description: 'A code of the code list lebenslagen.' }) lifeSituation?: string;

  @Field(() => Audience, { nullable: true }) audience?: Audience;

  @Field(() => String, { nullable: true, description: 'Show the services as they apply in this municipality (overrides merged).' })
  ags?: string;

  @Field(() => Boolean, { nullable: true, description: 'Only services that can be applied for online (fully or partly).' })
  onlineOnly?: boolean;
}
