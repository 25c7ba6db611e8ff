import { Field, InputType } from '@nestjs/graphql';

@InputType()
export class FormFilter {
  @Field(() => String, { nullable: true, description: 'Only forms of this service.' }) serviceId?: string;

  @Field(() => String, { nullable: true, description: 'Only forms of services in this area.' }) areaId?: string;

  @Field(() => String, { nullable: true, description: 'Words that must all occur in the title or description (case, umlauts and ß folded; prefixes match).' })
  query?: string;
}
