import { Field, ID, InputType } from '@nestjs/graphql';
import { ImportFormatOption } from '../models/import-report.model.js';

@InputType()
export class ImportDefinitionsInput {
  @Field(() => ImportFormatOption, { nullable: true, description: 'Default AUTO: recognised from the content.' })
  format?: ImportFormatOption;

  @Field(() => String, { description: "The file's text: an XDatenfelder 2/3 Stammdatenschema or a catalog bundle (JSON)." })
  content!: string;

  @Field(() => ID, { description: 'The organisation that imports (the caller must be its EDITOR).' })
  organisationId!: string;

  @Field(() => Boolean, { nullable: true, description: 'Report what would happen, write nothing (default false).' })
  dryRun?: boolean;

  @Field(() => Boolean, { nullable: true, description: 'Skip the XSD and import what can be understood, with warnings (default false: strict).' })
  lenient?: boolean;

  @Field(() => [String], { nullable: true, description: 'XDatenfelder: the genericode code lists that belong to the schema.' })
  codeLists?: string[];

  @Field(() => ID, { nullable: true, description: 'XDatenfelder: the form id (default `<organisation>-<FIM id>`).' })
  formId?: string;

  @Field(() => ID, { nullable: true, description: 'XDatenfelder: the service the form belongs to (can also be set by publishForm).' })
  serviceId?: string;
}

@InputType()
export class PublishFormInput {
  @Field(() => ID)
  formId!: string;

  @Field(() => String)
  version!: string;

  @Field(() => ID, { nullable: true, description: 'The service of the form; required when the draft has none.' })
  serviceId?: string;
}
