import { CatalogStoreModule } from '../catalog/catalog-store.service.js';
import { Module } from '@nestjs/common';
import { FormsModule } from '../forms/forms.module.js';
import { FormPublicationService } from './form-publication.service.js';
import { ImportsService } from './imports.service.js';
import { InteropController } from './interop.controller.js';
import { InteropResolver } from './interop.resolver.js';

@Module({
  imports: [FormsModule, CatalogStoreModule],
  controllers: [InteropController],
  providers: [ImportsService, FormPublicationService, InteropResolver],
  exports: [ImportsService],
})
export class InteropModule {}
