import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { AccountTrustLevel } from '../../auth/trust-level.js';
import { PageInfo } from '../../catalog/models/service.model.js';
import { JsonScalar } from '../../graphql/scalars/json.scalar.js';
import { ServiceStatus } from '../../catalog/models/enums.js';

@ObjectType()
export class FormSection {
  @Field() id!: string;
  @Field() title!: string;
  @Field(() => String, { nullable: true }) description?: string;
  @Field(() => [String], { description: 'Top-level properties of the data, in order.' }) fields!: string[];
}

@ObjectType()
export class FormStep {
  @Field() id!: string;
  @Field() title!: string;
  @Field(() => [FormSection]) sections!: FormSection[];
}

@ObjectType({ description: 'The FIM code list of a select field: its canonical URI and version (listURI and listVersionID in the XÖV message).' })
export class FimCodeList {
  @Field(() => String, { nullable: true }) uri?: string;
  @Field(() => String, { nullable: true }) version?: string;
  @Field(() => String, { nullable: true, description: 'The FIM id of the list (C…), where the source gives it.' }) id?: string;
  @Field(() => Boolean, { nullable: true, description: 'The list was not supplied at import (lenient): the field takes text within its own limits.' }) missing?: boolean;
}

@ObjectType({ description: 'FIM annotation of a field (datentyp, feldart; id and version where the field comes from FIM).' })
export class FimAnnotation {
  @Field({ description: 'JSON pointer of the field; arrays as /list/*.' }) field!: string;
  @Field(() => String, { nullable: true }) id?: string;
  @Field(() => String, { nullable: true }) version?: string;
  @Field(() => String, { nullable: true }) datentyp?: string;
  @Field(() => String, { nullable: true }) feldart?: string;
  @Field(() => FimCodeList, { nullable: true, description: 'Select fields imported from FIM: the code list.' }) codeliste?: FimCodeList;
}

@ObjectType({ description: 'A FIM rule of the form: prose from the source (real exports write rules as text), shown to editors and applicants, not executed.' })
export class FormRule {
  @Field({ description: 'The FIM id of the rule (R…).' }) fimId!: string;
  @Field(() => String, { nullable: true }) version?: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true, description: 'The rule text in the served language.' }) description?: string;
  @Field(() => [String], { description: 'JSON pointers of the fields the rule belongs to (arrays as /list/*); "" for the whole form.' }) appliesTo!: string[];
}

@ObjectType({ description: 'Where an imported form version came from.' })
export class FormProvenanceInfo {
  @Field({ description: 'XDATENFELDER_2, XDATENFELDER_3 or BUNDLE.' }) format!: string;
  @Field({ description: 'SHA-256 of the imported file.' }) fileHash!: string;
  @Field(() => String, { nullable: true }) fimId?: string;
  @Field(() => String, { nullable: true }) fimVersion?: string;
  @Field({ description: 'The organisation that imported it.' }) organisationId!: string;
  @Field() importedAt!: string;
}

export enum AccountRequirement {
  NONE = 'NONE',
  OPTIONAL = 'OPTIONAL',
  REQUIRED = 'REQUIRED',
}
registerEnumType(AccountRequirement, {
  name: 'AccountRequirement',
  description: 'Whether submitting needs a citizen account: NONE (never bound to one), OPTIONAL (bound when signed in), REQUIRED (ACCOUNT_REQUIRED without).',
});

@ObjectType({ description: 'Who may submit the form.' })
export class FormAccess {
  @Field(() => AccountRequirement) account!: AccountRequirement;
  @Field(() => AccountTrustLevel, { nullable: true, description: 'Lowest trust level of the sign-in (with REQUIRED); a lower one gets TRUST_LEVEL_INSUFFICIENT.' }) minTrustLevel?: AccountTrustLevel;
}

@ObjectType({ description: 'A form version, ready to render with react-jsonschema-form or JSON Forms.' })
export class Form {
  @Field(() => ID) id!: string;
  @Field() version!: string;
  @Field(() => ServiceStatus) status!: ServiceStatus;
  @Field(() => String, { nullable: true, description: 'Always set on published versions; null only on an imported draft (draftForm) that has no service yet.' }) serviceId?: string;
  @Field() title!: string;
  @Field(() => String, { nullable: true }) description?: string;
  @Field(() => JsonScalar, {
    description:
      'JSON Schema 2020-12 of the data (without $schema, so that draft-07 validators compile it too), with titles and help texts in the served language; exactly the schema the server validates with.',
  })
  jsonSchema!: unknown;
  @Field(() => JsonScalar, { description: 'uiSchema for react-jsonschema-form: order, widgets, choice labels (ui:enumNames), submit text; attachment fields as ui:field "attachment".' }) uiSchema!: unknown;
  @Field(() => JsonScalar, { description: 'uischema for JSON Forms: steps as a Categorization, a Control per leaf field, rules for conditional parts; attachment fields as options.format "attachment".' }) uischema!: unknown;
  @Field(() => JsonScalar, { description: "Texts for JSON Forms' i18n translate(key, default): choice labels (key <field path>.<value>) and JSON Forms' own strings, in the served language." }) translations!: unknown;
  @Field(() => [FormStep]) steps!: FormStep[];
  @Field(() => [FimAnnotation]) fim!: FimAnnotation[];
  @Field(() => [FormRule], { description: 'FIM rules of the form (also in jsonSchema as x-rules on the node they belong to); empty for forms without any.' }) rules!: FormRule[];
  @Field(() => FormProvenanceInfo, { nullable: true, description: 'Set when the version came from an import rather than the catalog in git.' }) provenance?: FormProvenanceInfo;
  @Field(() => FormAccess) access!: FormAccess;
  @Field({ description: 'The language served.' }) locale!: string;
  @Field(() => [String], { description: 'Texts served in German because the requested language is missing.' }) fallbackFields!: string[];
}

@ObjectType({ description: "A validation error in ajv's ErrorObject shape (JSON Forms additionalErrors), with the field and its label." })
export class ValidationErrorItem {
  @Field() instancePath!: string;
  @Field() schemaPath!: string;
  @Field() keyword!: string;
  @Field(() => JsonScalar) params!: unknown;
  @Field() message!: string;
  @Field({ description: 'JSON pointer of the field the error is about.' }) field!: string;
  @Field() label!: string;
}

@ObjectType()
export class ValidationResult {
  @Field() valid!: boolean;
  @Field(() => [ValidationErrorItem], { description: 'At most 100.' }) errors!: ValidationErrorItem[];
  @Field(() => JsonScalar, { description: 'The same errors as an rjsf extraErrors tree.' }) rjsfErrors!: unknown;
  @Field({ description: 'More errors existed than were listed.' }) truncated!: boolean;
}

@ObjectType()
export class FormEdge {
  @Field() cursor!: string;
  @Field(() => Form) node!: Form;
}

@ObjectType()
export class FormConnection {
  @Field(() => [FormEdge]) edges!: FormEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}
