import { Injectable } from '@nestjs/common';
import { EntityManager, LockMode } from '@mikro-orm/postgresql';
import type { Principal } from '../common/auth/access.guard.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { badUserInput, LotseError } from '../common/errors/lotse.error.js';
import { bumpCatalogGeneration } from '../catalog/catalog-generation.js';
import { CatalogStoreService } from '../catalog/catalog-store.service.js';
import { ServiceEntity } from '../catalog/entities/service.entity.js';
import { visibleOrganisationIds } from '../catalog/organisation-scope.js';
import { FormVersionEntity } from '../forms/entities/form-version.entity.js';
import type { FormVersionFile } from '../forms/form.types.js';
import { checkImportedForm, publishImportedSchema } from './imported-form.js';
import { routingFor } from './form-routing.js';

/**
 * Puts an imported draft live: the editor's organisation must own it, it needs a service, it must pass the
 * form rules again, and its code lists are frozen now. Forms from the git catalog are published in git.
 */
@Injectable()
export class FormPublicationService {
  constructor(
    private readonly em: EntityManager,
    private readonly store: CatalogStoreService,
  ) {}

  /** Any version of a form the editor's organisation owns, drafts included; others are FORM_VERSION_NOT_FOUND. */
  async ownVersion(principal: Principal, formId: string, version: string, em = this.em, lockMode?: LockMode): Promise<FormVersionEntity> {
    const form = await em.findOne(FormVersionEntity, { id: `${formId}@${version}` }, lockMode ? { lockMode } : {});
    if (!form || !(await visibleOrganisationIds(em, principal)).includes(form.owner)) {
      throw new LotseError(ErrorCode.FORM_VERSION_NOT_FOUND, undefined, { formId, version });
    }
    return form;
  }

  async publish(principal: Principal, input: { formId: string; version: string; serviceId?: string | null }): Promise<FormVersionEntity> {
    const result = await this.em.fork().transactional(async (em) => {
      const form = await this.ownVersion(principal, input.formId, input.version, em, LockMode.PESSIMISTIC_WRITE);
      if (form.status !== 'DRAFT') throw new LotseError(ErrorCode.FORM_ALREADY_PUBLISHED);
      if (!form.provenance) throw badUserInput('Formulare aus dem Katalog werden im Git-Repository veröffentlicht (status: PUBLISHED in der Datei).', { argument: 'formId' });
      const serviceId = input.serviceId ?? form.serviceId;
      if (!serviceId) throw badUserInput('Bitte geben Sie die Leistung an, zu der das Formular gehört (serviceId).', { argument: 'serviceId' });
      if (!(await em.findOne(ServiceEntity, { id: serviceId, removed: false }))) throw badUserInput(`Die Leistung „${serviceId.slice(0, 80)}“ gibt es nicht.`, { argument: 'serviceId' });
      // a service named only now: a municipality's form of a municipal service gets its routing as on import
      const routed = form.data.routing ? form.data : (await routingFor(em, form.data, form.owner, serviceId)).form;
      const data: FormVersionFile = { ...routed, status: 'PUBLISHED', serviceId };
      const problems = await checkImportedForm(em, data);
      if (problems.length) throw badUserInput(`Das Formular kann so nicht veröffentlicht werden: ${problems.slice(0, 3).map((p) => p.message).join(' ')}`);
      em.assign(form, { status: 'PUBLISHED', serviceId, data, publishedSchema: await publishImportedSchema(em, data), publishedAt: new Date() });
      await em.flush();
      await bumpCatalogGeneration(em);
      return form;
    });
    await this.store.refresh();
    return result;
  }
}
