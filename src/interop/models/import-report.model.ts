import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar } from '../../graphql/scalars/date-time.scalar.js';
import { ImportProblemCode } from '../import.problems.js';

export enum ImportFormatOption {
  AUTO = 'AUTO',
  XDATENFELDER_2 = 'XDATENFELDER_2',
  XDATENFELDER_3 = 'XDATENFELDER_3',
  BUNDLE = 'BUNDLE',
}
registerEnumType(ImportFormatOption, { name: 'ImportFormat', description: 'AUTO recognises the format from the content.' });

export enum ImportEntryKind {
  AREA = 'AREA',
  ORGANISATION = 'ORGANISATION',
  SERVICE = 'SERVICE',
  FORM = 'FORM',
  CODE_LIST = 'CODE_LIST',
}
registerEnumType(ImportEntryKind, { name: 'ImportEntryKind' });
registerEnumType(ImportProblemCode, { name: 'ImportProblemCode', description: 'Stable codes of import problems.' });

@ObjectType({ description: 'One entry an import created, updated, left unchanged or did not touch because of a conflict.' })
export class ImportEntry {
  @Field(() => ImportEntryKind)
  kind!: ImportEntryKind;

  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  version?: string;

  @Field(() => String, { nullable: true, description: 'The FIM id (Stammdatenschema) the entry came from.' })
  fimId?: string;

  @Field(() => String, { nullable: true, description: 'Conflicts: why the entry was left as it is (German).' })
  message?: string;
}

@ObjectType()
export class ImportProblemInfo {
  @Field(() => ImportProblemCode)
  code!: ImportProblemCode;

  @Field(() => String, { description: 'German.' })
  message!: string;

  @Field(() => Int, { nullable: true, description: 'Line in the imported file, where known.' })
  line?: number;
}

@ObjectType({ description: 'What an import did or, in a dry run, would do. With errors, nothing was written.' })
export class ImportReport {
  @Field(() => ImportFormatOption, { nullable: true, description: 'The format recognised (none when the content was refused before).' })
  format?: ImportFormatOption;

  @Field(() => ID)
  organisationId!: string;

  @Field(() => Boolean)
  dryRun!: boolean;

  @Field(() => Boolean)
  lenient!: boolean;

  @Field(() => Boolean, { description: 'Whether anything was written.' })
  applied!: boolean;

  @Field(() => String, { description: 'SHA-256 of the imported file.' })
  fileHash!: string;

  @Field(() => ID, { nullable: true, description: 'The recorded import run.' })
  runId?: string;

  @Field(() => [ImportEntry])
  created!: ImportEntry[];

  @Field(() => [ImportEntry])
  updated!: ImportEntry[];

  @Field(() => [ImportEntry])
  unchanged!: ImportEntry[];

  @Field(() => [ImportEntry])
  conflicts!: ImportEntry[];

  @Field(() => [ImportProblemInfo])
  warnings!: ImportProblemInfo[];

  @Field(() => [ImportProblemInfo])
  errors!: ImportProblemInfo[];
}

@ObjectType({ description: 'One recorded import attempt (also refused and dry ones).' })
export class ImportRun {
  @Field(() => ID)
  id!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => String, { description: "The token's subject, or cli." })
  actor!: string;

  @Field(() => String, { description: 'APPLIED, UNCHANGED, DRY_RUN or REJECTED.' })
  outcome!: string;

  @Field(() => ImportReport)
  report!: ImportReport;
}
