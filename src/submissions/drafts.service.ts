import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { ErrorCode } from '../common/errors/error-code.js';
import { badUserInput, LotseError } from '../common/errors/lotse.error.js';
import { assertJsonBounds } from '../common/json-bounds.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { FormsService } from '../forms/forms.service.js';
import { hashToken, newResumeToken } from './access-code.js';
import { FormDraftEntity } from './entities/form-draft.entity.js';
import type { Draft, DraftReceipt } from './models/submission.model.js';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Save and resume: a draft is found by its token only, and expires after DRAFT_TTL_DAYS. */
@Injectable()
export class DraftsService {
  constructor(
    private readonly em: EntityManager,
    private readonly forms: FormsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async save(formId: string, version: string, data: unknown, resumeToken?: string | null): Promise<DraftReceipt> {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new LotseError(ErrorCode.FORM_DATA_NOT_OBJECT);
    assertJsonBounds(data); // the draft is serialised (recursively) for the database
    await this.forms.submittable(formId, version);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.draftTtlDays * 86_400_000);
    const em = this.em.fork();
    if (resumeToken) {
      const draft = await this.find(em, resumeToken);
      em.assign(draft, { formId, formVersion: version, data: data as Record<string, unknown>, expiresAt });
      await em.flush();
      return { resumeToken, formId, formVersion: version, savedAt: draft.updatedAt, expiresAt };
    }
    const token = newResumeToken();
    em.create(FormDraftEntity, { tokenHash: hashToken(token), formId, formVersion: version, data: data as Record<string, unknown>, expiresAt });
    await em.flush();
    if (Math.random() < 0.05) await em.nativeDelete(FormDraftEntity, { expiresAt: { $lt: now } });
    return { resumeToken: token, formId, formVersion: version, savedAt: now, expiresAt };
  }

  async get(resumeToken: string): Promise<Draft> {
    const draft = await this.find(this.em.fork(), resumeToken);
    return { formId: draft.formId, formVersion: draft.formVersion, data: draft.data, savedAt: draft.updatedAt, expiresAt: draft.expiresAt };
  }

  /** The draft's data for submitting, checked against the form and version given. */
  async dataFor(resumeToken: string, formId: string, version: string): Promise<Record<string, unknown>> {
    const draft = await this.find(this.em.fork(), resumeToken);
    if (draft.formId !== formId || draft.formVersion !== version) {
      throw badUserInput('Der Entwurf gehört zu einem anderen Formular oder einer anderen Version.', { argument: 'resumeToken' });
    }
    return draft.data;
  }

  async discard(resumeToken: string): Promise<void> {
    await this.em.fork().nativeDelete(FormDraftEntity, { tokenHash: hashToken(resumeToken) });
  }

  private async find(em: EntityManager, token: string): Promise<FormDraftEntity> {
    if (!TOKEN.test(token)) throw new LotseError(ErrorCode.DRAFT_NOT_FOUND);
    const draft = await em.findOne(FormDraftEntity, { tokenHash: hashToken(token) });
    if (!draft || draft.expiresAt.getTime() <= Date.now()) throw new LotseError(ErrorCode.DRAFT_NOT_FOUND);
    return draft;
  }
}
