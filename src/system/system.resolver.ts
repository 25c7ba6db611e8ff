import { Query, Resolver } from '@nestjs/graphql';
import { Public } from '../common/auth/access.decorators.js';
import { ApiInfo } from './models/api-info.model.js';
import { SystemService } from './system.service.js';

@Resolver(() => ApiInfo)
export class SystemResolver {
  constructor(private readonly system: SystemService) {}

  @Public()
  @Query(() => ApiInfo, { description: 'Identity and version of this installation.' })
  apiInfo(): Promise<ApiInfo> {
    return this.system.apiInfo();
  }
}
