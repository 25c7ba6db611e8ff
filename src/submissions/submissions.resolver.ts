import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Public } from '../common/auth/access.decorators.js';
import { optionalCitizen } from '../common/auth/access.guard.js';
import { CitizenAccounts } from '../auth/citizen-accounts.service.js';
import type { GraphQLContext } from '../graphql/graphql.module.js';
import { JsonScalar } from '../graphql/scalars/json.scalar.js';
import { RateLimiterService } from '../common/rate-limit/rate-limiter.service.js';
import { DraftsService } from './drafts.service.js';
import { SubmitFormInput } from './dto/submit-form.input.js';
import { Draft, DraftReceipt, SubmitFormResult, type SubmissionReceipt, type SubmissionValidationError } from './models/submission.model.js';
import { SubmissionsService } from './submissions.service.js';
import { Inject } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';

@Resolver()
export class SubmissionsResolver {
  constructor(
    private readonly submissions: SubmissionsService,
    private readonly drafts: DraftsService,
    private readonly limiter: RateLimiterService,
    private readonly accounts: CitizenAccounts,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Mutation(() => SubmitFormResult, {
    description: 'Submits a form once: the same idempotencyKey with the same payload returns the same receipt; a different payload gets IDEMPOTENCY_CONFLICT.',
  })
  submitForm(
    @Args('input', { type: () => SubmitFormInput }) input: SubmitFormInput,
    @Args('idempotencyKey', { type: () => String }) idempotencyKey: string,
    @Context() ctx: GraphQLContext,
  ): Promise<SubmissionReceipt | SubmissionValidationError> {
    return this.submissions.submit(input, idempotencyKey, ctx.req.ip, optionalCitizen(ctx));
  }

  @Public()
  @Mutation(() => DraftReceipt, { description: 'Saves unfinished form data; returns a resume token (new, or the one given). Signed in with a citizen account, the draft belongs to the account (myDrafts).' })
  async saveDraft(
    @Args('formId', { type: () => ID }) formId: string,
    @Args('version', { type: () => String }) version: string,
    @Args('data', { type: () => JsonScalar }) data: unknown,
    @Context() ctx: GraphQLContext,
    @Args('resumeToken', { type: () => String, nullable: true }) resumeToken?: string,
  ): Promise<DraftReceipt> {
    const citizen = optionalCitizen(ctx);
    await this.limiter.hit(`draft:${ctx.req.ip}`, this.config.submitRateLimitPerHour * 5, 3600);
    return this.drafts.save(formId, version, data, resumeToken, citizen ? await this.accounts.ensure(citizen) : undefined);
  }

  @Public()
  @Query(() => Draft, { description: 'A saved draft, by its resume token.' })
  async draft(@Args('resumeToken', { type: () => String }) resumeToken: string, @Context() ctx: GraphQLContext): Promise<Draft> {
    const citizen = optionalCitizen(ctx);
    return this.drafts.get(resumeToken, citizen ? await this.accounts.find(citizen) : undefined);
  }
}
