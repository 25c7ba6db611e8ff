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
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const toDraft = (draft: FormDraftEntity): Draft => ({ id: draft.id, formId: draft.formId, formVersion: draft.formVersion, data: draft.data, savedAt: draft.updatedAt, expiresAt: draft.expiresAt });

/** Save and resume: a draft is found by its token only, and expires after DRAFT_TTL_DAYS. */
@Injectable()
export class DraftsService {
  constructor(
    private readonly em: EntityManager,
    private readonly forms: FormsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Saves a draft; with `accountId` it belongs to that account (myDrafts), and only that account may resume it. */
  async save(formId: string, version: string, data: unknown, resumeToken?: string | null, accountId?: string): Promise<DraftReceipt> {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new LotseError(ErrorCode.FORM_DATA_NOT_OBJECT);
    assertJsonBounds(data); // the draft is serialised (recursively) for the database
    await this.forms.submittable(formId, version);
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.draftTtlDays * 86_400_000);
    const em = this.em.fork();
    if (resumeToken) {
      const draft = await this.find(em, resumeToken, accountId);
      // an anonymous draft saved again signed in becomes the account's
      em.assign(draft, { formId, formVersion: version, data: data as Record<string, unknown>, expiresAt, citizenAccountId: draft.citizenAccountId ?? accountId });
      await em.flush();
      return { id: draft.id, resumeToken, formId, formVersion: version, savedAt: draft.updatedAt, expiresAt };
    }
    const token = newResumeToken();
    const draft = em.create(FormDraftEntity, { tokenHash: hashToken(token), formId, formVersion: version, data: data as Record<string, unknown>, expiresAt, citizenAccountId: accountId });
    await em.flush();
    if (Math.random() < 0.05) await em.nativeDelete(FormDraftEntity, { expiresAt: { $lt: now } });
    return { id: draft.id, resumeToken: token, formId, formVersion: version, savedAt: now, expiresAt };
  }

  async get(resumeToken: string, accountId?: string): Promise<Draft> {
    return toDraft(await this.find(this.em.fork(), resumeToken, accountId));
  }

  /** The draft's data for submitting, checked against the form and version given. */
  async dataFor(resumeToken: string, formId: string, version: string, accountId?: string): Promise<Record<string, unknown>> {
    const draft = await this.find(this.em.fork(), resumeToken, accountId);
    if (draft.formId !== formId || draft.formVersion !== version) {
      throw badUserInput('Der Entwurf gehört zu einem anderen Formular oder einer anderen Version.', { argument: 'resumeToken' });
    }
    return draft.data;
  }

  async discard(resumeToken: string): Promise<void> {
    await this.em.fork().nativeDelete(FormDraftEntity, { tokenHash: hashToken(resumeToken) });
  }

  /** A draft by token; an account's draft only for that account (anyone else: DRAFT_NOT_FOUND, as for an unknown token). */
  private async find(em: EntityManager, token: string, accountId?: string): Promise<FormDraftEntity> {
    if (!TOKEN.test(token)) throw new LotseError(ErrorCode.DRAFT_NOT_FOUND);
    const draft = await em.findOne(FormDraftEntity, { tokenHash: hashToken(token) });
    if (!draft || draft.expiresAt.getTime() <= Date.now()) throw new LotseError(ErrorCode.DRAFT_NOT_FOUND);
    if (draft.citizenAccountId && draft.citizenAccountId !== accountId) throw new LotseError(ErrorCode.DRAFT_NOT_FOUND);
    return draft;
  }

  /** The account's live drafts, newest first (keyset on updatedAt, id). */
  async ofAccount(accountId: string | undefined, first: number, after?: [number, string]): Promise<{ rows: FormDraftEntity[]; totalCount: number }> {
    if (!accountId) return { rows: [], totalCount: 0 };
    const em = this.em.fork();
    const where = { citizenAccountId: accountId, expiresAt: { $gt: new Date() } };
    const totalCount = await em.count(FormDraftEntity, where);
    const page = after ? { ...where, $or: [{ updatedAt: { $lt: new Date(after[0]) } }, { updatedAt: new Date(after[0]), id: { $gt: after[1] } }] } : where;
    const rows = await em.find(FormDraftEntity, page, { orderBy: { updatedAt: 'desc', id: 'asc' }, limit: first + 1 });
    return { rows, totalCount };
  }

  /** The account's draft by id; another account's or an unknown id: the same DRAFT_NOT_FOUND. */
  async byId(accountId: string | undefined, id: string): Promise<Draft> {
    const draft = accountId && UUID.test(id) ? await this.em.fork().findOne(FormDraftEntity, { id, citizenAccountId: accountId, expiresAt: { $gt: new Date() } }) : null;
    if (!draft) throw new LotseError(ErrorCode.DRAFT_NOT_FOUND);
    return toDraft(draft);
  }
}
