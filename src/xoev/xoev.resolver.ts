import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { Public } from '../common/auth/access.decorators.js';
import { XoevService } from './xoev.service.js';

@Resolver()
export class XoevResolver {
  constructor(private readonly xoev: XoevService) {}

  @Public()
  @Query(() => String, { description: 'The XSD of a form version (Fachdaten of its XÖV messages), deterministic.' })
  formXsd(@Args('formId', { type: () => ID }) formId: string, @Args('version', { type: () => String }) version: string): Promise<string> {
    return this.xoev.formXsd(formId, version);
  }
}
