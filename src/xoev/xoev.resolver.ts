import { Args, Context, ID, Query, Resolver } from '@nestjs/graphql';
import { Public, RequirePermission } from '../common/auth/access.decorators.js';
import { Permission } from '../common/auth/permission.js';
import type { Principal } from '../common/auth/access.guard.js';
import type { GraphQLContext } from '../graphql/graphql.module.js';
import { JsonScalar } from '../graphql/scalars/json.scalar.js';
import { CasesService } from '../processing/cases.service.js';
import { XoevService } from './xoev.service.js';

@Resolver()
export class XoevResolver {
  constructor(
    private readonly xoev: XoevService,
    private readonly cases: CasesService,
  ) {}

  @Public()
  @Query(() => String, { description: 'The XSD of a form version (Fachdaten of its XÖV messages), deterministic.' })
  formXsd(@Args('formId', { type: () => ID }) formId: string, @Args('version', { type: () => String }) version: string): Promise<string> {
    return this.xoev.formXsd(formId, version);
  }

  @RequirePermission(Permission.SUBMISSION_READ)
  @Query(() => String, { description: 'The XÖV message of a submission of your organisation, validated against its XSDs.' })
  async submissionXml(@Context() ctx: GraphQLContext, @Args('id', { type: () => ID }) id: string): Promise<string> {
    return (await this.xoev.export(await this.cases.entity(ctx.principal as Principal, id))).xml;
  }

  @RequirePermission(Permission.SUBMISSION_READ)
  @Query(() => JsonScalar, { description: 'FIT-Connect-style metadata of the XÖV message: schema reference, MIME type, SHA-512 of the XML.' })
  async submissionExportMetadata(@Context() ctx: GraphQLContext, @Args('id', { type: () => ID }) id: string): Promise<unknown> {
    return (await this.xoev.export(await this.cases.entity(ctx.principal as Principal, id))).metadata;
  }
}
