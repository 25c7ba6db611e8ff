import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A service area (Aufgabenbereich) of the county.' })
export class ServiceArea {
  @Field(() => ID) id!: string;
  @Field(() => Int) position!: number;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description?: string;
  @Field(() => Int, { description: 'Published services in this area.' }) serviceCount!: number;
}
