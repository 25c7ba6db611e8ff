import { Module } from '@nestjs/common';
import { FormsResolver } from './forms.resolver.js';
import { FormsService } from './forms.service.js';
import { CatalogStoreModule } from '../catalog/catalog-store.service.js';

@Module({ imports: [CatalogStoreModule], providers: [FormsService, FormsResolver], exports: [FormsService] })
export class FormsModule {}
