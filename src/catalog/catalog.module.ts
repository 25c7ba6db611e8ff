import { Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import { FormsModule } from '../forms/forms.module.js';
import type { AppConfig } from '../config/config.js';
import { CatalogQueryService } from './catalog-query.service.js';
import { CatalogSyncService } from './catalog-sync.service.js';
import { CatalogStoreModule } from './catalog-store.service.js';
import { CatalogRejectedError } from './catalog.errors.js';
import { CatalogResolver } from './catalog.resolver.js';
import { ServicePointResolver } from './service-point.resolver.js';
import { ServiceRepository } from './service.repository.js';
import { ServiceResolver } from './service.resolver.js';

@Module({
  imports: [FormsModule, CatalogStoreModule],
  providers: [CatalogSyncService, CatalogQueryService, ServiceRepository, CatalogResolver, ServiceResolver, ServicePointResolver],
  exports: [CatalogSyncService, CatalogQueryService],
})
export class CatalogModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(CatalogModule.name);

  constructor(
    private readonly sync: CatalogSyncService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Loads the catalog at start; a broken catalog is reported and the last good one stays in service. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.catalogSyncOnStart) return;
    try {
      await this.sync.sync();
    } catch (error) {
      if (!(error instanceof CatalogRejectedError)) throw error;
      this.logger.error({ problems: error.problems.length, msg: error.message });
    }
  }
}
