import { Injectable } from '@nestjs/common';
import { ErrorCode } from '../common/errors/error-code.js';
import { badUserInput, LotseError } from '../common/errors/lotse.error.js';
import { Localizer } from '../catalog/localize.js';
import { berlinDate } from '../catalog/opening-hours.js';
import { FormVersionEntity, liveServiceId } from './entities/form-version.entity.js';
import { compareVersions } from './form-version.js';
import { CatalogStoreService } from '../catalog/catalog-store.service.js';
import { fimAnnotations, jsonFormsTranslations, jsonFormsUiSchema, rjsfUiSchema } from './form-render.js';
import { renderSchema, validationSchema } from './form-schema.js';
import { formRules } from './form-rules.js';
import { CompiledForm, createFormAjv, toRjsfErrors } from './form-validator.js';
import type { MessageLocale } from './form-messages.js';
import { AccountRequirement, type Form, type FormConnection, type ValidationResult } from './models/form.model.js';
import type { AccountTrustLevel } from '../auth/trust-level.js';
import type { FormFilter } from './dto/form-filter.input.js';
import { assertPageSize, decodeCursor, encodeCursor } from '../common/pagination/cursor.js';
import { foldGerman, queryWords } from '../catalog/search-text.js';
import { ServiceStatus } from '../catalog/models/enums.js';

const CACHE_SIZE = 200;

export const messageLocale = (locale: string): MessageLocale => (locale === 'en' ? 'en' : 'de');

/**
 * Form versions: lookup with precise errors, rendering for both renderers, validation with cached validators. Every
 * stored version is read from the in-memory catalog snapshot (catalog-snapshot.ts); renderings of its versions are
 * kept there per language and day.
 */
@Injectable()
export class FormsService {
  private readonly ajv = createFormAjv();
  private readonly compiled = new Map<string, CompiledForm>();

  constructor(private readonly store: CatalogStoreService) {}

  /** A version fit for submitting: exists, published (not a draft), not retired. */
  async submittable(formId: string, version: string): Promise<FormVersionEntity> {
    const form = await this.find(formId, version);
    if (form.status === 'DRAFT') throw new LotseError(ErrorCode.FORM_VERSION_NOT_PUBLISHED);
    if (form.status === 'RETIRED') throw new LotseError(ErrorCode.FORM_RETIRED);
    return form;
  }

  /** A version to show: the given one (not a draft), or the latest published. */
  async viewable(formId: string, version?: string | null): Promise<FormVersionEntity> {
    if (version) {
      const form = await this.find(formId, version);
      if (form.status === 'DRAFT') throw new LotseError(ErrorCode.FORM_VERSION_NOT_PUBLISHED);
      return form;
    }
    const all = (await this.store.ready()).formVersions(formId);
    const versions = all.filter((f) => !f.removed && f.status === 'PUBLISHED');
    if (versions.length === 0) throw new LotseError(all.length > 0 ? ErrorCode.FORM_RETIRED : ErrorCode.FORM_NOT_FOUND);
    return [...versions].sort((a, b) => compareVersions(b.version, a.version))[0];
  }

  private async find(formId: string, version: string): Promise<FormVersionEntity> {
    if (!/^\d{1,3}\.\d{1,3}$/.test(version)) throw badUserInput('Eine Formularversion hat die Form 1.0.', { argument: 'version' });
    const snapshot = await this.store.ready();
    const form = snapshot.forms.get(`${formId}@${version}`);
    if (form) return form;
    const known = snapshot.formVersions(formId).length;
    throw new LotseError(known > 0 ? ErrorCode.FORM_VERSION_NOT_FOUND : ErrorCode.FORM_NOT_FOUND, undefined, { formId, version });
  }

  /** Published forms of services, latest version each (for Service.forms). */
  async latestForServices(serviceIds: readonly string[]): Promise<Map<string, FormVersionEntity[]>> {
    const snapshot = await this.store.ready();
    return new Map(serviceIds.map((id) => [id, [...snapshot.latestFormsOf(id)]]));
  }

  /**
   * Published forms, the latest version of each, ordered by form id, as a Relay connection (keyset cursor on the
   * id). `query` words must all occur (as word prefixes, German-folded) in the title or description in German or
   * the served language.
   */
  async list(filter: FormFilter | undefined, first: number | undefined, after: string | undefined, locale: string): Promise<FormConnection> {
    const size = assertPageSize(first);
    const position = after ? decodeCursor(after) : undefined;
    const snapshot = await this.store.ready();
    const inArea = (form: FormVersionEntity) => !filter?.areaId || (form.serviceId !== undefined && snapshot.services.get(form.serviceId)?.areaId === filter.areaId);
    // the latest published version of each form whose (stored) service matches
    const latest = new Map<string, FormVersionEntity>();
    for (const versions of snapshot.formsByForm()) {
      for (const row of versions) {
        if (row.status !== 'PUBLISHED' || row.removed || (filter?.serviceId && row.serviceId !== filter.serviceId) || !inArea(row)) continue;
        const current = latest.get(row.formId);
        if (!current || compareVersions(row.version, current.version) > 0) latest.set(row.formId, row);
      }
    }
    const words = filter?.query ? queryWords(filter.query) : [];
    const matches = (form: FormVersionEntity) => {
      if (words.length === 0) return true;
      const texts = [form.data.title, form.data.description].flatMap((t) => (t ? [t.de, (t as Record<string, string | undefined>)[locale]] : []));
      const folded = ` ${foldGerman(texts.filter(Boolean).join(' '))}`;
      return words.every((variants) => variants.some((v) => folded.includes(` ${v}`)));
    };
    const all = [...latest.values()].filter(matches).sort((a, b) => (a.formId < b.formId ? -1 : a.formId > b.formId ? 1 : 0));
    const rest = position ? all.filter((f) => f.formId > position[2]) : all;
    const page = rest.slice(0, size);
    const edges = page.map((form) => ({ cursor: encodeCursor([0, '', form.formId]), node: this.render(form, locale) }));
    return {
      edges,
      pageInfo: { hasNextPage: rest.length > size, hasPreviousPage: rest.length < all.length, startCursor: edges[0]?.cursor, endCursor: edges.at(-1)?.cursor },
      totalCount: all.length,
    };
  }

  /** A form version for one language; versions of the catalog snapshot are rendered once per language and day. */
  render(form: FormVersionEntity, locale: string): Form {
    const snapshot = this.store.loaded();
    if (snapshot && snapshot.forms.get(form.id) === form) return snapshot.rendered(form, locale, () => this.renderNow(form, locale));
    return this.renderNow(form, locale);
  }

  private renderNow(form: FormVersionEntity, locale: string): Form {
    const l = new Localizer(locale);
    const today = berlinDate(new Date());
    const file = form.data;
    const jsonSchema = renderSchema(form.publishedSchema, today, l, file.title);
    const rendered: Form = {
      id: form.formId,
      version: form.version,
      status: form.status as ServiceStatus,
      serviceId: form.status === 'DRAFT' ? form.serviceId : liveServiceId(form),
      title: l.text(file.title, 'title'),
      description: l.text(file.description, 'description'),
      jsonSchema,
      uiSchema: rjsfUiSchema(file, form.publishedSchema, l),
      uischema: jsonFormsUiSchema(file, form.publishedSchema, jsonSchema, l),
      translations: jsonFormsTranslations(form.publishedSchema, l),
      steps: file.layout.steps.map((s) => ({
        id: s.id,
        title: l.text(s.title, 'steps'),
        sections: s.sections.map((section) => ({ id: section.id, title: l.text(section.title, 'steps'), description: l.text(section.description, 'steps'), fields: [...section.fields] })),
      })),
      fim: fimAnnotations(form.publishedSchema),
      rules: formRules(form.publishedSchema, (text) => l.text(text, 'rules')),
      provenance: form.provenance
        ? { format: form.provenance.format, fileHash: form.provenance.fileHash, fimId: form.provenance.fimId, fimVersion: form.provenance.fimVersion, organisationId: form.provenance.organisationId, importedAt: form.provenance.importedAt }
        : undefined,
      access: {
        account: (file.access?.account.toUpperCase() ?? AccountRequirement.OPTIONAL) as AccountRequirement,
        minTrustLevel: file.access?.minTrustLevel as AccountTrustLevel | undefined,
      },
      locale: 'de',
      fallbackFields: [],
    };
    rendered.locale = l.served(['title', 'labels']);
    rendered.fallbackFields = [...l.fallbackFields].sort();
    return rendered;
  }

  /** The cached validator of a form version for today's date bounds. */
  compiledFor(form: FormVersionEntity): CompiledForm {
    const today = berlinDate(new Date());
    const key = `${form.id}@${today}`;
    let compiled = this.compiled.get(key);
    if (!compiled) {
      if (this.compiled.size >= CACHE_SIZE) {
        const oldest = this.compiled.keys().next().value as string;
        this.ajv.removeSchema(this.compiled.get(oldest)!.validate.schema as object);
        this.compiled.delete(oldest);
      }
      compiled = new CompiledForm(this.ajv.compile(validationSchema(form.publishedSchema, today)), form.publishedSchema, form.data.title);
      this.compiled.set(key, compiled);
    }
    return compiled;
  }

  /** Validates data against a form version, the whole form or one step. */
  validate(form: FormVersionEntity, data: unknown, locale: string, step?: string | null): ValidationResult {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new LotseError(ErrorCode.FORM_DATA_NOT_OBJECT);
    let prefixes: string[] | undefined;
    if (step) {
      const found = form.data.layout.steps.find((s) => s.id === step);
      if (!found) throw badUserInput(`Den Schritt „${step.slice(0, 60)}“ gibt es in diesem Formular nicht.`, { argument: 'step' });
      prefixes = found.sections.flatMap((s) => s.fields.map((f) => `/${f}`));
    }
    const outcome = this.compiledFor(form).check(data, messageLocale(locale), prefixes);
    return { valid: outcome.valid, errors: outcome.errors, rjsfErrors: toRjsfErrors(outcome.errors), truncated: outcome.truncated };
  }
}
