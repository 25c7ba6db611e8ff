import { Field, ID, InputType } from '@nestjs/graphql';
import { JsonScalar } from '../../graphql/scalars/json.scalar.js';

@InputType()
export class SubmitFormInput {
  @Field(() => ID) formId!: string;
  @Field() version!: string;
  @Field(() => JsonScalar, { nullable: true, description: 'The form data; may be left out when a resumeToken names a saved draft.' }) data?: unknown;
  @Field(() => String, { nullable: true, description: 'Language of the applicant (de, en); default de.' }) locale?: string;
  @Field(() => String, { nullable: true, description: 'Submit the draft saved under this token.' }) resumeToken?: string;
}
