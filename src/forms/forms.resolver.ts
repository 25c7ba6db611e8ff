import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import { Public } from '../common/auth/access.decorators.js';
import { assertLocale } from '../catalog/catalog-query.service.js';
import { JsonScalar } from '../graphql/scalars/json.scalar.js';
import { FormsService } from './forms.service.js';
import { Form, FormConnection, ValidationResult } from './models/form.model.js';
import { FormFilter } from './dto/form-filter.input.js';

@Resolver(() => Form)
export class FormsResolver {
  constructor(private readonly forms: FormsService) {}

  @Public()
  @Query(() => Form, { nullable: true, description: 'A form version (the latest published when no version is given), rendered for any frontend.' })
  async form(
    @Args('id', { type: () => ID }) id: string,
    @Args('version', { type: () => String, nullable: true }) version?: string,
    @Args('locale', { type: () => String, nullable: true }) locale?: string,
  ): Promise<Form> {
    const served = assertLocale(locale);
    return this.forms.render(await this.forms.viewable(id, version), served);
  }

  @Public()
  @Query(() => FormConnection, { name: 'forms', description: 'Published forms (the latest version of each), filtered by service, area or words; Relay paging (first at most 100).' })
  async listForms(
    @Args('filter', { type: () => FormFilter, nullable: true }) filter?: FormFilter,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('locale', { type: () => String, nullable: true }) locale?: string,
  ): Promise<FormConnection> {
    return this.forms.list(filter, first, after, assertLocale(locale));
  }

  @Public()
  @Query(() => ValidationResult, { description: 'Live validation of form data (the whole form or one step), with German or English messages.' })
  async validateSubmission(
    @Args('formId', { type: () => ID }) formId: string,
    @Args('version', { type: () => String }) version: string,
    @Args('data', { type: () => JsonScalar }) data: unknown,
    @Args('step', { type: () => String, nullable: true }) step?: string,
    @Args('locale', { type: () => String, nullable: true }) locale?: string,
  ): Promise<ValidationResult> {
    const served = assertLocale(locale);
    return this.forms.validate(await this.forms.viewable(formId, version), data, served, step);
  }
}
