import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { RequirePermission } from '../common/auth/access.decorators.js';
import type { Principal } from '../common/auth/access.guard.js';
import { Permission } from '../common/auth/permission.js';
import type { GraphQLContext } from '../graphql/graphql.module.js';
import { FormsService } from '../forms/forms.service.js';
import { Form } from '../forms/models/form.model.js';
import { ImportDefinitionsInput, PublishFormInput } from './dto/import-definitions.input.js';
import { FormPublicationService } from './form-publication.service.js';
import { ImportsService } from './imports.service.js';
import { ImportFormatOption, ImportReport } from './models/import-report.model.js';
import { assertMayImport } from './import-access.js';

const principal = (ctx: GraphQLContext): Principal => ctx.principal as Principal;

/** Imports of FIM XDatenfelder schemas and catalog bundles, and publication of imported forms. */
@Resolver()
export class InteropResolver {
  constructor(
    private readonly imports: ImportsService,
    private readonly publication: FormPublicationService,
    private readonly forms: FormsService,
  ) {}

  @RequirePermission(Permission.CATALOG_EDIT)
  @Mutation(() => ImportReport, {
    description: "Imports an XDatenfelder 2/3 Stammdatenschema (with genericode lists) or a catalog bundle into the caller's organisation. Problems come back in the report; with errors nothing is written. Files larger than the request limit go through POST /organisations/{id}/imports or the CLI.",
  })
  async importDefinitions(@Context() ctx: GraphQLContext, @Args('input', { type: () => ImportDefinitionsInput }) input: ImportDefinitionsInput): Promise<ImportReport> {
    const who = principal(ctx);
    await assertMayImport(this.imports, who, input.organisationId);
    const request = {
      format: input.format ?? ImportFormatOption.AUTO,
      content: input.content,
      organisationId: input.organisationId,
      dryRun: input.dryRun ?? false,
      lenient: input.lenient ?? false,
      codeLists: input.codeLists ?? [],
      formId: input.formId ?? undefined,
      serviceId: input.serviceId ?? undefined,
    };
    return this.imports.import(request, who.subject) as Promise<ImportReport>;
  }

  @RequirePermission(Permission.CATALOG_EDIT)
  @Mutation(() => Form, { description: "Publishes an imported draft of the caller's organisation (freezing its code lists); it needs a service." })
  async publishForm(@Context() ctx: GraphQLContext, @Args('input', { type: () => PublishFormInput }) input: PublishFormInput): Promise<Form> {
    const form = await this.publication.publish(principal(ctx), input);
    return this.forms.render(form, 'de');
  }
}
