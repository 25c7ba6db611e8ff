import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { RequirePermission } from '../common/auth/access.decorators.js';
import type { Principal } from '../common/auth/access.guard.js';
import { Permission } from '../common/auth/permission.js';
import type { GraphQLContext } from '../graphql/graphql.module.js';
import { FormsService } from '../forms/forms.service.js';
import { Form } from '../forms/models/form.model.js';
import { ImportDefinitionsInput, PublishFormInput } from './dto/import-definitions.input.js';
import { FormPublicationService } from './form-publication.service.js';
import { ImportsService } from './imports.service.js';
import { ImportFormatOption, ImportReport, ImportRun } from './models/import-report.model.js';
import { assertLocale } from '../catalog/catalog-query.service.js';
import { badUserInput } from '../common/errors/lotse.error.js';
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

  @RequirePermission(Permission.CATALOG_EDIT)
  @Query(() => Form, { description: "A form version of the caller's organisation, drafts included, rendered as frontends will get it: to review an import before publishForm." })
  async draftForm(
    @Context() ctx: GraphQLContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('version', { type: () => String }) version: string,
    @Args('locale', { type: () => String, nullable: true }) locale?: string,
  ): Promise<Form> {
    const served = assertLocale(locale);
    return this.forms.render(await this.publication.ownVersion(principal(ctx), id, version), served);
  }

  @RequirePermission(Permission.CATALOG_EDIT)
  @Query(() => [ImportRun], { description: 'The latest imports into an organisation of the caller, newest first (first: at most 100, default 20).' })
  async importRuns(
    @Context() ctx: GraphQLContext,
    @Args('organisationId', { type: () => ID }) organisationId: string,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
  ): Promise<ImportRun[]> {
    const size = first ?? 20;
    if (!Number.isInteger(size) || size < 1 || size > 100) throw badUserInput('„first“ muss zwischen 1 und 100 liegen.', { argument: 'first' });
    await assertMayImport(this.imports, principal(ctx), organisationId);
    return (await this.imports.runs(organisationId, size)).map((run) => ({ id: run.id, createdAt: run.createdAt, actor: run.actor, outcome: run.outcome, report: run.report as ImportReport }));
  }
}
