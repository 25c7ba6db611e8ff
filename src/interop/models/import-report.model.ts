import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar } from '../../graphql/scalars/date-time.scalar.js';
import { ImportProblemCode } from '../import.problems.js';
import { FormRule } from '../../forms/models/form.model.js';

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

export enum FieldChangeKind {
  ADDED = 'ADDED',
  REMOVED = 'REMOVED',
  CHANGED = 'CHANGED',
}
registerEnumType(FieldChangeKind, { name: 'FieldChangeKind' });

export enum FieldProperty {
  TITLE = 'TITLE',
  TYPE = 'TYPE',
  CONSTRAINT = 'CONSTRAINT',
  MULTIPLICITY = 'MULTIPLICITY',
  CODE_LIST = 'CODE_LIST',
}
registerEnumType(FieldProperty, { name: 'FieldProperty', description: 'What changed about a field: label, data type, limits (length, pattern, bounds, default), how often/whether required, or its codes.' });

@ObjectType({ description: 'A field that an import adds, removes or changes, compared with the latest stored version of the form.' })
export class FieldChangeInfo {
  @Field(() => FieldChangeKind) change!: FieldChangeKind;
  @Field({ description: 'JSON pointer of the field in the data (arrays as /list/*).' }) path!: string;
  @Field(() => String, { nullable: true, description: 'The FIM id of the field.' }) id?: string;
  @Field(() => [FieldProperty], { description: 'CHANGED: what changed.' }) properties!: FieldProperty[];
}

@ObjectType({ description: 'How submissions of an imported form are routed, and why.' })
export class ImportRouting {
  @Field(() => String, { nullable: true, description: 'The field whose municipality key routes each submission.' }) agsField?: string;
  @Field(() => String, { nullable: true, description: 'The organisation that receives submissions (routing.organisation).' }) organisation?: string;
  @Field({ description: 'German.' }) message!: string;
}

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

  @Field(() => [FormRule], { nullable: true, description: 'XDatenfelder forms: the FIM rules (prose, not executed) and the fields they belong to.' })
  rules?: FormRule[];

  @Field(() => [FieldChangeInfo], { nullable: true, description: 'Updated forms and new versions (dry runs too): fields added, removed and changed against comparedWith.' })
  changes?: FieldChangeInfo[];

  @Field(() => String, { nullable: true, description: 'The stored version the changes are measured against.' })
  comparedWith?: string;

  @Field(() => ImportRouting, { nullable: true, description: 'Forms of municipal services imported by a municipality: how submissions are routed.' })
  routing?: ImportRouting;
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
