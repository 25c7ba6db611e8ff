import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { projectRoot } from '../common/project-root.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { PlatformInstance } from './platform-instance.entity.js';
import type { ApiInfo } from './models/api-info.model.js';

const VERSION: string = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')).version;

@Injectable()
export class SystemService {
  constructor(
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async apiInfo(): Promise<ApiInfo> {
    const [[instance], migration] = await Promise.all([
      this.em.find(PlatformInstance, {}, { orderBy: { createdAt: 'asc' }, limit: 1 }),
      this.em
        .getConnection()
        .execute<{ name: string }[]>('select name from mikro_orm_migrations order by id desc limit 1'),
    ]);
    if (!instance) throw new Error('platform_instance is empty: the database was not migrated');
    return {
      name: 'Lotse',
      version: VERSION,
      instanceId: instance.id,
      instanceLabel: this.config.instanceName ?? instance.label,
      schemaVersion: migration[0]?.name ?? null,
    };
  }
}
