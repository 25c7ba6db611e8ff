import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Identity and state of this Lotse installation.' })
export class ApiInfo {
  @Field({ description: 'Product name.' })
  name!: string;

  @Field({ description: 'Version of the running software.' })
  version!: string;

  @Field(() => ID, { description: 'Stable id of this installation, created with its database.' })
  instanceId!: string;

  @Field({ description: 'Human-readable name of this installation.' })
  instanceLabel!: string;

  @Field(() => String, { nullable: true, description: 'Name of the newest database migration applied.' })
  schemaVersion!: string | null;
}
