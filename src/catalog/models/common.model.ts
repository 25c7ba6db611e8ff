import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A postal address.' })
export class Address {
  @Field(() => String, { nullable: true }) street?: string;
  @Field(() => String, { nullable: true }) houseNumber?: string;
  @Field() postalCode!: string;
  @Field() city!: string;
  @Field(() => String, { nullable: true, description: 'e.g. building or room' }) addition?: string;
}

@ObjectType({ description: 'How to reach someone.' })
export class Contact {
  @Field(() => String, { nullable: true }) phone?: string;
  @Field(() => String, { nullable: true }) email?: string;
  @Field(() => String, { nullable: true }) url?: string;
  @Field(() => String, { nullable: true }) note?: string;
}

@ObjectType({ description: 'A fact the editors have not verified yet ("ohne Gewähr").' })
export class UnverifiedFact {
  @Field({ description: 'JSON pointer of the field in the catalog entry.' }) field!: string;
  @Field() note!: string;
}

@ObjectType({ description: 'A fee in EUR: a fixed amount, a range, or a text.' })
export class Cost {
  @Field(() => String, { nullable: true }) description?: string;
  @Field(() => Float, { nullable: true }) amount?: number;
  @Field(() => Float, { nullable: true }) amountFrom?: number;
  @Field(() => Float, { nullable: true }) amountTo?: number;
  @Field() currency!: string;
  @Field(() => String, { nullable: true }) text?: string;
}

@ObjectType()
export class ProcessingTime {
  @Field() text!: string;
  @Field(() => Int, { nullable: true, description: 'Typical processing time in working days.' }) days?: number;
}

@ObjectType()
export class LegalBasis {
  @Field() citation!: string;
  @Field(() => String, { nullable: true }) url?: string;
}

@ObjectType()
export class Link {
  @Field() title!: string;
  @Field() url!: string;
}

@ObjectType({ description: 'A form for the service: one of this platform (formId) or a document elsewhere (url).' })
export class ServiceForm {
  @Field() title!: string;
  @Field(() => String, { nullable: true }) formId?: string;
  @Field(() => String, { nullable: true }) url?: string;
}

@ObjectType()
export class CodeLabel {
  @Field() code!: string;
  @Field() label!: string;
}
